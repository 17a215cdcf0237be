/**
 * When the CLI may print JSON lines while it forwards. Forwarding comes first: while frames keep
 * coming (one in the last QUIET_MS) and printing would slow their forwarding, a turn may print
 * for `share` of the time since the last one, and what it prints waits for a whole chunk; a burst
 * at wire speed is then forwarded at nearly the speed of `--quiet` and printed as it ends. A
 * stream that printing can follow is printed as it comes.
 *
 * Printing slows forwarding when either
 *  - forwarding keeps the event loop busy (twice as long busy as idle, outside printing), or
 *  - printing every frame as it comes would take most of the time (LIVE_SHARE), judged from the
 *    arrival rate and the measured time per line. The loop may still be idle between turns
 *    then, waiting for a client and a server that need the same cores: judged by the loop alone,
 *    a burst through a two-core machine printed a quarter of the time.
 */
import { performance } from 'node:perf_hooks';

/**
 * Frames arrived this recently mean a stream is on. One turn without a frame does not: the loop
 * turns over faster than a burst's frames arrive, and a whole chunk written then (a millisecond)
 * stalled the forwarding it was meant to yield to.
 */
export const QUIET_MS = 5;
/** Printing every new frame as it comes would take more than this share of the time: yield. */
const LIVE_SHARE = 0.8;
/** Busy this many times as long as idle (outside printing): forwarding saturates the loop. */
const SATURATED = 2;
/** How much the time before the last turn still counts for the loop's load: about the last ten. */
const LOAD_DECAY = 0.9;
/**
 * The arrival rate is averaged over about this long: a stream that comes in small bunches (a
 * client sending 50 events every 10 ms) is judged by its rate, not by each bunch's.
 */
const RATE_MS = 20;
/** Most printing time one turn may save up while yielding (ms). */
const CREDIT_MAX_MS = 2;
/** A first guess at one line's printing time (ms), until turns of MEASURED_LINES or more have measured it. */
const FIRST_LINE_MS = 0.02;
const MEASURED_LINES = 16;

export class PrintPace {
  /** The store's last id at the last turn: more since means frames are arriving. */
  private lastSeen: number;
  private arrivedAt = -Infinity;
  private turnStarted = -Infinity;
  private turnEnded = -Infinity;
  /** Frames arriving per ms, averaged over about RATE_MS. */
  private rate = 0;
  /** Printing time per line (ms), measured on turns that printed whole chunks. */
  private lineMs = FIRST_LINE_MS;
  /**
   * The current turn yields because frames come faster than printing could follow: what it
   * prints should wait for a whole chunk (see FrameLines), as more is coming at once.
   */
  flooding = false;
  /** The event loop's time when the last turn ended, and its active and idle time outside printing since, decayed (LOAD_DECAY). */
  private loopAt = performance.eventLoopUtilization();
  private loopActive = 0;
  private loopIdle = 0;
  /** Printing time the current burst still allows (ms); negative after a line overran its turn's share. */
  private credit = 0;

  /** `share`: of the time, printing may take while yielding (1: never yields). */
  constructor(
    lastId: number,
    private readonly share: number,
  ) {
    this.lastSeen = lastId;
  }

  /**
   * A turn starts printing at `now` with the store's last id at `lastId`: the time until which it
   * may print, Infinity when it need not yield.
   */
  start(now: number, lastId: number): number {
    this.flooding = false;
    const fresh = lastId - this.lastSeen;
    this.lastSeen = lastId;
    if (fresh > 0) this.arrivedAt = now;
    this.rate = this.rate * Math.exp(-(now - this.turnStarted) / RATE_MS) + fresh / RATE_MS;
    this.turnStarted = now;
    const loop = performance.eventLoopUtilization(this.loopAt);
    this.loopActive = this.loopActive * LOAD_DECAY + loop.active;
    this.loopIdle = this.loopIdle * LOAD_DECAY + loop.idle;
    const streaming = now - this.arrivedAt < QUIET_MS && this.share < 1;
    this.flooding = streaming && this.rate * this.lineMs > LIVE_SHARE;
    const yielding = this.flooding || (streaming && this.loopActive > this.loopIdle * SATURATED);
    if (!yielding) {
      this.credit = 0;
      return Infinity;
    }
    // This turn's share of the time since the last, plus what earlier turns left or overran.
    const share = this.share;
    this.credit = Math.min(this.credit + ((now - this.turnEnded) * share) / (1 - share), CREDIT_MAX_MS);
    return now + this.credit;
  }

  /** The turn that started at `started` printed `lines` and ended at `now`. */
  end(started: number, now: number, lines: number, yielding: boolean): void {
    this.turnEnded = now;
    this.loopAt = performance.eventLoopUtilization();
    if (yielding) this.credit -= now - started;
    // Measured on whole chunks: a line or two while yielding would mostly measure the clock.
    else if (lines >= MEASURED_LINES) this.lineMs = (this.lineMs * 3 + (now - started) / lines) / 4;
  }
}
