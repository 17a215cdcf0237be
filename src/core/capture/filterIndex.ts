/**
 * The filtered view of a FrameStore that a list shows: row index → frame id, kept up to date
 * incrementally. New frames are tested as the store appends them; frames evicted from the front
 * of the store leave the front of the view; a new filter rescans the store in time slices so a
 * filter that must parse (state:, has:error over 100k unparsed frames) never blocks the host for
 * long, and rows appear as the scan goes (front first, like appends).
 *
 * With no filter the view is the store itself (ids are contiguous), so 100k frames cost nothing.
 */
import { SORT_KEYS, type SortKey, type SortSpec } from './sort';
import { EventEmitter } from 'node:events';
import type { Frame, FrameKind } from './frame';
import type { FrameStore } from './frameStore';
import { CompiledFilter, compileFilter, FilterSpec, learnTextFacts } from './filter';
import { FrameRow, toRow } from './rows';
import { ResponseIndex } from './responseIndex';
import { FollowPace } from './followPace';

export interface IndexChange {
  /** Rows added at the end of the view. */
  appended: number;
  /** Rows removed from the front of the view (store eviction). */
  removed: number;
}

export interface FilteredIndexEvents {
  change: [IndexChange];
  /** The whole view changed: new filter, store cleared, or an edit moved a frame in or out. */
  reset: [];
  /** A frame in the view changed its text or flags and stays in the view. */
  update: [row: FrameRow, index: number];
  /** The scan after a filter change reached the end of the store. */
  idle: [];
  /** Idle time has learned the text facts of every frame stored (see learnTextFacts). */
  warm: [];
}

export interface FilteredIndexOptions {
  /**
   * Time the first, synchronous slice of a scan may take (ms). Short on purpose: the host answers
   * a filter change after this slice, and under a busy capture the answer must come at once with
   * the rows following as the scan goes (a small store is still decided whole in it).
   */
  syncMs?: number;
  /** Time each later slice may take before yielding to the event loop (ms). */
  sliceMs?: number;
  /** Time each idle slice learning text facts may take (ms); 0 learns nothing ahead. */
  warmSliceMs?: number;
}

const EMPTY: FilterSpec = { text: '' };

/**
 * Share of the time learning text facts ahead may take while frames flood in. With the proxy in
 * the same process (the extension host), learning as fast as frames came took most of it and
 * forwarding fell to 0.3–0.4× a bare relay with a panel open. Small: nothing shows the learning
 * until a filter is typed, and it catches up once the flood ends.
 */
const WARM_SHARE = 0.02;

/** The view of a query that does not compile: no rows, and nothing to scan. */
const MATCH_NOTHING: CompiledFilter = { matchesAll: false, parses: false, matcher: () => () => false };

/** Positions packed below the key: up to 2^23 (8M) rows. */
const POSITIONS = 2 ** 23;
/** Keys up to 2^30 (sizes of a GiB) keep key × POSITIONS exact in a double. */
const KEY_MAX = 2 ** 30 - 1;
/** Kinds in alphabetical order, as the column reads. */
const KIND_RANK: Record<FrameKind, number> = {
  binary: 0,
  close: 1,
  closeframe: 2,
  http: 3,
  hub: 4,
  open: 5,
  ping: 6,
  pong: 7,
  stanza: 8,
  text: 9,
};

function numericKey(f: Frame, key: SortKey): number {
  if (key === 'size') return Math.min(f.bytes, KEY_MAX);
  if (key === 'dir') return f.dir === 'out' ? 0 : 1;
  return KIND_RANK[f.kind] ?? 10;
}

export class FilteredIndex extends EventEmitter<FilteredIndexEvents> {
  private spec: FilterSpec = EMPTY;
  private filter: CompiledFilter;
  private match: (f: Frame) => boolean;
  /** Filtered mode: matching ids in store order, live part is ids[head, tail). */
  private ids = new Uint32Array(1024);
  private head = 0;
  private tail = 0;
  /** Identity mode (no filter): the view is ids [lo, scanNext). */
  private lo: number;
  /** Next frame id to test; frames below it have been decided. */
  private scanNext: number;
  private scanStart: number;
  private scheduled: NodeJS.Immediate | undefined;
  private scanningNow = false;
  private readonly syncMs: number;
  private readonly sliceMs: number;
  private readonly warmSliceMs: number;
  /**
   * Next frame id whose text facts idle time has not learned yet: the first state:, event:,
   * has:update, has:error or is:malformed filter then reads them instead of walking 100k frames.
   */
  private warmNext: number;
  private warming: NodeJS.Immediate | undefined;
  /** How learning keeps behind forwarding when the proxy runs in this process. */
  private readonly learnPace: FollowPace;
  private disposed = false;
  private sort: SortSpec | undefined;
  /** The view's ids in sort order; built on first use after any change, dropped by the next. */
  private order: Uint32Array | undefined;
  /** Lets `status:` judge a request by its response (registered before onAppend: updated first). */
  private readonly links: ResponseIndex;

  constructor(
    private readonly store: FrameStore,
    opts: FilteredIndexOptions = {},
  ) {
    super();
    this.syncMs = opts.syncMs ?? 16;
    this.sliceMs = opts.sliceMs ?? 12;
    this.warmSliceMs = opts.warmSliceMs ?? 8;
    const all = compileFilter(EMPTY);
    if (!all.ok) throw new Error(all.error);
    this.links = new ResponseIndex(store);
    this.filter = all.filter;
    this.match = this.filter.matcher(this.links);
    this.lo = this.scanNext = this.scanStart = this.warmNext = store.firstId;
    this.learnPace = new FollowPace(store.lastId, WARM_SHARE);
    store.on('append', this.onAppend);
    store.on('evict', this.onEvict);
    store.on('clear', this.onClear);
    store.on('update', this.onUpdate);
    this.pump(true);
  }

  get filterSpec(): FilterSpec {
    return this.spec;
  }

  get sortSpec(): SortSpec | undefined {
    return this.sort;
  }

  /**
   * Orders the view by a column (stable: equal keys stay in capture order); undefined restores
   * capture order. Rows then move when frames arrive, so a sorted view announces `reset`.
   */
  setSort(sort: SortSpec | undefined): void {
    if (sort && !SORT_KEYS.includes(sort.key)) throw new Error(`cannot sort by ${String(sort.key)}`);
    this.sort = sort ? { key: sort.key, descending: !!sort.descending } : undefined;
    this.order = undefined;
    this.emit('reset');
  }

  /** Rows in the view. */
  get total(): number {
    this.trimFront();
    return this.filter.matchesAll ? this.scanNext - this.lo : this.tail - this.head;
  }

  /** True while a rescan has not reached the end of the store. */
  get scanning(): boolean {
    return this.scanningNow;
  }

  /** Fraction of the store decided by the current scan (1 when idle). */
  get progress(): number {
    if (!this.scanningNow) return 1;
    const from = Math.max(this.scanStart, this.store.firstId);
    const span = this.store.lastId + 1 - from;
    return span > 0 ? Math.min(1, (this.scanNext - from) / span) : 1;
  }

  /**
   * Replaces the filter and rescans. A query that does not compile empties the view (showing
   * the previous filter's rows under the new text would be a lie) and returns the message for
   * the filter bar; the store loses nothing.
   */
  setFilter(spec: FilterSpec): { ok: true } | { ok: false; error: string } {
    const compiled = compileFilter(spec);
    this.spec = { ...spec };
    this.filter = compiled.ok ? compiled.filter : MATCH_NOTHING;
    this.rebuild();
    return compiled.ok ? { ok: true } : compiled;
  }

  /** True when idle time has learned the text facts of every stored frame. */
  get warm(): boolean {
    return this.warmSliceMs <= 0 || this.warmNext > this.store.lastId;
  }

  /** Fraction of the stored frames whose text facts idle time has learned (1 when warm). */
  get warmProgress(): number {
    if (this.warm) return 1;
    const first = this.store.firstId;
    return Math.max(0, this.warmNext - first) / (this.store.lastId + 1 - first);
  }

  /** Resolves when idle time has learned the text facts of every frame stored now or later. */
  whenWarm(): Promise<void> {
    if (this.warm) return Promise.resolve();
    return new Promise((resolve) => this.once('warm', () => resolve()));
  }

  /** Resolves when the current scan has reached the end of the store. */
  whenIdle(): Promise<void> {
    if (!this.scanningNow) return Promise.resolve();
    return new Promise((resolve) => this.once('idle', () => resolve()));
  }

  idAt(index: number): number | undefined {
    if (index < 0 || index >= this.total) return undefined;
    if (this.sort) return this.sorted()[index];
    return this.filter.matchesAll ? this.lo + index : this.ids[this.head + index];
  }

  frameAt(index: number): Frame | undefined {
    const id = this.idAt(index);
    return id === undefined ? undefined : this.store.get(id);
  }

  /** Rows [start, start+count) of the view (fewer at the end). */
  rows(start: number, count: number): FrameRow[] {
    const end = Math.min(this.total, Math.max(0, start) + Math.max(0, count));
    const out: FrameRow[] = [];
    for (let i = Math.max(0, start); i < end; i++) {
      const frame = this.frameAt(i);
      if (frame) out.push(toRow(frame));
    }
    return out;
  }

  /** Row index of a frame id, or -1 when the frame is not in the view. */
  indexOf(id: number): number {
    this.trimFront();
    if (this.sort) return this.sorted().indexOf(id);
    if (this.filter.matchesAll) return id >= this.lo && id < this.scanNext ? id - this.lo : -1;
    let a = this.head;
    let b = this.tail - 1;
    while (a <= b) {
      const mid = (a + b) >>> 1;
      const v = this.ids[mid];
      if (v === id) return mid - this.head;
      if (v < id) a = mid + 1;
      else b = mid - 1;
    }
    return -1;
  }

  /** Any change to the view's membership or a row's content voids the sort order. */
  override emit<K extends keyof FilteredIndexEvents>(event: K, ...args: FilteredIndexEvents[K]): boolean {
    if (event !== 'idle' && event !== 'warm') this.order = undefined;
    return super.emit(event, ...(args as never));
  }

  /** The view's ids in capture order. */
  private viewIds(): Uint32Array {
    if (!this.filter.matchesAll) return this.ids.slice(this.head, this.tail);
    const n = this.scanNext - this.lo;
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.lo + i;
    return out;
  }

  private sorted(): Uint32Array {
    if (this.order) return this.order;
    const sort = this.sort!;
    const ids = this.viewIds();
    const n = ids.length;
    const sign = sort.descending ? -1 : 1;
    const numeric = sort.key === 'size' || sort.key === 'dir' || sort.key === 'kind';
    if (numeric) {
      // Pack key and position into one double and let the engine's numeric sort run without a
      // comparator: 100k frames sort in a few ms, ties stay in capture order.
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const f = this.store.get(ids[i]);
        let k = f ? numericKey(f, sort.key) : 0;
        if (sort.descending) k = KEY_MAX - k;
        keys[i] = k * POSITIONS + i;
      }
      keys.sort();
      const order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = ids[keys[i] % POSITIONS];
      this.order = order;
      return order;
    }
    const positions = new Uint32Array(n);
    for (let i = 0; i < n; i++) positions[i] = i;
    if (sort.key === 'time') {
      const t = new Float64Array(n);
      for (let i = 0; i < n; i++) t[i] = this.store.get(ids[i])?.t ?? 0;
      positions.sort((a, b) => sign * (t[a] - t[b]) || a - b);
    } else {
      const text: string[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const f = this.store.get(ids[i]);
        text[i] = !f
          ? ''
          : sort.key === 'session'
            ? f.session
            : sort.key === 'event'
              ? (toRow(f).label ?? '')
              : toRow(f).summary;
      }
      positions.sort((a, b) => (text[a] < text[b] ? -sign : text[a] > text[b] ? sign : a - b));
    }
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = ids[positions[i]];
    this.order = order;
    return order;
  }

  dispose(): void {
    this.store.off('append', this.onAppend);
    this.store.off('evict', this.onEvict);
    this.store.off('clear', this.onClear);
    this.store.off('update', this.onUpdate);
    this.links.dispose();
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.warming) clearImmediate(this.warming);
    this.warming = undefined;
    this.learnPace.stop();
    this.disposed = true;
    this.removeAllListeners();
  }

  private rebuild(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.match = this.filter.matcher(this.links);
    this.head = this.tail = 0;
    if (this.ids.length > 1 << 16) this.ids = new Uint32Array(1024);
    this.lo = this.scanNext = this.scanStart = this.store.firstId;
    this.scanningNow = !this.filter.matchesAll;
    this.emit('reset');
    this.pump(true);
  }

  private onAppend = (frames: Frame[]): void => {
    if (!this.filter.matchesAll) this.redecideRequests(frames);
    if (!this.scheduled) this.pump(false);
  };

  /**
   * A response just captured can change whether its request, decided earlier, is in the view
   * (`status:4xx` lists the request once its 400 arrives): the row is put in or taken out.
   */
  private redecideRequests(frames: Frame[]): void {
    let changed = false;
    for (const f of frames) {
      const id = f.answers;
      if (id === undefined || id >= this.scanNext || id < this.store.firstId) continue;
      const request = this.store.get(id);
      if (!request) continue;
      const at = this.insertionPoint(id);
      const inView = at < this.tail && this.ids[at] === id;
      if (this.match(request) === inView) continue;
      if (inView) {
        this.ids.copyWithin(at, at + 1, this.tail);
        this.tail--;
      } else {
        this.push(0); // room for one more (may compact, which moves head and tail)
        this.tail--;
        const place = this.insertionPoint(id);
        this.ids.copyWithin(place + 1, place, this.tail);
        this.ids[place] = id;
        this.tail++;
      }
      changed = true;
    }
    if (changed) this.emit('reset');
  }

  /** Position in ids[head, tail) of `id`, or where it would go to keep capture order. */
  private insertionPoint(id: number): number {
    let a = this.head;
    let b = this.tail;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (this.ids[mid] < id) a = mid + 1;
      else b = mid;
    }
    return a;
  }

  private onEvict = (): void => {
    this.trimFront();
  };

  private onClear = (): void => {
    this.warmNext = this.store.firstId;
    this.rebuild();
  };

  private onUpdate = (frame: Frame): void => {
    if (frame.id >= this.scanNext) return; // not decided yet: the scan will see the new text
    const index = this.indexOf(frame.id);
    const inView = index >= 0;
    const matches = this.filter.matchesAll || this.match(frame);
    if (inView && matches) this.emit('update', toRow(frame), index);
    else if (inView !== matches) this.rebuild(); // a row appears or vanishes mid-list
  };

  /** Drops rows whose frames the store has evicted. */
  private trimFront(): void {
    const first = this.store.firstId;
    let removed = 0;
    if (this.filter.matchesAll) {
      if (first > this.lo) {
        const upTo = Math.min(first, this.scanNext);
        removed = upTo - this.lo;
        this.lo = upTo;
        if (this.scanNext < first) this.scanNext = first;
      }
    } else {
      while (this.head < this.tail && this.ids[this.head] < first) {
        this.head++;
        removed++;
      }
      if (this.scanNext < first) this.scanNext = first;
    }
    if (removed) this.emit('change', { appended: 0, removed });
  }

  private push(id: number): void {
    if (this.tail === this.ids.length) {
      const live = this.tail - this.head;
      // Compact when most of the array is evicted rows, else grow.
      if (live * 2 < this.ids.length) {
        this.ids.copyWithin(0, this.head, this.tail);
      } else {
        const grown = new Uint32Array(this.ids.length * 2);
        grown.set(this.ids.subarray(this.head, this.tail));
        this.ids = grown;
      }
      this.head = 0;
      this.tail = live;
    }
    this.ids[this.tail++] = id;
  }

  /** Decides frames from scanNext to the end of the store within a time budget. */
  private pump(sync: boolean): void {
    this.scheduled = undefined;
    this.trimFront();
    const last = this.store.lastId;
    if (this.filter.matchesAll) {
      const added = last + 1 - this.scanNext;
      this.scanNext = last + 1;
      if (added > 0) this.emit('change', { appended: added, removed: 0 });
      this.scheduleWarm();
      return;
    }
    if (this.filter === MATCH_NOTHING) this.scanNext = last + 1;
    const budget = sync ? this.syncMs : this.sliceMs;
    const started = performance.now();
    const before = this.tail - this.head;
    let id = Math.max(this.scanNext, this.store.firstId);
    while (id <= last) {
      const frame = this.store.get(id);
      if (frame && this.match(frame)) this.push(id);
      id++;
      if ((id & 127) === 0 && performance.now() - started > budget) break;
    }
    this.scanNext = id;
    const added = this.tail - this.head - before;
    if (added > 0) this.emit('change', { appended: added, removed: 0 });
    if (id <= last) {
      this.scheduled = setImmediate(() => this.pump(false));
    } else {
      if (this.scanningNow) {
        this.scanningNow = false;
        this.emit('idle');
      }
      this.scheduleWarm();
    }
  }

  /** Learns text facts in idle slices once no scan is pending (a scan's end calls this again). */
  private scheduleWarm(): void {
    if (this.disposed || this.warming || this.scheduled || this.warm) return;
    this.warming = setImmediate(this.warmSlice);
  }

  private warmSlice = (): void => {
    this.warming = undefined;
    if (this.disposed || this.scheduled) return; // the filter's own scan comes first
    const last = this.store.lastId;
    const started = performance.now();
    // Forwarding first: while frames flood in (the proxy runs in this process), learning takes
    // a share of the time and catches up once the flood ends (FollowPace).
    const until = this.learnPace.start(started, last);
    const yielding = until !== Infinity;
    const limit = Math.min(until, started + this.warmSliceMs);
    let id = Math.max(this.warmNext, this.store.firstId);
    const from = id;
    while (id <= last && !(yielding && performance.now() >= limit)) {
      const frame = this.store.get(id);
      if (frame) learnTextFacts(frame);
      id++;
      if ((id & 127) === 0 && performance.now() > limit) break;
    }
    this.learnPace.end(started, performance.now(), id - from, yielding);
    this.warmNext = id;
    if (id > last) this.emit('warm');
    // The next append schedules the next slice; the quiet timer, the one after the flood.
    else if (yielding) this.learnPace.wakeWhenQuiet(() => this.scheduleWarm());
    else this.warming = setImmediate(this.warmSlice);
  };
}
