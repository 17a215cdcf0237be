// FollowPace: when a reader following a store (JSON lines, a session file) may work while the
// proxy forwards. Driven by a simulated clock and event loop, so every judgement is exact.
import assert from 'node:assert/strict';
import { FollowPace, QUIET_MS } from '../../../../src/core/capture/followPace';

interface Stream {
  /** Frames arriving before each turn. */
  frames: number;
  /** Forwarding time before each turn (ms): the loop's active time outside the reader. */
  forwardMs: number;
  /** Idle time before each turn (ms). */
  idleMs: number;
  /** The reader's time per frame (ms). */
  costMs: number;
}

/** Runs `turns` turns of a stream through a pace; what the reader did and when it yielded. */
function follow(pace: FollowPace, clock: { t: number; active: number; idle: number }, stream: Stream, turns: number) {
  let lastId = 0;
  let next = 1;
  let workMs = 0;
  let yielded = 0;
  let flooding = 0;
  const start = clock.t;
  let maxBehind = 0;
  for (let turn = 0; turn < turns; turn++) {
    clock.t += stream.forwardMs + stream.idleMs;
    clock.active += stream.forwardMs;
    clock.idle += stream.idleMs;
    lastId += stream.frames;
    const started = clock.t;
    const until = pace.start(started, lastId);
    if (until !== Infinity) yielded++;
    if (pace.flooding) flooding++;
    let done = 0;
    while (next <= lastId && (until === Infinity || clock.t < until)) {
      clock.t += stream.costMs;
      next++;
      done++;
    }
    workMs += clock.t - started;
    pace.end(started, clock.t, done, until !== Infinity);
    maxBehind = Math.max(maxBehind, lastId - next + 1);
  }
  return { workShare: workMs / (clock.t - start), yielded, flooding, maxBehind, behind: lastId - next + 1 };
}

/** A pace of `share` on a simulated clock and event loop, both starting at 0. */
function simulated(share: number) {
  const clock = { t: 0, active: 0, idle: 0 };
  return { clock, pace: new FollowPace(0, share, () => ({ active: clock.active, idle: clock.idle })) };
}

describe('core/capture/followPace', () => {
  it('follows a stream it can keep up with as it comes, never yielding', () => {
    const { clock, pace } = simulated(0.1);
    // 1,000 frames a second, a loop mostly idle: an agent's desktop.
    const r = follow(pace, clock, { frames: 1, forwardMs: 0.1, idleMs: 0.9, costMs: 0.02 }, 2000);
    assert.equal(r.yielded, 0);
    assert.equal(r.maxBehind, 0);
  });

  it('yields to a flood the loop has idle time for, and keeps its work to about its share', () => {
    const { clock, pace } = simulated(0.1);
    // 50 frames every 1.5 ms with the loop idle a third of the time (the client and server need
    // the cores): following each frame as it comes would take 1.7 times the time there is.
    const r = follow(pace, clock, { frames: 50, forwardMs: 1, idleMs: 0.5, costMs: 0.05 }, 2000);
    // (The first turns follow whole, measuring the time per frame.)
    assert.ok(r.flooding > 1950, `${r.flooding} of 2000 turns judged a flood`);
    assert.ok(r.workShare < 0.12, `the reader took ${r.workShare.toFixed(3)} of the time`);
    // Then quiet: the first turn after QUIET_MS without a frame works without limit.
    clock.t += QUIET_MS;
    assert.equal(pace.start(clock.t, 100_000), Infinity);
  });

  it('yields while forwarding saturates the loop, however few frames come', () => {
    const { clock, pace } = simulated(0.1);
    const r = follow(pace, clock, { frames: 2, forwardMs: 1, idleMs: 0.05, costMs: 0.05 }, 500);
    assert.equal(r.flooding, 0, 'not a flood: two frames a turn are quickly followed');
    assert.ok(r.yielded > 490, `yielded on ${r.yielded} of 500 turns`);
    assert.ok(r.workShare < 0.12, `the reader took ${r.workShare.toFixed(3)} of the time`);
  });

  it('with a share of 1 never yields, whatever comes', () => {
    const { clock, pace } = simulated(1);
    const r = follow(pace, clock, { frames: 50, forwardMs: 1, idleMs: 0, costMs: 0.05 }, 200);
    assert.equal(r.yielded, 0);
    assert.equal(r.behind, 0);
  });
});
