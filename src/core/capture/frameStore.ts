import { EventEmitter } from 'node:events';
import { Frame, FrameInput, now } from './frame';
import { LazyFrame, RawDecoder } from './lazyFrame';

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

/**
 * Append-only, bounded store of captured frames. Ids grow by one from 1 and are never reused;
 * when `capacity` is exceeded the oldest frames are evicted (ring buffer, O(1) append).
 * Every view (CLI, panel, tree, recorder) reads from here.
 */
export class FrameStore extends EventEmitter<FrameStoreEvents> {
  private ring: (Frame | undefined)[];
  private head = 0; // ring index of the oldest frame
  private count = 0;
  private nextId = 1;
  private pending: Frame[] = [];
  private flushScheduled = false;
  readonly sessions = new Map<string, SessionInfo>();

  constructor(private cap = 200_000) {
    super();
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`FrameStore capacity must be a positive integer, got ${cap}`);
    this.ring = new Array(cap);
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
    const frame: Frame = {
      id: this.nextId++,
      session: input.session,
      dir: input.dir,
      t: input.t ?? now(),
      kind: input.kind,
      raw: input.raw,
      bytes: input.bytes ?? Buffer.byteLength(input.raw),
      flags: input.flags ?? {},
    };
    if (input.original !== undefined) frame.original = input.original;
    if (input.answers !== undefined) frame.answers = input.answers;
    return this.insert(frame);
  }

  /**
   * The wire-speed path (the proxy): the frame keeps its payload bytes, [start, end) of `kept`,
   * and `decode` makes `raw` from them when it is first read (capture/lazyFrame.ts). `bytes` is
   * the payload length on the wire, which the caller knows.
   */
  appendLazy(input: LazyFrameInput, kept: Buffer, start: number, end: number, decode: RawDecoder): Frame {
    const { session, dir, t, kind, bytes, flags } = input;
    return this.insert(new LazyFrame(this.nextId++, session, dir, t ?? now(), kind, bytes, flags ?? {}, kept, start, end, decode));
  }

  private insert(frame: Frame): Frame {
    const slot = (this.head + this.count) % this.cap;
    if (this.count === this.cap) {
      this.ring[slot] = frame;
      this.head = (this.head + 1) % this.cap;
      this.pendingEvict = true;
    } else {
      this.ring[slot] = frame;
      this.count++;
    }
    this.pending.push(frame);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
    return frame;
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
    if (batch.length) this.emit('append', batch);
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
    this.ring = new Array(this.cap);
    this.head = 0;
    this.count = 0;
    this.pending = [];
    this.emit('clear');
    this.emit('evict', this.nextId);
  }
}
