/**
 * One direction of a proxied connection (client→server or server→client). Two modes, chosen per
 * chunk:
 *  - streaming (no gate, nothing pending): the chunk is written to the other side first, exactly
 *    as read, then parsed beside the stream for capture. Nothing on the forwarding path parses.
 *  - frame by frame (a gate is set, or bytes are waiting): each complete message is captured and
 *    offered to the gate; it goes out as its original frames ('pass'), later as sent back by the
 *    gate ('hold'), or never (dropped). Control frames go straight through.
 * Either way forwarded frames are the received bytes: fragmentation, masks, reserved bits,
 * invalid UTF-8 and odd close codes reach the other endpoint untouched, so it reacts exactly as
 * it would without the proxy. Frames the proxy itself originates (injected, edited, its own
 * close) are framed here and only ever written between two messages.
 */
import type { Duplex } from 'node:stream';
import { now, type Direction, type Frame, type FrameFlags } from '../capture/frame';
import type { FrameStore } from '../capture/frameStore';
import type { FrameGate } from '../intercept/gate';
import { classifyText } from '../xmpp/framing';
import { captureClose, captureInPlace, captureWireControl, captureWireMessage } from './capture';
import { closePayload, encodeFrame, OP_BINARY, OP_CLOSE, OP_CONTINUATION, OP_TEXT } from './wireFrame';
import { Piece, WireFrame, WireParser } from './wireParser';

/** Where a relay reads the current gate for every message (the proxy; it may change any time). */
export interface GateHolder {
  readonly gate: FrameGate | undefined;
}

export interface RelayOptions {
  store: FrameStore;
  session: string;
  /** Direction of the frames this relay carries (out = client→server). */
  dir: Direction;
  source: Duplex;
  dest: Duplex;
  gates: GateHolder;
  /** Frames the proxy originates towards the server are masked; towards the client not. */
  mask: boolean;
  /** Bytes queued towards a slow reader before the source is paused. */
  highWater: number;
  /** Largest message kept for capture/intercept; bigger ones are streamed and only sized. */
  limit: number;
  /** Told when the source is paused for a slow destination, and when it reads again. */
  onPressure?: (paused: boolean) => void;
}

/** Marks what arrived after the other side went away (each capture gets its own copy). */
const AFTER_CLOSE: FrameFlags = Object.freeze({ afterClose: true }) as FrameFlags;

interface Message {
  opcode: number;
  frames: WireFrame[];
  /** Its first bytes already went out: the rest follows as it comes, not through the gate. */
  committed: boolean;
  bytes: number;
  /** Over the limit: forwarded, payload not kept. */
  overflow: boolean;
}

export class Relay {
  readonly dir: Direction;
  /** The source sent a close frame (so its end is not abrupt). */
  closeSeen = false;
  private closeSent = false;
  private stopped = false;
  private readonly parser: WireParser;
  private message?: Message;
  /** Frames the proxy originated, waiting for the stream to reach a message boundary. */
  private pending: Buffer[] = [];
  private paused = false;
  private ended = false;
  /** Flags for what is captured from the current chunk (afterClose once the other side is gone). */
  private flags: FrameFlags | undefined;
  /** When the chunk being read arrived (see push). */
  private chunkAt = 0;

  constructor(private readonly o: RelayOptions) {
    this.dir = o.dir;
    this.parser = new WireParser(
      o.limit,
      (frame) => this.onFrame(frame),
      (pieces) => this.onStream(pieces),
      (chunk, start, length, b0, maskAt) => this.onWhole(chunk, start, length, b0, maskAt),
    );
  }

  /** Bytes from the source. */
  push(chunk: Buffer): void {
    // What arrives after the other side went away is still recorded, marked as not delivered.
    this.flags = this.o.dest.writable ? undefined : AFTER_CLOSE;
    // The frames read whole from this chunk arrived when it did: one clock read per chunk, not per frame.
    this.chunkAt = now();
    if (this.canStream()) {
      this.write(chunk);
      this.parser.push(chunk, true);
    } else {
      this.parser.push(chunk, false);
    }
    this.flushPending();
    if (!this.paused && this.o.dest.writableLength > this.o.highWater) this.pause();
  }

  /** The source ended (FIN, or gone): whatever is buffered goes out as received, then a FIN. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.message && !this.message.committed) this.writeMessage(this.message);
    this.writePieces(this.parser.drain());
    if (this.o.dest.writable) this.o.dest.end();
  }

  /** LiveSession send: an injected text frame, captured with `flags`. */
  inject(raw: string, flags: FrameFlags): Frame | undefined {
    if (!this.open) return undefined;
    this.send(encodeFrame(OP_TEXT, Buffer.from(raw), this.o.mask));
    return this.o.store.append({ session: this.o.session, dir: this.dir, kind: classifyText(raw), raw, flags });
  }

  /** The proxy's own close frame (shutdown); nothing is forwarded in this direction after it. */
  close(code: number, reason: string): void {
    if (this.open) {
      captureClose(this.o.store, this.o.session, this.dir, code, reason, { injected: true });
      this.send(encodeFrame(OP_CLOSE, closePayload(code, reason), this.o.mask));
    }
    this.closeSent = true;
    this.stopped = true;
  }

  /** Data frames can still be sent this way (no close frame went out, the socket is writable). */
  get open(): boolean {
    return !this.closeSent && this.o.dest.writable;
  }

  private canStream(): boolean {
    return (
      this.o.gates.gate === undefined &&
      !this.stopped &&
      this.pending.length === 0 &&
      (this.message === undefined || this.message.committed) &&
      !this.parser.holdsUnforwarded
    );
  }

  /** Between two messages on the outgoing stream: the only place a frame may be inserted. */
  private get atBoundary(): boolean {
    return !this.parser.midForwardedFrame && !(this.message && this.message.committed);
  }

  /**
   * A whole final text/binary frame in a chunk already forwarded: captured in place. Anything
   * else (fragments, control frames, reserved bits or opcodes) takes the general path.
   */
  private onWhole(chunk: Buffer, start: number, length: number, b0: number, maskAt: number): boolean {
    const opcode = b0 & 0x0f;
    if ((b0 & 0xf0) !== 0x80 || (opcode !== OP_TEXT && opcode !== OP_BINARY) || this.message !== undefined)
      return false;
    captureInPlace(
      this.o.store,
      this.o.session,
      this.dir,
      opcode,
      chunk,
      start,
      length,
      maskAt,
      this.flags,
      this.chunkAt,
    );
    return true;
  }

  private onFrame(frame: WireFrame): void {
    const { store, session } = this.o;
    const opcode = frame.opcode;
    if (opcode >= 0x8) {
      this.writePieces(frame.raw);
      captureWireControl(store, session, this.dir, opcode, frame.payload ?? Buffer.alloc(0), this.flags);
      if (opcode === OP_CLOSE) this.closeSeen = this.closeSent = true;
      return;
    }
    let msg = this.message;
    if (opcode !== OP_CONTINUATION || !msg) {
      // A new data frame while a fragmented message is open breaks the protocol; the receiving
      // endpoint will say so. For the capture the open message ends here.
      if (msg) this.complete(msg);
      const streamed = frame.raw.length === 0 || frame.raw[0].forwarded;
      msg = this.message = { opcode, frames: [], committed: streamed, bytes: 0, overflow: false };
    }
    msg.bytes += frame.length;
    if (msg.committed) this.writePieces(frame.raw);
    if (frame.payload === undefined || msg.bytes > this.o.limit) {
      // Too big to hold: it goes out as it comes; only its size is recorded.
      if (!msg.committed) {
        this.writeMessage(msg);
        this.writePieces(frame.raw);
        msg.committed = true;
      }
      msg.overflow = true;
      msg.frames = [];
    } else if (!msg.overflow) {
      msg.frames.push(frame);
    }
    if (!frame.fin) return;
    this.message = undefined;
    this.complete(msg);
  }

  /** Bytes of a frame too big to hold, as they arrive: out they go, after what precedes them. */
  private onStream(pieces: Piece[]): void {
    const msg = this.message;
    if (msg && !msg.committed) {
      this.writeMessage(msg);
      msg.committed = true;
    }
    this.writePieces(pieces);
  }

  private complete(msg: Message): void {
    const { store, session } = this.o;
    const payload = msg.overflow
      ? undefined
      : msg.frames.length === 1
        ? msg.frames[0].payload
        : Buffer.concat(msg.frames.map((f) => f.payload as Buffer));
    if (msg.committed || this.stopped) {
      captureWireMessage(
        store,
        session,
        this.dir,
        msg.opcode,
        payload,
        msg.bytes,
        this.stopped ? AFTER_CLOSE : this.flags,
      );
      return;
    }
    const gate = this.o.gates.gate;
    if (gate === undefined) {
      this.writeMessage(msg);
      captureWireMessage(store, session, this.dir, msg.opcode, payload, msg.bytes, this.flags);
      return;
    }
    const frame = captureWireMessage(store, session, this.dir, msg.opcode, payload, msg.bytes, this.flags);
    if (gate.admit(frame, (raw) => this.release(msg, frame, raw)) === 'pass') this.writeMessage(msg);
  }

  /** A held message let go by the gate: its original frames, or one new frame if edited. */
  private release(msg: Message, frame: Frame, raw: string): void {
    if (!this.open) return;
    if (raw === frame.raw) {
      const bytes: Buffer[] = [];
      for (const f of msg.frames) for (const p of f.raw) bytes.push(p.bytes);
      this.send(Buffer.concat(bytes));
    } else {
      const binary = msg.opcode === OP_BINARY;
      this.send(
        encodeFrame(binary ? OP_BINARY : OP_TEXT, binary ? Buffer.from(raw, 'base64') : Buffer.from(raw), this.o.mask),
      );
    }
  }

  /** A whole frame the proxy sends: now if between messages, else at the next boundary. */
  private send(frame: Buffer): void {
    if (this.pending.length === 0 && this.atBoundary) this.write(frame);
    else this.pending.push(frame);
  }

  private flushPending(): void {
    if (this.pending.length === 0 || !this.atBoundary) return;
    const frames = this.pending;
    this.pending = [];
    for (const f of frames) this.write(f);
  }

  private writeMessage(msg: Message): void {
    for (const f of msg.frames) this.writePieces(f.raw);
  }

  private writePieces(pieces: Piece[]): void {
    for (const p of pieces) {
      if (p.forwarded) continue;
      p.forwarded = true;
      // After the proxy's own close (shutdown) the peers' answers are captured, not relayed.
      if (!this.stopped) this.write(p.bytes);
    }
  }

  private write(bytes: Buffer): void {
    if (this.o.dest.writable) this.o.dest.write(bytes);
  }

  /** The destination's reader is slow: stop reading the source until it drains. */
  private pause(): void {
    const { source, dest } = this.o;
    this.paused = true;
    source.pause();
    const resume = () => {
      dest.off('drain', resume);
      dest.off('close', resume);
      this.paused = false;
      source.resume();
      this.o.onPressure?.(false);
    };
    dest.on('drain', resume);
    dest.on('close', resume);
    this.o.onPressure?.(true);
  }

  /** Bytes written towards the destination that its reader has not taken yet. */
  get queued(): number {
    return this.o.dest.writableLength;
  }
}
