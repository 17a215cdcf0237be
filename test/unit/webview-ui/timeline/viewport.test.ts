// The timeline's window of time: follow while live, fit the frames otherwise, zoom and pan.
import assert from 'node:assert/strict';
import type { TimelineModel } from '../../../../src/protocol/timeline';
import { Viewport } from '../../../../webview-ui/src/timeline/viewport';

const HOUR = 3_600_000;
const model = (start: number, framesEnd: number, end = framesEnd): TimelineModel => ({
  start,
  end,
  framesEnd,
  lanes: [],
});

describe('timeline viewport', () => {
  it('fits a saved capture to its frames however long ago they were', () => {
    const v = new Viewport();
    const m = model(1_000_000, 1_000_000 + 300_000);
    assert.equal(v.mode, 'fit');
    const [from, to] = v.domain(m);
    assert.equal(from, m.start);
    assert.ok(to > m.framesEnd && to - m.framesEnd < 0.05 * 300_000, 'a little room after the last frame');
  });

  it('follows a live capture up to now; fit shows its frames and stays fitted as they grow', () => {
    const v = new Viewport();
    v.setLive(true);
    const m = model(0, 300_000, 14 * HOUR);
    assert.equal(v.mode, 'follow');
    assert.ok(v.domain(m)[1] >= 14 * HOUR);
    v.setMode('fit');
    assert.equal(v.mode, 'fit');
    assert.ok(v.domain(m)[1] < 320_000);
    assert.ok(v.domain(model(0, 600_000, 14 * HOUR))[1] > 600_000, 'a new frame is taken in');
    v.setMode('follow');
    assert.equal(v.mode, 'follow');
    // The capture ends: following has nothing left to follow.
    v.setLive(false);
    assert.equal(v.mode, 'fit');
  });

  it('zooms around a time, which keeps its place in the window', () => {
    const v = new Viewport();
    const m = model(0, 100_000);
    const [f0, t0] = v.domain(m);
    const at = 30_000;
    const share = (at - f0) / (t0 - f0);
    v.zoom(0.5, at);
    assert.equal(v.mode, 'zoomed');
    const [f1, t1] = v.domain(m);
    assert.ok(Math.abs(t1 - f1 - (t0 - f0) / 2) < 1e-6);
    assert.ok(Math.abs((at - f1) / (t1 - f1) - share) < 1e-9);
    // A zoomed window stays put as frames arrive.
    assert.deepEqual(v.domain(model(0, 200_000)), [f1, t1]);
  });

  it('keeps the zoom within bounds: 50 ms at the narrowest, a few times the capture at the widest', () => {
    const v = new Viewport();
    const m = model(0, 100_000);
    v.domain(m);
    for (let i = 0; i < 40; i++) v.zoom(0.25, 50_000);
    const [a, b] = v.domain(m);
    assert.equal(Math.round(b - a), 50);
    for (let i = 0; i < 40; i++) v.zoom(4, 50_000);
    const [c, d] = v.domain(m);
    assert.ok(d - c <= 3 * 104_000 + 1 && d - c > 104_000);
  });

  it('pans by time but never loses the capture off an edge', () => {
    const v = new Viewport();
    const m = model(0, 100_000);
    v.domain(m);
    v.zoom(0.1, 50_000);
    const [f0, t0] = v.domain(m);
    v.pan(1000);
    assert.deepEqual(v.domain(m), [f0 + 1000, t0 + 1000]);
    v.pan(10 * HOUR);
    const [f1, t1] = v.domain(m);
    assert.ok(f1 < 104_000 && t1 > 104_000, 'some of the capture still in sight');
    v.pan(-20 * HOUR);
    const [f2, t2] = v.domain(m);
    assert.ok(f2 < 0 && t2 > 0);
  });
});
