/**
 * The CLI's JSON-lines output of a FrameStore: one line per frame (core/capture/jsonLines.ts),
 * written in batches, never blocking the capture and never holding more than the store does.
 *
 * The writer keeps a cursor (the next frame id to print), not a queue of text: the store is the
 * buffer. Forwarding comes first: while frames keep arriving and forwarding keeps the event loop
 * busy (twice as long busy as idle, outside printing), a chunk may take a tenth of the busy time
 * since the last one, so a burst that saturates the proxy is forwarded at nearly the speed of
 * `--quiet` and printed as it ends; a steady stream that leaves the loop idle is printed as it
 * comes, in whole chunks (10,000 frames a second of Finesse events: at most ~200 lines behind;
 * 20,000: a few thousand). When stdout's reader keeps up, each chunk is one write. When it does
 * not (a pipe into a slow `jq`, a paused terminal), the writer waits for 'drain' and then
 * goes on from its cursor, so memory stays bounded by the store; frames the store evicted
 * before they could be printed are counted and said on stderr, at most once a second while the
 * reader stays behind (a writer that is always behind meets a new gap on every chunk). Forwarding never
 * waits on any of this: the store's append event is already decoupled from the producers.
 */
import { performance } from 'node:perf_hooks';
import type { Writable } from 'node:stream';
import type { Frame } from '../core/capture/frame';
import type { FrameStore } from '../core/capture/frameStore';
import { frameToJsonLine } from '../core/capture/jsonLines';
import type { Correlator } from '../core/finesse/correlation';

export interface FrameLinesOptions {
  /** Print SASL payloads instead of redacting them. */
  reveal?: boolean;
  /** Links Updates to the REST calls that caused them (`finesse.causedBy`), in reverse mode. */
  correlation?: Correlator;
  /** Characters of text gathered into one write (default 64 Ki: about a millisecond of work, so forwarding waits at most that long behind a backlog). */
  chunkBytes?: number;
  /** Share of the event loop's busy time printing may take while forwarding saturates it (default 0.1; 1: no limit). */
  busyShare?: number;
  /**
   * Told when frames fell out of the store before they were printed: how many since the last
   * notice, and in all. At most once per `noticeMs` (default 1 s), and once more on close.
   */
  onSkipped?: (count: number, total: number) => void;
  noticeMs?: number;
}

const CHUNK_BYTES = 64 * 1024;
const BUSY_SHARE = 0.1;
/**
 * Frames arrived this recently mean forwarding is busy. One turn without a frame does not: the
 * loop turns over faster than a burst's frames arrive, and a whole chunk written then (a
 * millisecond) stalled the forwarding it was meant to yield to.
 */
const QUIET_MS = 5;
/** How much the time before the last chunk still counts for the loop's load: about the last ten. */
const LOAD_DECAY = 0.9;
/** Busy this many times as long as idle (outside printing): forwarding saturates the loop. */
const SATURATED = 2;
const NOTICE_MS = 1000;

export class FrameLines {
  private next: number;
  private waiting = false;
  private scheduled = false;
  private closed = false;
  private broken = false;
  private skippedTotal = 0;
  /** Skipped frames not told yet, when the last notice went out, and the one waiting. */
  private untold = 0;
  private toldAt = -Infinity;
  private notice: NodeJS.Timeout | undefined;
  private printedTotal = 0;
  /** The store's last id when the last chunk was written: more since means the proxy is forwarding, and printing yields. */
  private lastSeen: number;
  /** The event loop's idle and active time when the last chunk was written. */
  private loopAt = performance.eventLoopUtilization();
  /** The loop's active and idle time outside printing, recent chunks weighing most (LOAD_DECAY). */
  private loopActive = 0;
  private loopIdle = 0;
  /** When the writer last saw new frames in the store. */
  private arrivedAt = -Infinity;
  private quiet: NodeJS.Timeout | undefined;
  /** A chunk went out this turn while busy: the store's next event in the same turn waits. */
  private pumpedThisTurn = false;
  private readonly onAppend = (): void => this.schedule();
  private readonly onEvict = (): void => this.schedule();

  constructor(
    private readonly store: FrameStore,
    private readonly out: Writable,
    private readonly opts: FrameLinesOptions = {},
  ) {
    this.next = store.lastId + 1;
    this.lastSeen = store.lastId;
    store.on('append', this.onAppend);
    store.on('evict', this.onEvict);
    // The reader went away (EPIPE): the command goes on capturing, quietly.
    out.on('error', () => (this.broken = true));
  }

  /** Frames printed so far, and frames the store dropped before they could be. */
  get printed(): number {
    return this.printedTotal;
  }
  get skipped(): number {
    return this.skippedTotal;
  }

  /** Prints what the store still holds past the cursor; resolves once it is handed to stdout. */
  async close(): Promise<void> {
    clearTimeout(this.quiet);
    this.quiet = undefined;
    this.store.off('append', this.onAppend);
    this.store.off('evict', this.onEvict);
    this.closed = true;
    while (!this.broken && this.next <= this.store.lastId) {
      if (this.waiting) await this.drained();
      else this.pump();
    }
    this.tell();
  }

  /** The next 'drain' (or the stream's end, after which nothing drains). */
  private drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('close', done);
    });
  }

  private schedule(): void {
    if (this.pumpedThisTurn) return;
    this.pumpSoon();
  }

  private pumpSoon(): void {
    if (this.waiting || this.scheduled || this.broken) return;
    this.pump();
  }

  /**
   * Writes one chunk (at most chunkBytes of lines) from the cursor, then gives the event loop
   * back: a backlog of 100,000 frames printed in one go would keep the proxy's sockets waiting
   * for seconds. More is written on the next turn, or after 'drain' when stdout is full.
   */
  private pump(): void {
    const store = this.store;
    const chunk = this.opts.chunkBytes ?? CHUNK_BYTES;
    const reveal = this.opts.reveal === true;
    const correlation = this.opts.correlation;
    if (this.broken || this.next > store.lastId) return;
    if (this.next < store.firstId) {
      this.skip(store.firstId - this.next);
      this.next = store.firstId;
    }
    let text = '';
    const last = store.lastId;
    let frame: Frame | undefined;
    // Forwarding saturates the loop (frames arrived in the last QUIET_MS, and the loop was busy
    // most of the time outside printing): this chunk may take `share` of the busy time since the last.
    const started = performance.now();
    const share = this.opts.busyShare ?? BUSY_SHARE;
    if (last !== this.lastSeen) this.arrivedAt = started;
    const loop = performance.eventLoopUtilization(this.loopAt);
    this.loopActive = this.loopActive * LOAD_DECAY + loop.active;
    this.loopIdle = this.loopIdle * LOAD_DECAY + loop.idle;
    const busy =
      started - this.arrivedAt < QUIET_MS && !this.closed && share < 1 && this.loopActive > this.loopIdle * SATURATED;
    const until = busy ? started + (loop.active * share) / (1 - share) : Infinity;
    this.lastSeen = last;
    while (
      text.length < chunk &&
      this.next <= last &&
      (until === Infinity || performance.now() < until) &&
      (frame = store.get(this.next))
    ) {
      text += frameToJsonLine(frame, { reveal, correlation }) + '\n';
      this.next++;
      this.printedTotal++;
    }
    const handed = !text || this.out.write(text);
    this.loopAt = performance.eventLoopUtilization();
    if (!handed) {
      this.waiting = true;
      this.out.once('drain', () => {
        this.waiting = false;
        if (!this.closed) this.defer();
      });
      return;
    }
    if (this.next <= store.lastId && !this.closed) {
      // Out of time while busy: the next append event pumps again, and a quiet timer catches the
      // end of the burst. A chunk that filled before its time was up goes on next turn.
      if (busy && performance.now() >= until) this.later();
      else this.defer();
    }
    // One chunk per turn still: the store's evict and append events come in the same turn.
    if (busy && !this.pumpedThisTurn) {
      this.pumpedThisTurn = true;
      setImmediate(() => (this.pumpedThisTurn = false));
    }
  }

  /** Pumps once forwarding has been quiet for QUIET_MS: the end of a burst has no append event to wake the writer. */
  private later(): void {
    if (this.quiet) return;
    this.quiet = setTimeout(() => {
      this.quiet = undefined;
      this.pumpSoon();
    }, QUIET_MS);
  }

  private skip(gone: number): void {
    this.skippedTotal += gone;
    this.untold += gone;
    if (this.notice) return;
    const wait = this.toldAt + (this.opts.noticeMs ?? NOTICE_MS) - performance.now();
    if (wait <= 0) this.tell();
    else this.notice = setTimeout(() => this.tell(), wait).unref();
  }

  private tell(): void {
    clearTimeout(this.notice);
    this.notice = undefined;
    if (!this.untold) return;
    const count = this.untold;
    this.untold = 0;
    this.toldAt = performance.now();
    this.opts.onSkipped?.(count, this.skippedTotal);
  }

  /** One pump per macrotask at most while catching up, so the proxy's own I/O keeps its turn. */
  private defer(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }
}
