/**
 * One proxied connection: the real client's socket and its own upstream socket, after both
 * handshakes. Two relays carry the frames (client→server `out`, server→client `in`); the
 * connection's end is mirrored at the TCP level, so each endpoint sees what it would see
 * directly: a FIN after the other side's FIN or abrupt end (either is 1006 to a WebSocket
 * endpoint that got no close frame). The close handshake itself is just frames, relayed like any other, so the client
 * gets the server's own answer to its close (Prosody answers every close with `1000 Goodbye`).
 * The pair is also the LiveSession intercept uses to inject frames either way.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { Direction, Frame, FrameFlags } from '../capture/frame';
import type { FrameStore, SessionInfo } from '../capture/frameStore';
import type { LiveSession } from '../capture/liveSession';
import { captureAbrupt } from './capture';
import type { Upgraded } from './handoff';
import { GateHolder, Relay } from './relay';

export interface PairOptions {
  store: FrameStore;
  session: SessionInfo;
  /** The upgraded connection from the real client. */
  client: Upgraded;
  /** The upgraded connection to the real server. */
  upstream: Upgraded;
  gates: GateHolder;
  highWater: number;
  limit: number;
  /** How long the second socket may stay without any progress once the first is gone (default 5 s). */
  lingerMs?: number;
}

/**
 * Once one side is gone, the other normally closes within milliseconds of getting its FIN. One
 * that shows no progress at all (nothing read, nothing written, nothing taken from the queue)
 * for this long is a half-open connection whose peer vanished without a FIN: it is reaped.
 */
const LINGER_MS = 5000;

export interface PairEvents {
  end: [];
  /** Frames in `dir` wait for a slow reader (paused) or flow again. */
  pressure: [dir: Direction, paused: boolean];
}

export class ProxyPair extends EventEmitter<PairEvents> implements LiveSession {
  readonly id: string;
  readonly label: string;
  readonly directions = ['in', 'out'] as const;
  private readonly out: Relay;
  private readonly in: Relay;
  private readonly client: Duplex;
  private readonly upstream: Duplex;
  private open = 2;
  /** Set when the first socket closed: the second one's close is its consequence. */
  private firstClosed = false;
  private reaper?: NodeJS.Timeout;
  private readonly lingerMs: number;

  constructor(o: PairOptions) {
    super();
    this.id = o.session.id;
    this.label = o.session.label;
    this.client = o.client.socket;
    this.upstream = o.upstream.socket;
    this.lingerMs = o.lingerMs ?? LINGER_MS;
    const common = { store: o.store, session: this.id, gates: o.gates, highWater: o.highWater, limit: o.limit };
    const pressure = (dir: Direction) => (paused: boolean) => this.emit('pressure', dir, paused);
    this.out = new Relay({
      ...common,
      dir: 'out',
      source: this.client,
      dest: this.upstream,
      mask: true,
      onPressure: pressure('out'),
    });
    this.in = new Relay({
      ...common,
      dir: 'in',
      source: this.upstream,
      dest: this.client,
      mask: false,
      onPressure: pressure('in'),
    });
    this.attach(this.client, this.out, o.store);
    this.attach(this.upstream, this.in, o.store);
    // Bytes that came with the handshakes are the first bytes of each stream.
    if (o.upstream.head.length) this.in.push(o.upstream.head);
    if (o.client.head.length) this.out.push(o.client.head);
    this.upstream.resume();
    this.client.resume();
  }

  /** LiveSession: a text frame on one side (out = towards the server), captured with flags. */
  send(dir: Direction, raw: string, flags: FrameFlags = {}): Frame | undefined {
    return (dir === 'out' ? this.out : this.in).inject(raw, flags);
  }

  /** Proxy shutdown: both peers get a close frame (captured as the proxy's), then a FIN. */
  shutdown(code = 1001, reason = 'proxy closing'): void {
    this.in.close(code, reason);
    this.out.close(code, reason);
    this.client.end();
    this.upstream.end();
  }

  /** Ends both sockets now. */
  terminate(): void {
    this.client.destroy();
    this.upstream.destroy();
  }

  /** Bytes the proxy holds for the reader in `dir` (bounded by the high-water mark plus one read). */
  queued(dir: Direction): number {
    return (dir === 'out' ? this.out : this.in).queued;
  }

  get ended(): boolean {
    return this.open === 0;
  }

  /** `relay` reads from `socket`; the other relay writes to it. */
  private attach(socket: Duplex, relay: Relay, store: FrameStore): void {
    const other = socket === this.client ? this.upstream : this.client;
    socket.on('data', (chunk: Buffer) => relay.push(chunk));
    socket.on('end', () => relay.end());
    socket.on('error', () => undefined); // followed by 'close' with hadError, handled there
    socket.on('close', () => {
      if (!this.firstClosed) {
        this.firstClosed = true;
        if (!relay.closeSeen) captureAbrupt(store, this.id, relay.dir);
        this.reapIfStuck(other);
      }
      // Gone without a FIN (reset, error): the other peer still gets every byte that came
      // before, then a FIN. A reset would be more literal, but it makes the kernel drop what
      // is still queued for that peer (the server's last words); to a WebSocket endpoint both
      // are the same end without a close frame, 1006.
      relay.end();
      if (--this.open === 0) {
        clearTimeout(this.reaper);
        this.emit('end');
      }
    });
  }

  /** Destroys `socket` once it has made no progress for lingerMs (see LINGER_MS). */
  private reapIfStuck(socket: Duplex): void {
    const progress = () => {
      const s = socket as Duplex & { bytesRead?: number; bytesWritten?: number };
      return `${s.bytesRead}/${s.bytesWritten}/${socket.writableLength}`;
    };
    let last = progress();
    const check = () => {
      const now = progress();
      if (now === last) socket.destroy();
      else {
        last = now;
        this.reaper = setTimeout(check, this.lingerMs).unref();
      }
    };
    this.reaper = setTimeout(check, this.lingerMs).unref();
  }
}
