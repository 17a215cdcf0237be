/**
 * The transparent WebSocket proxy: a real Finesse client (desktop, gadget, test script) connects
 * to a local listener; each client socket gets its own upstream socket to the real server, every
 * frame is forwarded unchanged and captured in the FrameStore as one session per client.
 *
 * The upstream is opened *before* the client's upgrade is answered, with the subprotocols and
 * headers the client offered (`xmpp`, Origin, cookies), so the client is told exactly what the
 * server chose; a server that refuses the upgrade is answered to the client with the server's
 * own HTTP response (502 when none answered).
 *
 * After the two handshakes (ws `noServer` + handleUpgrade for the client, upstream.ts for the
 * server) the proxy works on the raw sockets (pair.ts, relay.ts): frames are forwarded as the
 * bytes that arrived, and parsed beside the stream for capture, so everything a direct
 * connection would see is kept: fragmentation, masks, pings and pongs (answered by the real
 * peer, not here), invalid UTF-8, reserved bits, the close handshake with each side's own codes,
 * and the TCP end. Neither leg negotiates compression, so both carry the same frames.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Server as TypedWebSocketServer } from 'ws';
import { BoundJidLabels } from '../capture/boundJid';
import type { FrameStore, SessionInfo } from '../capture/frameStore';
import type { LiveSessionRegistry } from '../capture/liveSession';
import type { FrameGate } from '../intercept/gate';
import type { TlsTrust } from '../session/tls';
import { HandoffSocket } from './handoff';
import { ProxyPair } from './pair';
import { looksLikeUpgrade, refuseUpgrade } from './refusal';
import type { GateHolder } from './relay';
import { listenForUpgrades } from './upgradeListener';
import {
  connectUpstream,
  forwardedHeaders,
  LISTEN_PATH,
  offeredProtocols,
  UpstreamConnection,
  upstreamUrl,
} from './upstream';

export interface ProxyOptions {
  /** ws:// or wss:// upstream URL (path/query of the client request are kept relative to it). */
  target: string;
  /** Default 127.0.0.1:0. */
  listen?: { host: string; port: number };
  trust?: TlsTrust;
  /** Intercept hook, may be set later with setGate. */
  gate?: FrameGate;
  /** Each client/server pair registers as a LiveSession (directions ['in','out']). */
  live?: LiveSessionRegistry;
  /** Bytes queued towards a slow reader before the other side is paused (default 1 MiB). */
  highWater?: number;
  /**
   * Largest message kept for capture and intercept (default 100 MiB). Bigger ones are still
   * forwarded unchanged, as they stream, and recorded by size only.
   */
  maxPayload?: number;
  /** Browser origins allowed besides loopback and same-origin pages (net/origin.ts). */
  allowedOrigins?: readonly string[];
}

/** Peers normally answer the proxy's close within milliseconds; a silent one is cut after this. */
const CLOSE_GRACE_MS = 2000;
const MAX_PAYLOAD = 100 * 1024 * 1024;
/** Bytes queued towards a slow reader before the other side is paused. */
const HIGH_WATER = 1024 * 1024;

export class WsProxy extends EventEmitter<{ session: [SessionInfo]; error: [Error] }> implements GateHolder {
  gate: FrameGate | undefined;
  private readonly wss: TypedWebSocketServer<typeof HandoffSocket>;
  private server?: Server;
  private address?: string;
  private closing = false;
  private readonly pairs = new Set<ProxyPair>();
  /** Each client's session is named by the JID its server binds, once it does. */
  private readonly boundLabels: BoundJidLabels;
  private readonly connecting = new Set<() => void>();
  /** The upstream's handshake answer, per pending client request, relayed in the client's 101. */
  private readonly answers = new WeakMap<IncomingMessage, UpstreamConnection>();

  constructor(
    private readonly store: FrameStore,
    private readonly opts: ProxyOptions,
  ) {
    super();
    checkTarget(opts.target);
    this.gate = opts.gate;
    this.boundLabels = new BoundJidLabels(store);
    // ws answers the client's handshake (and any broken one with the right 4xx); the socket is
    // then handed over raw. No compression, as upstream, so frames pass byte for byte.
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      WebSocket: HandoffSocket,
      // The subprotocol is the server's choice, relayed below whatever it is: the client judges
      // the server's answer as it would directly.
      handleProtocols: () => false,
    });
    this.wss.on('headers', (headers: string[], req: IncomingMessage) => {
      const up = this.answers.get(req);
      if (!up) return;
      if (up.protocol) headers.push(`Sec-WebSocket-Protocol: ${up.protocol}`);
      for (const [name, value] of up.headers) headers.push(`${name}: ${value}`);
    });
  }

  /** `ws://127.0.0.1:PORT/ws/` once listening. */
  get url(): string | undefined {
    return this.address;
  }

  /** Sessions currently proxied. */
  get sessions(): number {
    return this.pairs.size;
  }

  setGate(gate: FrameGate | undefined): void {
    this.gate = gate;
  }

  async listen(): Promise<string> {
    if (this.address) return this.address;
    const { host, port } = this.opts.listen ?? { host: '127.0.0.1', port: 0 };
    const { server, bound } = await listenForUpgrades(
      host,
      port,
      'finesse-frames proxy: connect a WebSocket client to this address',
      (req, socket, head) => this.handleUpgrade(req, socket, head),
      [...(this.opts.allowedOrigins ?? []), targetPageOrigin(this.opts.target)],
    );
    this.server = server;
    this.address = `ws://${urlHost(host, bound)}:${bound.port}${LISTEN_PATH}`;
    return this.address;
  }

  /**
   * Takes over one upgrade request: opens the upstream (`target`, when given, is used as is;
   * otherwise the request path/query are mapped onto opts.target), then accepts the client.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target?: string): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (!looksLikeUpgrade(req)) {
      // ws answers a broken handshake with the right 4xx; there is nothing to forward.
      this.wss.handleUpgrade(req, socket, head, (ws) => ws.terminate());
      return;
    }
    // Until the upgrade is answered, a client socket error only means the client left ('close').
    const early = (): void => undefined;
    socket.on('error', early);
    let url: string;
    let attempt: ReturnType<typeof connectUpstream>;
    try {
      url = target ?? upstreamUrl(this.opts.target, req.url);
      attempt = connectUpstream({
        url,
        protocols: offeredProtocols(req.headers),
        headers: forwardedHeaders(req.headers),
        trust: this.opts.trust,
      });
    } catch (e) {
      // A bad URL or an unreadable CA file: the client gets a 502 naming it, the proxy lives on.
      refuseUpgrade(socket, e as Error);
      this.report(e as Error);
      return;
    }
    const { opened, abort } = attempt;
    this.connecting.add(abort);
    socket.once('close', abort);
    opened.then(
      (up) => {
        this.connecting.delete(abort);
        socket.off('close', abort);
        socket.off('error', early);
        if (socket.destroyed || this.closing) {
          up.socket.destroy();
          return;
        }
        this.answers.set(req, up);
        let accepted = false;
        this.wss.handleUpgrade(req, socket, head, (client) => {
          accepted = true;
          this.accept(client, up, req, url);
        });
        if (!accepted) up.socket.destroy();
      },
      (err: Error) => {
        this.connecting.delete(abort);
        socket.off('close', abort);
        if (socket.destroyed) return; // the client left first; nothing to tell anyone
        refuseUpgrade(socket, err);
        this.report(err);
      },
    );
  }

  /** Closes every proxied pair (both peers get 1001) and stops listening. */
  async close(): Promise<void> {
    this.closing = true;
    for (const abort of this.connecting) abort();
    const pairs = [...this.pairs];
    const ended = pairs.map((p) => (p.ended ? undefined : once(p, 'end')));
    for (const p of pairs) p.shutdown();
    const cut = setTimeout(() => pairs.forEach((p) => p.terminate()), CLOSE_GRACE_MS);
    await Promise.all(ended.filter((e) => e !== undefined));
    clearTimeout(cut);
    this.boundLabels.dispose();
    const server = this.server;
    this.server = undefined;
    if (server) {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections(); // plain HTTP keep-alive connections to the listener
      await stopped;
    }
  }

  private accept(client: HandoffSocket, upstream: UpstreamConnection, req: IncomingMessage, url: string): void {
    if (!client.upgraded) {
      upstream.socket.destroy();
      return;
    }
    const session = this.store.openSession({
      id: `proxy-${randomUUID()}`,
      label: `proxy ${req.socket.remoteAddress}:${req.socket.remotePort}`,
      target: url,
    });
    const pair = new ProxyPair({
      store: this.store,
      session,
      client: client.upgraded,
      upstream,
      gates: this,
      highWater: this.opts.highWater ?? HIGH_WATER,
      limit: this.opts.maxPayload ?? MAX_PAYLOAD,
    });
    this.pairs.add(pair);
    this.opts.live?.add(pair);
    this.boundLabels.watch(session.id);
    pair.once('end', () => {
      this.pairs.delete(pair);
      this.boundLabels.forget(session.id);
      this.opts.live?.remove(pair.id);
      this.store.endSession(pair.id);
    });
    this.emit('session', session);
  }

  private report(err: Error): void {
    if (this.listenerCount('error')) this.emit('error', err);
  }
}

function checkTarget(target: string): void {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new TypeError(`proxy target "${target}" is not a URL (expected ws://HOST:PORT/ws/ or wss://…)`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new TypeError(`proxy target must be ws:// or wss://, got ${url.protocol}//`);
}

/** The host to print in the listen URL: what the user gave, loopback for a wildcard bind. */
/**
 * The origin of pages served by the target server (wss://finesse:8445/ws/ → https://finesse:8445):
 * the real desktop or a gadget loaded from it may be pointed at this proxy.
 */
function targetPageOrigin(target: string): string {
  const url = new URL(target);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  return url.origin;
}

function urlHost(host: string, bound: AddressInfo): string {
  // A wildcard shows what was bound (0.0.0.0, ::): the listener is on every interface.
  const h =
    host === '0.0.0.0' || host === '::' || host === '[::]' || host === ''
      ? bound.address
      : host.replace(/^\[|\]$/g, '');
  return h.includes(':') ? `[${h}]` : h;
}
