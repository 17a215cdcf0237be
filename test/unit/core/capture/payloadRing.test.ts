// The store copies wire-speed payloads into slabs it reuses (payloadRing.ts): a frame it holds
// always reads its own text, a slab is written over only once its frames are gone and were
// announced, and a frame read after that reads as empty, never as another frame's bytes.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { LazyFrame } from '../../../../src/core/capture/lazyFrame';
import type { Frame } from '../../../../src/core/capture/frame';

const UTF8 = (buf: Buffer, start: number, end: number) => buf.toString('utf8', start, end);
const MiB = 1024 * 1024;

/** Frame i's text: distinct in its first bytes and its length, so a mix-up cannot pass. */
const textOf = (i: number) => `<message id="m${i}"><body>${'x'.repeat(200 + (i % 300))}</body></message>`;

/** Appends frames [from, to) as the proxy does: several to a received chunk, which is then let go. */
function capture(store: FrameStore, from: number, to: number): Frame[] {
  const frames: Frame[] = [];
  for (let i = from; i < to; i += 8) {
    const texts = Array.from({ length: Math.min(8, to - i) }, (_, k) => textOf(i + k));
    const chunk = Buffer.from(texts.join(''));
    let at = 0;
    for (const text of texts) {
      const n = Buffer.byteLength(text);
      frames.push(store.appendLazy({ session: 's', dir: 'in', kind: 'stanza', bytes: n }, chunk, at, at + n, UTF8));
      at += n;
    }
  }
  return frames;
}

describe('payload slabs (FrameStore.appendLazy)', () => {
  it('holds frames that always read their own text while the store turns over many times, on a bounded set of slabs', async () => {
    const store = new FrameStore(100_000, { maxBytes: MiB }); // ~2,600 frames of ~400 B
    let next = 0;
    for (let turn = 0; turn < 100; turn++) {
      capture(store, next, next + 400);
      next += 400;
      await once(store, 'append');
      for (let id = store.firstId; id <= store.lastId; id += 37)
        assert.equal(LazyFrame.peekRaw(store.get(id) as LazyFrame), textOf(id - 1), `frame ${id}`);
    }
    assert.ok(store.firstId > 30_000, 'the store turned over');
    for (const f of store) assert.equal(f.raw, textOf(f.id - 1));
    // 1 MiB in slabs of 128 KiB: what is held, plus the slab being filled and one not yet announced.
    assert.ok(store.payloadSlabs <= 11, `${store.payloadSlabs} slabs for a 1 MiB budget`);
  });

  it('writes over no slab before the append listeners saw its frames, however far one turn overruns the budget', async () => {
    const store = new FrameStore(100_000, { maxBytes: MiB });
    capture(store, 0, 3_000);
    await once(store, 'append');
    // Five budgets in one turn: most of these frames are evicted before anyone hears of them.
    const frames = capture(store, 3_000, 16_000);
    const [batch] = (await once(store, 'append')) as [Frame[]];
    assert.equal(batch.length, frames.length);
    assert.ok(store.firstId > 3_001 + 10_000, 'most of the batch was evicted before it was announced');
    for (const f of batch) assert.equal(f.raw, textOf(f.id - 1), `frame ${f.id}`);
  });

  it('a frame read before its slab is reused keeps its text; one first read after reads empty, not another frame', async () => {
    const store = new FrameStore(100_000, { maxBytes: MiB });
    const [read, unread] = capture(store, 0, 2);
    assert.equal(read.raw, textOf(0));
    await once(store, 'append');
    for (let turn = 0; turn < 10; turn++) {
      capture(store, 2 + turn * 2_000, 2 + (turn + 1) * 2_000);
      await once(store, 'append');
    }
    assert.equal(store.get(unread.id), undefined, 'evicted');
    assert.equal(read.raw, textOf(0));
    assert.equal(LazyFrame.lost(unread as LazyFrame), true);
    assert.equal(unread.raw, '');
    assert.equal(LazyFrame.lost(unread as LazyFrame), true, 'still says so after a read');
  });
});
