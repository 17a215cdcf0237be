/**
 * ws does both opening handshakes (the client's upgrade via WebSocketServer.handleUpgrade, the
 * upstream's via the ws client, with its Sec-WebSocket-Accept, subprotocol and extension checks
 * and verified TLS); then the proxy takes the raw sockets and relays frames itself. ws attaches
 * its framing to an upgraded socket in `setSocket(socket, head)`, the method its server's
 * `WebSocket` option expects subclasses to inherit; this subclass takes the socket instead.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket from 'ws';

export interface Upgraded {
  /** The upgraded connection (net.Socket, or tls.TLSSocket for wss). */
  socket: Duplex;
  /** Bytes that arrived with the handshake response/request: the first bytes of the stream. */
  head: Buffer;
}

export class HandoffSocket extends WebSocket {
  upgraded?: Upgraded;

  /** Called by ws once the handshake is complete; ws's framing is never attached. */
  setSocket(socket: Duplex, head: Buffer): void {
    // What ws itself does to an upgraded socket: no idle timeout left over from the HTTP
    // request, no Nagle delay on small frames. Reading starts when the relay is attached.
    (socket as Socket).setTimeout?.(0);
    (socket as Socket).setNoDelay?.(true);
    socket.pause();
    this.upgraded = { socket, head };
    this.emit('handoff', this.upgraded);
  }
}
