/**
 * Where the store keeps the payload bytes of wire-speed frames: copied into slabs of a megabyte
 * that are reused once every frame in them has left the store, instead of keeping alive the
 * chunks they arrived in.
 *
 * Why: a store that holds the received chunks holds its whole payload (hundreds of megabytes)
 * as memory outside the JavaScript heap that keeps growing as chunks arrive, and V8 answers
 * growing external memory with full collections — four times as many as when the chunks were
 * let go (`--trace-gc`, 200k frames held), which put the in-process proxy at 1.6× the CPU of a
 * bare relay (`npm run bench -- proxy`). With reused slabs the store's external memory stops
 * growing once it is full: 1.2–1.35× the relay's CPU. The copy is a memcpy of the frame's bytes.
 *
 * A slab is reused only when every frame in it has been evicted *and* announced to the store's
 * `append` listeners, so no listener ever reads a frame whose bytes are gone. A frame evicted and
 * never read until after its slab was reused reads as empty text: it knows the slab's generation
 * it was written in (LazyFrame), never another frame's bytes.
 */

/** A slab of payload bytes; `generation` counts its reuses. */
export class Slab {
  readonly buf: Buffer;
  /** Bytes written so far. */
  used = 0;
  /** Id of the last frame written here. */
  lastId = 0;
  generation = 0;

  constructor(bytes: number) {
    this.buf = Buffer.allocUnsafeSlow(bytes);
  }
}

const SLAB_BYTES = 1024 * 1024;
/** Slabs stay under an eighth of a small budget (the smallest, 1 MiB, gets eight of 128 KiB). */
const MIN_SLAB_BYTES = 64 * 1024;

export class PayloadRing {
  /** Payloads up to this size go into the ring; bigger ones keep their own buffer. */
  readonly slabBytes: number;
  private current: Slab | undefined;
  /** Filled slabs, oldest first. */
  private readonly filled: Slab[] = [];
  private allocated = 0;

  constructor(maxBytes: number) {
    this.slabBytes = Math.max(MIN_SLAB_BYTES, Math.min(SLAB_BYTES, Math.floor(maxBytes / 8)));
  }

  /** Slabs made so far (reused ones count once). */
  get slabs(): number {
    return this.allocated;
  }

  /**
   * Copies [start, end) of `src` (at most slabBytes) for frame `id`; returns the slab and where
   * in it the bytes start. `gone(lastId)` tells whether every frame up to `lastId` has left the
   * store and been announced, so the oldest filled slab can be written over.
   */
  put(src: Buffer, start: number, end: number, id: number, gone: (lastId: number) => boolean): [Slab, number] {
    const n = end - start;
    let slab = this.current;
    if (!slab || slab.used + n > this.slabBytes) {
      if (slab) this.filled.push(slab);
      slab = this.reuse(gone) ?? this.make();
      this.current = slab;
    }
    const at = slab.used;
    src.copy(slab.buf, at, start, end);
    slab.used = at + n;
    slab.lastId = id;
    return [slab, at];
  }

  /** Lets every slab go (the store was cleared); frames still holding one read it until reused, which is never. */
  clear(): void {
    this.current = undefined;
    this.filled.length = 0;
  }

  private reuse(gone: (lastId: number) => boolean): Slab | undefined {
    const oldest = this.filled[0];
    if (!oldest || !gone(oldest.lastId)) return undefined;
    this.filled.shift();
    oldest.used = 0;
    oldest.generation++;
    return oldest;
  }

  private make(): Slab {
    this.allocated++;
    return new Slab(this.slabBytes);
  }
}
