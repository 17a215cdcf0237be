/**
 * The CLI's JSON-lines output of a FrameStore: one line per frame (core/capture/jsonLines.ts),
 * written in batches, never blocking the capture and never holding more than the store does.
 *
 * The writer keeps a cursor (the next frame id to print), not a queue of text: the store is the
 * buffer. Forwarding comes first (core/capture/followPace.ts): a burst at wire speed is printed
 * mostly as it ends, in whole chunks; a stream that printing can follow is printed as it comes
 * (10,000 frames a second of Finesse events: at most ~150 lines behind; 20,000: a few thousand;
 * 40,000, which would need a core for printing alone: after the stream). When stdout's reader
 * keeps up, each chunk is one write. When it does not (a pipe into a slow `jq`, a paused
 * terminal), the writer waits for 'drain' and then goes on from its cursor, so memory stays
 * bounded by the store; frames the store evicted before they could be printed are counted and
 * said on stderr, at most once a second while the reader stays behind (a writer that is always
 * behind meets a new gap on every chunk). Forwarding never waits on any of this: the store's
 * append event is already decoupled from the producers.
 */
import type { Writable } from 'node:stream';
import type { Frame } from '../core/capture/frame';
import type { FrameStore } from '../core/capture/frameStore';
import { frameToJsonLine } from '../core/capture/jsonLines';
import { FollowPace } from '../core/capture/followPace';
import type { Correlator } from '../core/finesse/correlation';

export interface FrameLinesOptions {
  /** Print SASL payloads instead of redacting them. */
  reveal?: boolean;
  /** Links Updates to the REST calls that caused them (`finesse.causedBy`), in reverse mode. */
  correlation?: Correlator;
  /** Characters of text gathered into one write (default 64 Ki: about a millisecond of work, so forwarding waits at most that long behind a backlog). */
  chunkBytes?: number;
  /** Share of the time printing may take while frames arrive faster than it can follow (default 0.1; 1: no limit). */
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
  private readonly pace: FollowPace;
  /** Lines gathered while yielding, written once they fill a chunk or the burst ends. */
  private held = '';
  private heldLines = 0;
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
    this.pace = new FollowPace(store.lastId, opts.busyShare ?? BUSY_SHARE);
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
    this.pace.stop();
    this.store.off('append', this.onAppend);
    this.store.off('evict', this.onEvict);
    this.closed = true;
    while (!this.broken && (this.next <= this.store.lastId || this.held)) {
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
    if (this.broken) return;
    if (this.next < store.firstId) {
      this.skip(store.firstId - this.next);
      this.next = store.firstId;
    }
    const last = store.lastId;
    if (this.next > last && !this.held) return;
    let frame: Frame | undefined;
    const started = performance.now();
    const until = this.closed ? Infinity : this.pace.start(started, last);
    const busy = until !== Infinity;
    const from = this.next;
    let text = this.held;
    while (
      text.length < chunk &&
      this.next <= last &&
      (!busy || performance.now() < until) &&
      (frame = store.get(this.next))
    ) {
      text += frameToJsonLine(frame, { reveal, correlation }) + '\n';
      this.next++;
    }
    this.pace.end(started, performance.now(), this.next - from, busy);
    // While frames flood in, lines wait for a whole chunk: a write per turn is a system call and
    // a wake-up of the reader, both paid for by forwarding. The quiet timer writes what is held
    // once the burst ends.
    if (this.pace.flooding && text.length < chunk) {
      this.held = text;
      this.heldLines += this.next - from;
      this.later();
      this.holdTurn();
      return;
    }
    this.held = '';
    this.printedTotal += this.heldLines + this.next - from;
    this.heldLines = 0;
    const handed = !text || this.out.write(text);
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
    if (busy) this.holdTurn();
  }

  /** One chunk per turn while busy: the store's evict and append events come in the same turn. */
  private holdTurn(): void {
    if (this.pumpedThisTurn) return;
    this.pumpedThisTurn = true;
    setImmediate(() => (this.pumpedThisTurn = false));
  }

  /** Pumps once forwarding has been quiet: the end of a burst has no append event to wake the writer. */
  private later(): void {
    this.pace.wakeWhenQuiet(() => this.pumpSoon());
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
