/**
 * Incremental RFC 6455 frame parser over one direction of a proxied byte stream. It only reads
 * what capture and intercept need (frame boundaries, opcode, fin, the unmasked payload) and never
 * judges: reserved bits, reserved opcodes, unmasked client frames and bad close codes are the
 * receiving endpoint's business, exactly as if there were no proxy. Frames are kept as the
 * pieces they arrived in (zero-copy slices), each marked with whether it was already forwarded.
 *
 * A frame longer than `limit` is not buffered: its bytes are handed to `onStream` as they
 * arrive (to be forwarded) and the frame is reported without payload.
 */
import { applyMask } from './wireFrame';

export interface Piece {
  bytes: Buffer;
  /** Already written to the other side (streamed with its chunk). */
  forwarded: boolean;
}

export interface WireFrame {
  fin: boolean;
  /** RSV1-3 bits as in the first byte (0x70 mask); 0 on every frame of an extension-less stream. */
  rsv: number;
  opcode: number;
  /** Payload length from the header. */
  length: number;
  /** Header plus payload length: the frame's size on the wire. */
  wireBytes: number;
  /** Unmasked payload; undefined for a frame over the limit (streamed, not kept). */
  payload?: Buffer;
  /** The frame's bytes as received; empty for a streamed frame. */
  raw: Piece[];
}

/** Chunks smaller than this are copied together, so a peer trickling bytes costs no more memory than it sends. */
const SMALL_CHUNK = 1024;
const TAIL_SIZE = 64 * 1024;

export type WholeFrameHandler = (chunk: Buffer, start: number, length: number, b0: number, maskAt: number) => boolean;

export class WireParser {
  private queue: Piece[] = [];
  private queued = 0;
  private unforwarded = 0;
  /** Where small chunks are gathered (bytes [0, tailUsed) are taken). */
  private tail?: Buffer;
  private tailUsed = 0;
  /** Bytes of an over-limit frame still to stream through. */
  private skipping = 0;
  private skipped?: WireFrame;

  constructor(
    private readonly limit: number,
    private readonly onFrame: (frame: WireFrame) => void,
    private readonly onStream: (pieces: Piece[]) => void,
    /**
     * The fast path: a whole frame inside an already forwarded chunk, offered in place (payload
     * at [start, start+length), masking key at maskAt or -1) before any object is made for it.
     * Returns true when it was handled; otherwise it is reported through onFrame as usual.
     */
    private readonly onWhole?: WholeFrameHandler,
  ) {}

  /** No partial frame is buffered or streaming: the stream is between frames. */
  get idle(): boolean {
    return this.queued === 0 && this.skipping === 0;
  }

  /** A partial frame whose first bytes were already forwarded is in progress. */
  get midForwardedFrame(): boolean {
    return this.skipping > 0 || (this.queued > 0 && this.queue[0].forwarded);
  }

  /** Buffered bytes not yet forwarded (they must go out before anything streams again). */
  get holdsUnforwarded(): boolean {
    return this.unforwarded > 0;
  }

  push(chunk: Buffer, forwarded: boolean): void {
    if (chunk.length === 0) return;
    this.enqueue(chunk, forwarded);
    for (;;) {
      if (this.skipping === 0 && this.queue.length === 1) {
        // Between frames with one piece left (the usual case once a straddling frame is done):
        // read its whole frames in place, queue only the incomplete rest.
        const piece = this.queue[0];
        this.queue = [];
        this.queued = 0;
        if (!piece.forwarded) this.unforwarded -= piece.bytes.length;
        const from = this.scan(piece.bytes, piece.forwarded);
        if (from === piece.bytes.length) return;
        const rest = from === 0 ? piece.bytes : piece.bytes.subarray(from);
        this.queue.push({ bytes: rest, forwarded: piece.forwarded });
        this.queued = rest.length;
        if (!piece.forwarded) this.unforwarded += rest.length;
      }
      if (!this.next()) return;
    }
  }

  private enqueue(bytes: Buffer, forwarded: boolean): void {
    if (!forwarded) this.unforwarded += bytes.length;
    this.queued += bytes.length;
    if (bytes.length < SMALL_CHUNK) this.gather(bytes, forwarded);
    else this.queue.push({ bytes, forwarded });
  }

  /** Takes whatever partial frame is buffered (the stream ended in the middle of it). */
  drain(): Piece[] {
    const pieces = this.queue;
    this.queue = [];
    this.queued = 0;
    this.unforwarded = 0;
    return pieces;
  }

  /** A small chunk is copied next to the previous one (same piece when they are adjacent). */
  private gather(bytes: Buffer, forwarded: boolean): void {
    if (!this.tail || this.tailUsed + bytes.length > this.tail.length) {
      this.tail = Buffer.allocUnsafe(TAIL_SIZE);
      this.tailUsed = 0;
    }
    const tail = this.tail;
    const start = this.tailUsed;
    bytes.copy(tail, start);
    this.tailUsed += bytes.length;
    const last = this.queue[this.queue.length - 1];
    if (
      last &&
      last.forwarded === forwarded &&
      last.bytes.buffer === tail.buffer &&
      last.bytes.byteOffset + last.bytes.length === tail.byteOffset + start
    ) {
      const from = last.bytes.byteOffset - tail.byteOffset;
      this.queue[this.queue.length - 1] = { bytes: tail.subarray(from, this.tailUsed), forwarded };
    } else {
      this.queue.push({ bytes: tail.subarray(start, this.tailUsed), forwarded });
    }
  }

  /**
   * Frames wholly inside a chunk that starts between frames (the usual case) are read in place,
   * without queueing. Returns where the first incomplete or over-limit frame starts.
   */
  private scan(chunk: Buffer, forwarded: boolean): number {
    const n = chunk.length;
    let pos = 0;
    while (n - pos >= 2) {
      const b0 = chunk[pos];
      const b1 = chunk[pos + 1];
      let length = b1 & 0x7f;
      let head = 2;
      if (length === 126) {
        if (n - pos < 4) break;
        length = chunk.readUInt16BE(pos + 2);
        head = 4;
      } else if (length === 127) {
        if (n - pos < 10) break;
        length = chunk.readUInt32BE(pos + 2) * 2 ** 32 + chunk.readUInt32BE(pos + 6);
        head = 10;
      }
      const masked = (b1 & 0x80) !== 0;
      if (masked) head += 4;
      const end = pos + head + length;
      if (end > n || length > this.limit) break;
      if (!(forwarded && this.onWhole?.(chunk, pos + head, length, b0, masked ? pos + head - 4 : -1))) {
        const raw = [{ bytes: chunk.subarray(pos, end), forwarded }];
        this.onFrame({
          fin: (b0 & 0x80) !== 0,
          rsv: b0 & 0x70,
          opcode: b0 & 0x0f,
          length,
          wireBytes: head + length,
          raw,
          payload: payload(raw, head, length, masked),
        });
      }
      pos = end;
    }
    return pos;
  }

  private next(): boolean {
    if (this.skipping > 0) return this.stream();
    if (this.queued < 2) return false;
    const b0 = this.byteAt(0);
    const b1 = this.byteAt(1);
    let length = b1 & 0x7f;
    let head = 2;
    if (length === 126) {
      if (this.queued < 4) return false;
      length = (this.byteAt(2) << 8) | this.byteAt(3);
      head = 4;
    } else if (length === 127) {
      if (this.queued < 10) return false;
      const hi = ((this.byteAt(2) << 24) | (this.byteAt(3) << 16) | (this.byteAt(4) << 8) | this.byteAt(5)) >>> 0;
      const lo = ((this.byteAt(6) << 24) | (this.byteAt(7) << 16) | (this.byteAt(8) << 8) | this.byteAt(9)) >>> 0;
      length = hi * 2 ** 32 + lo;
      head = 10;
    }
    const masked = (b1 & 0x80) !== 0;
    if (masked) head += 4;
    if (this.queued < head) return false;
    const frame: WireFrame = {
      fin: (b0 & 0x80) !== 0,
      rsv: b0 & 0x70,
      opcode: b0 & 0x0f,
      length,
      wireBytes: head + length,
      raw: [],
    };
    if (length > this.limit) {
      this.onStream(this.take(head));
      this.skipping = length;
      this.skipped = frame;
      return this.stream();
    }
    if (this.queued < head + length) return false;
    frame.raw = this.take(head + length);
    frame.payload = payload(frame.raw, head, length, masked);
    this.onFrame(frame);
    return true;
  }

  /** Passes on what is buffered of an over-limit frame; reports the frame when it is through. */
  private stream(): boolean {
    const n = Math.min(this.queued, this.skipping);
    if (n > 0) this.onStream(this.take(n));
    this.skipping -= n;
    if (this.skipping > 0) return false;
    const frame = this.skipped as WireFrame;
    this.skipped = undefined;
    this.onFrame(frame);
    return true;
  }

  private byteAt(i: number): number {
    for (const p of this.queue) {
      if (i < p.bytes.length) return p.bytes[i];
      i -= p.bytes.length;
    }
    throw new RangeError('byteAt past the buffered bytes');
  }

  /** Removes the first n bytes as zero-copy pieces. */
  private take(n: number): Piece[] {
    this.queued -= n;
    const queue = this.queue;
    // The common case: the frame is the whole first piece.
    if (queue[0].bytes.length === n) {
      const piece = queue.shift() as Piece;
      if (!piece.forwarded) this.unforwarded -= n;
      return [piece];
    }
    const out: Piece[] = [];
    let i = 0;
    while (n > 0) {
      const piece = queue[i];
      if (piece.bytes.length <= n) {
        out.push(piece);
        n -= piece.bytes.length;
        i++;
      } else {
        out.push({ bytes: piece.bytes.subarray(0, n), forwarded: piece.forwarded });
        queue[i] = { bytes: piece.bytes.subarray(n), forwarded: piece.forwarded };
        n = 0;
      }
    }
    // One splice, not a shift per piece: a peer sending 1-byte segments must not make this quadratic.
    if (i > 0) queue.splice(0, i);
    for (const p of out) if (!p.forwarded) this.unforwarded -= p.bytes.length;
    return out;
  }
}

/**
 * The payload of a complete frame. Never modifies the received bytes (they may still be queued
 * for writing): an unmasked payload in one piece is a zero-copy view, anything else a copy.
 */
function payload(raw: Piece[], head: number, length: number, masked: boolean): Buffer {
  if (raw.length === 1 && !masked) return raw[0].bytes.subarray(head, head + length);
  const out = Buffer.allocUnsafe(length);
  let mask: Buffer | undefined;
  if (masked) mask = Buffer.allocUnsafe(4);
  let pos = 0; // position in the frame
  let o = 0; // bytes of payload copied
  for (const { bytes } of raw) {
    const end = pos + bytes.length;
    if (mask && end > head - 4 && pos < head) {
      // (part of) the masking key is in this piece
      for (let i = Math.max(pos, head - 4); i < Math.min(end, head); i++) mask[i - (head - 4)] = bytes[i - pos];
    }
    if (end > head) {
      const from = Math.max(0, head - pos);
      o += bytes.copy(out, o, from);
    }
    pos = end;
  }
  if (mask) applyMask(out, mask);
  return out;
}
