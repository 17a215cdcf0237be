// followPaced: a heavy reader of a FrameStore (the REST correlation) sees every frame in capture
// order, behind forwarding during a flood (src/core/capture/pacedFollow.ts).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Frame } from '../../../../src/core/capture/frame';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { followPaced } from '../../../../src/core/capture/pacedFollow';

function append(store: FrameStore, count: number): void {
  for (let i = 0; i < count; i++)
    store.append({ session: 's', dir: 'in', kind: 'stanza', raw: `<message id="m${store.lastId + 1}"/>` });
}

/** A reader that takes `costMs` of CPU per frame, as parsing an Update does. */
function heavyReader(costMs: number) {
  const seen: number[] = [];
  let waiter: { count: number; resolve: () => void } | undefined;
  return {
    seen,
    observe(frames: Iterable<Frame>) {
      for (const f of frames) {
        const until = performance.now() + costMs;
        while (performance.now() < until);
        seen.push(f.id);
      }
      if (waiter && seen.length >= waiter.count) waiter.resolve();
    },
    until: (count: number) =>
      new Promise<void>((resolve) => (seen.length >= count ? resolve() : (waiter = { count, resolve }))),
  };
}

describe('core/capture/pacedFollow', () => {
  it('observes the frames held at once, then each appended one in order as it comes', async () => {
    const store = new FrameStore();
    append(store, 100);
    const reader = heavyReader(0);
    const stop = followPaced(store, (f) => reader.observe(f));
    assert.equal(reader.seen.length, 100);
    // An agent's events: one every few milliseconds, the loop idle in between.
    let behind = 0;
    for (let turn = 0; turn < 30; turn++) {
      append(store, 1);
      await new Promise((r) => setTimeout(r, 2));
      behind = Math.max(behind, store.lastId - reader.seen.length);
    }
    // Yielding as to a flood would leave them all for after the stream.
    assert.ok(behind <= 3, `${behind} frames behind a slow stream`);
    assert.deepEqual(
      reader.seen,
      [...store].map((f) => f.id),
    );
    stop();
  });

  it('keeps behind a flood of frames and observes all of them, in order, once it ends', async () => {
    const store = new FrameStore();
    const reader = heavyReader(0.02);
    const stop = followPaced(store, (f) => reader.observe(f));
    // 50 frames on each of 100 turns; observing each as it came would take most of the time.
    for (let turn = 0; turn < 100; turn++) {
      append(store, 50);
      await new Promise((r) => setImmediate(r));
    }
    assert.ok(reader.seen.length < 2500, `${reader.seen.length} of 5000 observed during the flood`);
    await reader.until(5000);
    assert.deepEqual(
      reader.seen,
      [...store].map((f) => f.id),
    );
    stop();
  });

  it('starts again from the front after the store is cleared, and stops when told', async () => {
    const store = new FrameStore();
    const reader = heavyReader(0);
    let clears = 0;
    const stop = followPaced(
      store,
      (f) => reader.observe(f),
      () => clears++,
    );
    append(store, 5);
    await once(store, 'append');
    store.clear();
    assert.equal(clears, 1);
    append(store, 3);
    await once(store, 'append');
    assert.deepEqual(reader.seen, [1, 2, 3, 4, 5, 6, 7, 8]);
    stop();
    append(store, 3);
    await once(store, 'append');
    assert.equal(reader.seen.length, 8);
  });
});
