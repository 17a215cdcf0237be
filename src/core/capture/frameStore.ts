import { EventEmitter } from 'node:events';
import { Frame, FrameFlags, FrameInput, now } from './frame';
import { LazyFrame, RawDecoder } from './lazyFrame';
import { PayloadRing, Slab } from './payloadRing';

/** A capture session: one client connection (own connect, or one proxied client socket). */
export interface SessionInfo {
  id: string;
  /** Human label, e.g. `agent1@finesse.test` or `proxy 127.0.0.1:53122`. */
  label: string;
  /** Upstream URL this session talks to. */
  target?: string;
  started: number;
  ended?: number;
}

/** A frame whose text the store decodes from kept bytes on first read (see appendLazy). */
export type LazyFrameInput = Omit<FrameInput, 'raw' | 'original' | 'bytes'> & { bytes: number };

export interface FrameStoreEvents {
  /** New frames, batched once per macrotask so producers never wait on listeners. */
  append: [frames: Frame[]];
  /** A frame's flags or text changed (intercept). */
  update: [frame: Frame];
  /** Frames fell off the front because of capacity, or the store was cleared. */
  evict: [firstId: number];
  session: [session: SessionInfo];
  clear: [];
}

/** Payload bytes the store keeps by default (frames beyond it evict the oldest). */
/** Frames a store keeps unless told otherwise (the extension's and the CLI's default). */
export const DEFAULT_CAPACITY = 200_000;

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
/**
 * The flags of a wire-speed frame captured without any: one frozen object shared by all of them
 * rather than an empty one per frame (a sixth of what each stored frame allocated, and of the
 * young-generation copying that keeping 200,000 of them costs). Flags are replaced, never changed
 * in place (update() makes a new object), so sharing is safe; a write to it would throw.
 */
const NO_FLAGS: FrameFlags = Object.freeze({}) as FrameFlags;
/** A frame may take at most this share of the byte budget; a bigger one is kept truncated. */
const FRAME_SHARE = 16;

export interface FrameStoreOptions {
  /**
   * Payload bytes kept in total (the text of every held frame; default 256 MiB). Frame count
   * alone does not bound memory: fifteen 20 MB frames are 300 MB whatever the capacity.
   */
  maxBytes?: number;
}

/**
 * Append-only, bounded store of captured frames. Ids grow by one from 1 and are never reused;
 * when `capacity` frames or `maxBytes` payload bytes are exceeded the oldest frames are evicted
 * (ring buffer, O(1) append). A frame bigger than a sixteenth of the budget keeps only its first
 * bytes and is flagged `truncated` (its `bytes` stays the size on the wire). Only what is kept
 * is bounded: the transports forward every frame whole whatever the store does with it.
 * Every view (CLI, panel, tree, recorder) reads from here.
 */
export class FrameStore extends EventEmitter<FrameStoreEvents> {
  private ring: (Frame | undefined)[];
  /** Bytes each held frame counts against the budget, by ring index. */
  private sizes: Float64Array;
  private head = 0; // ring index of the oldest frame
  private count = 0;
  private nextId = 1;
  private pending: Frame[] = [];
  private flushScheduled = false;
  private used = 0;
  /** Payload bytes of wire-speed frames, in reused slabs (payloadRing.ts). */
  private payloads: PayloadRing;
  /** Last id the `append` event has announced: a slab is written over only past it. */
  private announced = 0;
  private readonly gone = (lastId: number): boolean => lastId < this.firstId && lastId <= this.announced;
  /** Budget and per-frame limit in bytes. */
  readonly maxBytes: number;
  readonly maxFrameBytes: number;
  readonly sessions = new Map<string, SessionInfo>();

  constructor(
    private cap = DEFAULT_CAPACITY,
    opts: FrameStoreOptions = {},
  ) {
    super();
    if (!Number.isInteger(cap) || cap < 1)
      throw new RangeError(`FrameStore capacity must be a positive integer, got ${cap}`);
    const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!Number.isFinite(maxBytes) || maxBytes < 1)
      throw new RangeError(`FrameStore maxBytes must be a positive number, got ${maxBytes}`);
    this.maxBytes = maxBytes;
    this.maxFrameBytes = Math.max(1, Math.floor(maxBytes / FRAME_SHARE));
    this.ring = new Array(cap);
    this.sizes = new Float64Array(cap);
    this.payloads = new PayloadRing(maxBytes);
  }

  /** Slabs the store has made for payloads (they are reused: this stops growing once the store is full). */
  get payloadSlabs(): number {
    return this.payloads.slabs;
  }

  /** Payload bytes of the frames held now (what counts against maxBytes). */
  get heldBytes(): number {
    return this.used;
  }

  get capacity(): number {
    return this.cap;
  }
  get size(): number {
    return this.count;
  }
  /** Id of the oldest frame still held (nextId when empty). */
  get firstId(): number {
    return this.count ? (this.ring[this.head] as Frame).id : this.nextId;
  }
  get lastId(): number {
    return this.nextId - 1;
  }

  /** Hot path: assigns the id, stores the frame, schedules one batched `append` event. */
  append(input: FrameInput): Frame {
    let raw = input.raw;
    let flags = input.flags ?? {};
    // Cheap test first: a string never takes more UTF-8 bytes than 3 per UTF-16 unit.
    let kept = raw.length * 3 <= this.maxFrameBytes ? raw.length : Buffer.byteLength(raw);
    if (kept > this.maxFrameBytes) {
      raw = truncateText(raw, this.maxFrameBytes);
      kept = Buffer.byteLength(raw);
      flags = { ...flags, truncated: true };
    }
    const frame: Frame = {
      id: this.nextId++,
      session: input.session,
      dir: input.dir,
      t: input.t ?? now(),
      kind: input.kind,
      raw,
      bytes: input.bytes ?? Buffer.byteLength(input.raw),
      flags,
    };
    if (input.original !== undefined) frame.original = input.original;
    if (input.answers !== undefined) frame.answers = input.answers;
    if (input.note !== undefined) frame.note = { ...input.note };
    return this.insert(frame, kept + (input.original?.length ?? 0));
  }

  /**
   * The wire-speed path (the proxy): the frame keeps its payload bytes, [start, end) of `kept`,
   * and `decode` makes `raw` from them when it is first read (capture/lazyFrame.ts). `bytes` is
   * the payload length on the wire, which the caller knows.
   */
  appendLazy(input: LazyFrameInput, kept: Buffer, start: number, end: number, decode: RawDecoder): Frame {
    const { session, dir, t, kind, bytes } = input;
    let flags = input.flags ?? NO_FLAGS;
    if (end - start > this.maxFrameBytes) {
      // Only the first bytes are kept, copied: a view would keep the whole received buffer alive.
      // (A masked payload's range starts with its 4-byte key, which stays in front.)
      kept = Buffer.from(kept.subarray(start, start + this.maxFrameBytes));
      end = kept.length;
      start = 0;
      flags = { ...flags, truncated: true };
    }
    const id = this.nextId++;
    const size = end - start;
    let holder: Buffer | Slab = kept;
    if (size <= this.payloads.slabBytes) {
      // Copied into the store's slabs: the received chunk is let go (payloadRing.ts says why).
      [holder, start] = this.payloads.put(kept, start, end, id, this.gone);
      end = start + size;
    }
    return this.insert(
      new LazyFrame(id, session, dir, t ?? now(), kind, bytes, flags, holder, start, end, decode),
      size,
    );
  }

  private insert(frame: Frame, size: number): Frame {
    // Room in bytes first: the oldest frames go until this one fits (it always fits alone).
    while (this.count > 0 && this.used + size > this.maxBytes) this.evictOldest();
    const slot = (this.head + this.count) % this.cap;
    if (this.count === this.cap) {
      this.used -= this.sizes[slot];
      this.ring[slot] = frame;
      this.head = (this.head + 1) % this.cap;
      this.pendingEvict = true;
    } else {
      this.ring[slot] = frame;
      this.count++;
    }
    this.sizes[slot] = size;
    this.used += size;
    this.pending.push(frame);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
    return frame;
  }

  private evictOldest(): void {
    this.used -= this.sizes[this.head];
    this.sizes[this.head] = 0;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.cap;
    this.count--;
    this.pendingEvict = true;
  }

  private pendingEvict = false;
  private flush = (): void => {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (this.pendingEvict) {
      this.pendingEvict = false;
      this.emit('evict', this.firstId);
    }
    if (batch.length) {
      this.emit('append', batch);
      this.announced = batch[batch.length - 1].id;
    }
  };

  /** Frame by id, or undefined when evicted or unknown. */
  get(id: number): Frame | undefined {
    const index = id - this.firstId;
    return index >= 0 && index < this.count ? this.at(index) : undefined;
  }

  /** Frame by position, 0 = oldest held. */
  at(index: number): Frame | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.ring[(this.head + index) % this.cap];
  }

  /** Frames at positions [start, end). */
  slice(start = 0, end = this.count): Frame[] {
    const out: Frame[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.count); i++) out.push(this.at(i) as Frame);
    return out;
  }

  *[Symbol.iterator](): IterableIterator<Frame> {
    for (let i = 0; i < this.count; i++) yield this.at(i) as Frame;
  }

  /** Changes flags/text of a held frame in place and tells the views. */
  update(id: number, patch: Partial<Pick<Frame, 'raw' | 'flags' | 'original' | 'bytes' | 'note'>>): Frame | undefined {
    const frame = this.get(id);
    if (!frame) return undefined;
    if (patch.raw !== undefined && frame.original === undefined && patch.raw !== frame.raw) frame.original = frame.raw;
    Object.assign(frame, { ...patch, flags: { ...frame.flags, ...patch.flags } });
    if (patch.raw !== undefined && patch.bytes === undefined) frame.bytes = Buffer.byteLength(frame.raw);
    if (patch.raw !== undefined) {
      // An edit counts against the budget like a new frame (the original text is kept too);
      // nothing is evicted for it here, the next append makes room.
      const slot = (this.head + id - this.firstId) % this.cap;
      const size = Buffer.byteLength(frame.raw) + (frame.original?.length ?? 0);
      this.used += size - this.sizes[slot];
      this.sizes[slot] = size;
    }
    this.emit('update', frame);
    return frame;
  }

  openSession(info: Omit<SessionInfo, 'started'> & { started?: number }): SessionInfo {
    const session: SessionInfo = { started: Date.now(), ...info };
    this.sessions.set(session.id, session);
    this.emit('session', session);
    return session;
  }

  endSession(id: string): void {
    const session = this.sessions.get(id);
    if (session && !session.ended) {
      session.ended = Date.now();
      this.emit('session', session);
    }
  }

  clear(): void {
    this.payloads.clear();
    this.ring = new Array(this.cap);
    this.sizes = new Float64Array(this.cap);
    this.used = 0;
    this.head = 0;
    this.count = 0;
    this.pending = [];
    this.emit('clear');
    this.emit('evict', this.nextId);
  }
}

/** The longest prefix of `text` within `maxBytes` UTF-8 bytes (no character cut in half). */
function truncateText(text: string, maxBytes: number): string {
  const cut = Buffer.from(text.slice(0, maxBytes)).subarray(0, maxBytes);
  // Step back over a multi-byte character the cut left incomplete.
  let i = cut.length - 1;
  while (i > 0 && (cut[i] & 0xc0) === 0x80) i--;
  const lead = cut[i];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return cut.toString('utf8', 0, i + need > cut.length ? i : cut.length);
}
