/**
 * When a reader that follows a FrameStore may do its work per frame while the proxy forwards:
 * the CLI's JSON lines, a session file being saved, the panel's learning ahead and its REST
 * correlation, the timeline. Forwarding comes first: while frames keep coming (one in the last
 * QUIET_MS) and that work would slow their forwarding, a turn may work for `share` of the time
 * since the last one; a burst at wire speed is then forwarded at nearly the speed of capture
 * alone and followed as it ends (the store holds its frames meanwhile). A stream the reader can
 * follow is followed as it comes.
 *
 * The work slows forwarding when either
 *  - forwarding keeps the event loop busy (twice as long busy as idle, outside the work), or
 *  - doing it for every frame as it comes would take longer than everything else (LIVE_RATIO),
 *    judged from the arrival rate and the measured time per frame. The loop may still be idle
 *    between turns then, waiting for a client and a server that need the same cores: judged by
 *    the loop alone, a burst through a two-core machine was printed a quarter of the time.
 */
import { performance } from 'node:perf_hooks';

/**
 * Frames arrived this recently mean a stream is on. One turn without a frame does not: the loop
 * turns over faster than a burst's frames arrive, and a whole chunk written then (a millisecond)
 * stalled the forwarding it was meant to yield to.
 */
export const QUIET_MS = 5;
/**
 * Following every new frame as it comes would take this many times as long as everything else
 * (forwarding, waiting) between turns, or more: yield. The arrival rate is measured over the time
 * outside the work, as the work itself holds frames back while it runs (measured over all the
 * time, a reader taking most of it would see the rate it allows and judge it slow).
 */
const LIVE_RATIO = 1;
/** Busy this many times as long as idle (outside the work): forwarding saturates the loop. */
const SATURATED = 2;
/** How much the time before the last turn still counts for the loop's load: about the last ten. */
const LOAD_DECAY = 0.9;
/**
 * The arrival rate is averaged over about this long: a stream that comes in small bunches (a
 * client sending 50 events every 10 ms) is judged by its rate, not by each bunch's.
 */
const RATE_MS = 20;
/** Most working time one turn may save up while yielding (ms). */
const CREDIT_MAX_MS = 2;
/** A first guess at the time per frame (ms), until turns of MEASURED_FRAMES or more have measured it. */
const FIRST_FRAME_MS = 0.02;
const MEASURED_FRAMES = 16;

/** The event loop's active and idle time so far (ms): performance.eventLoopUtilization(), or a test's. */
export type LoopTime = () => { active: number; idle: number };
const eventLoopTime: LoopTime = () => performance.eventLoopUtilization();

export class FollowPace {
  /** The store's last id at the last turn: more since means frames are arriving. */
  private lastSeen: number;
  private arrivedAt = -Infinity;
  private turnEnded = -Infinity;
  /** Frames arriving per ms outside the work, averaged over about RATE_MS of it. */
  private rate = 0;
  /** Time per frame (ms), measured on turns that did not yield. */
  private frameMs = FIRST_FRAME_MS;
  /**
   * The current turn yields because frames come faster than the reader could follow: what it
   * writes may wait for a whole chunk (see cli/output.ts), as more is coming at once.
   */
  flooding = false;
  /** The event loop's time when the last turn ended, and its active and idle time outside the work since, decayed (LOAD_DECAY). */
  private loopAt: { active: number; idle: number };
  private loopActive = 0;
  private loopIdle = 0;
  /** Working time the current burst still allows (ms); negative after a frame overran its turn's share. */
  private credit = 0;
  private quietTimer: NodeJS.Timeout | undefined;

  /** `share`: of the time, the work may take while yielding (1: never yields). */
  constructor(
    lastId: number,
    private readonly share: number,
    private readonly loopTime: LoopTime = eventLoopTime,
  ) {
    this.lastSeen = lastId;
    this.loopAt = loopTime();
  }

  /**
   * A turn starts working at `now` with the store's last id at `lastId`: the time until which it
   * may work, Infinity when it need not yield.
   */
  start(now: number, lastId: number): number {
    this.flooding = false;
    const fresh = lastId - this.lastSeen;
    this.lastSeen = lastId;
    if (fresh > 0) this.arrivedAt = now;
    this.rate = this.rate * Math.exp(-Math.max(now - this.turnEnded, 0) / RATE_MS) + fresh / RATE_MS;
    const loop = this.loopTime();
    this.loopActive = this.loopActive * LOAD_DECAY + loop.active - this.loopAt.active;
    this.loopIdle = this.loopIdle * LOAD_DECAY + loop.idle - this.loopAt.idle;
    const streaming = now - this.arrivedAt < QUIET_MS && this.share < 1;
    this.flooding = streaming && this.rate * this.frameMs > LIVE_RATIO;
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

  /**
   * Calls `wake` once QUIET_MS have passed (one pending wake at a time): the end of a flood has
   * no append event to wake a follower that yielded.
   */
  wakeWhenQuiet(wake: () => void): void {
    if (this.quietTimer) return;
    this.quietTimer = setTimeout(() => {
      this.quietTimer = undefined;
      wake();
    }, QUIET_MS);
    this.quietTimer.unref();
  }

  /** Drops a pending wake: the follower stops. */
  stop(): void {
    clearTimeout(this.quietTimer);
    this.quietTimer = undefined;
  }

  /** The turn that started at `started` followed `frames` frames and ended at `now`. */
  end(started: number, now: number, frames: number, yielding: boolean): void {
    this.turnEnded = now;
    this.loopAt = this.loopTime();
    if (yielding) this.credit -= now - started;
    // Measured on whole turns: a frame or two while yielding would mostly measure the clock.
    else if (frames >= MEASURED_FRAMES) this.frameMs = (this.frameMs * 3 + (now - started) / frames) / 4;
  }
}
