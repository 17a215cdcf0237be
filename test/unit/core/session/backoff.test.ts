import assert from 'node:assert/strict';
import { backoffDelay, DEFAULT_INITIAL_MS, DEFAULT_MAX_MS } from '../../../../src/core/session/backoff';

describe('reconnect backoff', () => {
  const low = () => 0;
  const high = () => 0.999999;

  it('doubles from the initial delay up to the cap', () => {
    const steps = [1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, { initialMs: 100, maxMs: 1000 }, high));
    assert.deepEqual(steps, [100, 200, 400, 800, 1000, 1000]);
  });

  it('jitters within the upper half of each step', () => {
    assert.equal(backoffDelay(1, { initialMs: 100 }, low), 50);
    assert.equal(backoffDelay(3, { initialMs: 100 }, low), 200);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(4, { initialMs: 100, maxMs: 10_000 });
      assert.ok(d >= 400 && d <= 800, String(d));
    }
  });

  it('has sane defaults and stays bounded for huge attempt numbers', () => {
    assert.equal(backoffDelay(1, {}, high), DEFAULT_INITIAL_MS);
    assert.equal(backoffDelay(10_000, {}, high), DEFAULT_MAX_MS);
    assert.ok(Number.isFinite(backoffDelay(Number.MAX_SAFE_INTEGER)));
  });

  it('never goes below one millisecond or above the cap, whatever the options', () => {
    assert.equal(backoffDelay(0, { initialMs: 0 }, high), 1);
    assert.equal(backoffDelay(1, { initialMs: 500, maxMs: 100 }, high), 500, 'a cap below the start is the start');
  });
});
