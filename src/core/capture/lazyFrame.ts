/**
 * A Frame that keeps its payload bytes as they came and decodes its `raw` text the first time
 * it is read (then caches the text and lets the bytes go). Capturing at wire speed then makes
 * no string per frame: most frames are never read before the store evicts them, and holding a
 * 1 KB string per frame was what the garbage collector spent its time copying.
 *
 * To every reader `raw` is still an own, enumerable string property in its place among the
 * fields (JSON.stringify, spreads, Object.assign see it as before; assigning it stores the new
 * text). The kept bytes are private fields, invisible to all of those. The one visible
 * difference: the prototype is this class, not Object.prototype.
 *
 * The kept bytes must never change after capture while the frame is held: the store copies them
 * into a slab it reuses only once the frame is gone (payloadRing.ts), and other producers hand
 * over buffers nothing writes to again.
 */
import type { Direction, Frame, FrameFlags, FrameKind } from './frame';
import { Slab } from './payloadRing';

/** Turns a frame's kept bytes, [start, end) of `buf`, into its `raw` text (utf8, base64, unmasking first, …). */
export type RawDecoder = (buf: Buffer, start: number, end: number) => string;

export class LazyFrame implements Frame {
  declare id: number;
  declare session: string;
  declare dir: Direction;
  declare t: number;
  declare kind: FrameKind;
  declare raw: string;
  declare bytes: number;
  declare flags: FrameFlags;
  declare original?: string;
  /**
   * What holds the payload until `raw` is first read, then the text: the store's slab
   * (payloadRing.ts) or a buffer of the frame's own, plus offsets (a subarray per frame would be
   * one more object to make and hold).
   */
  #kept: Buffer | Slab | string;
  #start: number;
  #end: number;
  #decode: RawDecoder;
  /** The slab's generation the bytes were written in: once it is reused they are gone. */
  #generation: number;

  constructor(
    id: number,
    session: string,
    dir: Direction,
    t: number,
    kind: FrameKind,
    bytes: number,
    flags: FrameFlags,
    kept: Buffer | Slab,
    start: number,
    end: number,
    decode: RawDecoder,
  ) {
    this.id = id;
    this.session = session;
    this.dir = dir;
    this.t = t;
    this.kind = kind;
    // One descriptor, one getter/setter pair for every instance: V8 then gives all lazy frames
    // one shape (a different pair per frame would turn each into a slow dictionary object).
    Object.defineProperty(this, 'raw', RAW);
    this.bytes = bytes;
    this.flags = flags;
    this.#kept = kept;
    this.#start = start;
    this.#end = end;
    this.#decode = decode;
    this.#generation = kept instanceof Slab ? kept.generation : 0;
  }

  static readRaw(frame: LazyFrame): string {
    const kept = frame.#kept;
    if (typeof kept === 'string') return kept;
    // A lost text is not cached: the frame goes on saying it is lost to whoever asks later.
    return LazyFrame.lost(frame) ? '' : (frame.#kept = LazyFrame.peekRaw(frame));
  }

  /** The text without keeping it in the frame: for a reader that looks once (the CLI's JSON lines), so the store goes on holding bytes, not strings. */
  static peekRaw(frame: LazyFrame): string {
    const kept = frame.#kept;
    if (typeof kept === 'string') return kept;
    if (!(kept instanceof Slab)) return frame.#decode(kept, frame.#start, frame.#end);
    // Evicted, never read, and its slab written over since: the text is gone, not another frame's.
    return kept.generation === frame.#generation ? frame.#decode(kept.buf, frame.#start, frame.#end) : '';
  }

  /** Its text is gone: the frame left the store unread and its slab was written over since. */
  static lost(frame: LazyFrame): boolean {
    const kept = frame.#kept;
    return kept instanceof Slab && kept.generation !== frame.#generation;
  }

  static writeRaw(frame: LazyFrame, text: string): void {
    frame.#kept = text;
  }
}

/**
 * A frame's text for a reader that looks once (the CLI's JSON lines, a session file): a lazy
 * frame decodes it without keeping it, so a store of 200,000 printed or saved frames goes on
 * holding bytes, not 200,000 strings for the garbage collector to trace.
 */
export function peekText(frame: Frame): string {
  return frame instanceof LazyFrame ? LazyFrame.peekRaw(frame) : frame.raw;
}

const RAW: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: LazyFrame): string {
    return LazyFrame.readRaw(this);
  },
  set(this: LazyFrame, text: string): void {
    LazyFrame.writeRaw(this, text);
  },
};
