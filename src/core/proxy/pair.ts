/**
 * One proxied connection: the real client's socket and its own upstream socket. Every message,
 * ping, pong and close frame is forwarded as received (same bytes, same opcode, same order) and
 * captured in the FrameStore under this pair's session; the pair is also a LiveSession so
 * intercept can inject frames in either direction.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { Direction, Frame, FrameFlags } from '../capture/frame';
import type { FrameStore, SessionInfo } from '../capture/frameStore';
import type { LiveSession } from '../capture/liveSession';
import type { FrameGate } from '../intercept/gate';
import { classifyText } from '../xmpp/framing';
import { Backpressure } from './backpressure';
import { ABNORMAL, captureClose, captureControl, captureMessage } from './capture';
import { onCloseFrame, protocolErrorCode, sendClose } from './closeMirror';

/** Where the pair reads the current gate on every message (the proxy; may change any time). */
export interface GateHolder {
  readonly gate: FrameGate | undefined;
}

export interface PairOptions {
  store: FrameStore;
  session: SessionInfo;
  /** The socket accepted from the real client. */
  client: WebSocket;
  /** The socket opened to the real server (paused until the pair is wired). */
  upstream: WebSocket;
  gates: GateHolder;
  highWater?: number;
}

const OPEN = WebSocket.OPEN;
// Reused on every send: ws copies them into its own options object.
const AS_TEXT = { binary: false } as const;
const AS_BINARY = { binary: true } as const;

export class ProxyPair extends EventEmitter<{ end: [] }> implements LiveSession {
  readonly id: string;
  readonly label: string;
  readonly directions = ['in', 'out'] as const;
  private readonly store: FrameStore;
  private readonly client: WebSocket;
  private readonly upstream: WebSocket;
  private open = 2;
  /** Sockets the pair itself terminated, whose own 'close' (1006) is an effect, not news. */
  private terminated = new WeakSet<WebSocket>();

  constructor(private readonly opts: PairOptions) {
    super();
    this.id = opts.session.id;
    this.label = opts.session.label;
    this.store = opts.store;
    this.client = opts.client;
    this.upstream = opts.upstream;
    this.wire(this.client, this.upstream, 'out');
    this.wire(this.upstream, this.client, 'in');
    this.upstream.resume();
  }

  /** LiveSession: sends text on one side (out = towards the server) and captures it. */
  send(dir: Direction, raw: string, flags: FrameFlags = {}): Frame | undefined {
    const ws = dir === 'out' ? this.upstream : this.client;
    if (ws.readyState !== OPEN) return undefined;
    ws.send(raw);
    return this.store.append({ session: this.id, dir, kind: classifyText(raw), raw, flags });
  }

  /** Proxy shutdown: both peers get a close frame (captured as sent by the proxy). */
  shutdown(code = 1001, reason = 'proxy closing'): void {
    for (const [ws, dir] of [
      [this.client, 'in'],
      [this.upstream, 'out'],
    ] as const) {
      if (ws.readyState !== OPEN) continue;
      captureClose(this.store, this.id, dir, code, reason, { injected: true });
      sendClose(ws, code, reason);
    }
  }

  /** Ends both sockets now, without a close handshake. */
  terminate(): void {
    this.kill(this.client);
    this.kill(this.upstream);
  }

  get ended(): boolean {
    return this.open === 0;
  }

  private kill(ws: WebSocket): void {
    if (ws.readyState === WebSocket.CLOSED) return;
    this.terminated.add(ws);
    ws.terminate();
  }

  /** Frames from `source` go to `dest`; `dir` is the direction of those frames. */
  private wire(source: WebSocket, dest: WebSocket, dir: Direction): void {
    const { store, id } = this;
    const gates = this.opts.gates;
    const pressure = new Backpressure(source, dest, this.opts.highWater);
    const back: Direction = dir === 'out' ? 'in' : 'out';

    source.on('message', (data: Buffer, isBinary: boolean) => {
      const gate = gates.gate;
      if (gate === undefined) {
        // The fast path: forward first, then capture, so capture never delays the bytes.
        if (dest.readyState === OPEN) {
          dest.send(data, isBinary ? AS_BINARY : AS_TEXT);
          captureMessage(store, id, dir, data, isBinary);
          pressure.check();
        } else {
          captureMessage(store, id, dir, data, isBinary, { dropped: true });
        }
        return;
      }
      const frame = captureMessage(store, id, dir, data, isBinary);
      const decision = gate.admit(frame, (raw) => this.release(dest, frame, data, isBinary, raw));
      if (decision === 'pass') {
        dest.send(data, isBinary ? AS_BINARY : AS_TEXT);
        pressure.check();
      }
    });

    source.on('ping', (payload: Buffer) => {
      dest.ping(payload);
      captureControl(store, id, dir, 'ping', payload);
    });
    source.on('pong', (payload: Buffer) => {
      dest.pong(payload);
      captureControl(store, id, dir, 'pong', payload);
    });

    onCloseFrame(source, (code, reason) => {
      captureClose(store, id, dir, code, reason);
      sendClose(dest, code, reason);
    });

    source.on('error', (err: Error) => {
      // ws has already closed `source` with this code because its peer broke the protocol;
      // the other peer is told the same. Other errors (resets) end in 'close' with 1006.
      const code = protocolErrorCode(err);
      if (code === undefined) return;
      captureClose(store, id, back, code, '', { injected: true });
      if (dest.readyState === OPEN) {
        captureClose(store, id, dir, code, '', { injected: true });
        sendClose(dest, code);
      }
    });

    source.on('close', (code: number) => {
      if (code === ABNORMAL && !this.terminated.has(source)) {
        // The TCP connection ended without a close frame: the other peer sees the same.
        captureClose(store, id, dir, ABNORMAL, '');
        // A destination still closing a handshake the proxy started is left to finish it.
        if (dest.readyState === OPEN) this.kill(dest);
      }
      if (--this.open === 0) this.emit('end');
    });
  }

  /** A frame the gate held is let go, possibly edited: same bytes unless the text changed. */
  private release(dest: WebSocket, frame: Frame, data: Buffer, isBinary: boolean, raw: string): void {
    if (dest.readyState !== OPEN) return;
    if (raw === frame.raw) dest.send(data, isBinary ? AS_BINARY : AS_TEXT);
    else if (isBinary) dest.send(Buffer.from(raw, 'base64'), AS_BINARY);
    else dest.send(raw, AS_TEXT);
  }
}
