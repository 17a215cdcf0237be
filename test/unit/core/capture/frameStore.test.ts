import assert from 'node:assert/strict';
import { once } from 'node:events';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import type { Frame } from '../../../../src/core/capture/frame';

const input = (raw: string, dir: 'in' | 'out' = 'in') => ({ session: 's1', dir, kind: 'stanza' as const, raw });

describe('FrameStore', () => {
  it('assigns ids from 1, fills t and bytes, and keeps frames in order', () => {
    const store = new FrameStore(10);
    const a = store.append(input('<a/>'));
    const b = store.append({ ...input('<b>é</b>', 'out'), flags: { injected: true } });
    assert.equal(a.id, 1);
    assert.equal(b.id, 2);
    assert.equal(b.bytes, Buffer.byteLength('<b>é</b>'));
    assert.equal(b.bytes, 9);
    assert.deepEqual(b.flags, { injected: true });
    assert.ok(b.t >= a.t && Math.abs(a.t - Date.now()) < 60_000);
    assert.deepEqual([store.size, store.firstId, store.lastId], [2, 1, 2]);
    assert.deepEqual(
      store.slice().map((f) => f.raw),
      ['<a/>', '<b>é</b>'],
    );
    assert.deepEqual(
      [...store].map((f) => f.id),
      [1, 2],
    );
    assert.equal(store.get(2), b);
    assert.equal(store.at(0), a);
    assert.equal(store.get(3), undefined);
    assert.equal(store.at(-1), undefined);
  });

  it('keeps explicit t, bytes and original', () => {
    const store = new FrameStore(4);
    const f = store.append({ ...input('x'), t: 1234.5, bytes: 99, original: 'y' });
    assert.deepEqual([f.t, f.bytes, f.original], [1234.5, 99, 'y']);
  });

  it('batches appends into one event per macrotask, in order', async () => {
    const store = new FrameStore(100);
    const batches: Frame[][] = [];
    store.on('append', (b) => batches.push(b));
    for (let i = 0; i < 5; i++) store.append(input(`<m${i}/>`));
    assert.equal(batches.length, 0, 'producers never wait on listeners');
    await once(store, 'append');
    store.append(input('<late/>'));
    await once(store, 'append');
    assert.deepEqual(
      batches.map((b) => b.map((f) => f.id)),
      [[1, 2, 3, 4, 5], [6]],
    );
  });

  it('evicts the oldest frames beyond capacity and says from where', async () => {
    const store = new FrameStore(3);
    const evicted: number[] = [];
    store.on('evict', (first) => evicted.push(first));
    for (let i = 1; i <= 5; i++) store.append(input(`<m${i}/>`));
    assert.deepEqual([store.size, store.firstId, store.lastId], [3, 3, 5]);
    assert.deepEqual(
      store.slice().map((f) => f.id),
      [3, 4, 5],
    );
    assert.equal(store.get(2), undefined);
    assert.equal(store.get(3)?.raw, '<m3/>');
    assert.deepEqual(
      store.slice(1, 10).map((f) => f.id),
      [4, 5],
    );
    await once(store, 'append');
    assert.deepEqual(evicted, [3]);
  });

  it('updates a held frame, keeping the first text as original', async () => {
    const store = new FrameStore(5);
    const f = store.append(input('<a/>'));
    const updates: Frame[] = [];
    store.on('update', (u) => updates.push(u));
    store.update(f.id, { flags: { held: true } });
    store.update(f.id, { raw: '<b>longer</b>', flags: { edited: true } });
    store.update(f.id, { raw: '<c/>' });
    assert.deepEqual(f.flags, { held: true, edited: true });
    assert.equal(f.raw, '<c/>');
    assert.equal(f.original, '<a/>');
    assert.equal(f.bytes, 4);
    assert.equal(updates.length, 3);
    assert.equal(store.update(99, { flags: { dropped: true } }), undefined);
  });

  it('records sessions and ends them once', () => {
    const store = new FrameStore(5);
    const seen: string[] = [];
    store.on('session', (s) => seen.push(`${s.id}:${s.ended ? 'ended' : 'open'}`));
    const s = store.openSession({ id: 'c1', label: 'agent1@finesse.test', target: 'ws://x/ws' });
    assert.ok(s.started > 0);
    store.endSession('c1');
    store.endSession('c1');
    store.endSession('unknown');
    assert.deepEqual(seen, ['c1:open', 'c1:ended']);
    assert.ok(store.sessions.get('c1')?.ended);
  });

  it('clears frames but never reuses ids', async () => {
    const store = new FrameStore(5);
    store.append(input('<a/>'));
    store.append(input('<b/>'));
    const events: string[] = [];
    store.on('clear', () => events.push('clear'));
    store.on('evict', (first) => events.push(`evict ${first}`));
    store.on('append', (b) => events.push(`append ${b.map((f) => f.id)}`));
    store.clear();
    assert.deepEqual([store.size, store.firstId, store.lastId], [0, 3, 2]);
    assert.equal(store.append(input('<c/>')).id, 3);
    await once(store, 'append');
    assert.deepEqual(events, ['clear', 'evict 3', 'append 3']);
  });

  it('refuses a capacity that cannot hold a frame', () => {
    assert.throws(() => new FrameStore(0), RangeError);
    assert.throws(() => new FrameStore(1.5), RangeError);
  });

  describe('byte budget', () => {
    const UTF8 = (buf: Buffer, start: number, end: number) => buf.toString('utf8', start, end);

    it('evicts the oldest frames when their payload bytes exceed maxBytes', async () => {
      const store = new FrameStore(100, { maxBytes: 8000 });
      const evicted: number[] = [];
      store.on('evict', (first) => evicted.push(first));
      for (let i = 0; i < 18; i++) store.append(input(String(i % 10).repeat(500)));
      // 16 × 500 bytes fit in 8000; the 17th and 18th push the oldest out.
      assert.deepEqual([store.size, store.firstId, store.lastId], [16, 3, 18]);
      assert.equal(store.heldBytes, 8000);
      assert.ok(store.heldBytes <= store.maxBytes);
      await once(store, 'append');
      assert.deepEqual(evicted, [3]);
    });

    it('counts lazily decoded frames by their kept bytes', () => {
      const store = new FrameStore(100, { maxBytes: 16_000 });
      const chunk = Buffer.from('x'.repeat(1000));
      for (let i = 0; i < 17; i++)
        store.appendLazy({ session: 's1', dir: 'in', kind: 'stanza', bytes: 1000 }, chunk, 0, 1000, UTF8);
      assert.deepEqual([store.size, store.firstId, store.heldBytes], [16, 2, 16_000]);
      assert.equal(store.at(0)?.flags.truncated, undefined);
    });

    it('keeps only the first bytes of an oversize frame, flags it, and keeps its wire size', () => {
      const store = new FrameStore(100, { maxBytes: 16 * 1024 });
      assert.equal(store.maxFrameBytes, 1024);
      const big = '<message>' + 'é'.repeat(5000) + '</message>';
      const f = store.append(input(big));
      assert.equal(f.flags.truncated, true);
      assert.equal(f.bytes, Buffer.byteLength(big));
      assert.ok(
        Buffer.byteLength(f.raw) <= 1024 && Buffer.byteLength(f.raw) >= 1022,
        'cut at a character boundary within the limit',
      );
      assert.ok(big.startsWith(f.raw));
      assert.ok(!f.raw.includes('\ufffd'));
      const payload = Buffer.from(big);
      const lazy = store.appendLazy(
        { session: 's1', dir: 'in', kind: 'stanza', bytes: payload.length, flags: { injected: true } },
        payload,
        0,
        payload.length,
        UTF8,
      );
      assert.deepEqual(lazy.flags, { injected: true, truncated: true });
      assert.equal(lazy.bytes, payload.length);
      assert.ok(big.startsWith(lazy.raw.replace(/\ufffd$/, '')));
      assert.equal(store.heldBytes, Buffer.byteLength(f.raw) + 1024);
    });

    it('leaves frames within the limit as they are', () => {
      const store = new FrameStore(10, { maxBytes: 1600 });
      const f = store.append(input('<a>' + 'b'.repeat(90) + '</a>'));
      assert.equal(f.flags.truncated, undefined);
      assert.deepEqual(f.flags, {});
    });

    it('holds 20 MB frames within the default budget', () => {
      const store = new FrameStore(1000);
      const big = 'x'.repeat(20 * 1024 * 1024);
      for (let i = 0; i < 30; i++) store.append({ ...input(big), t: i });
      assert.ok(store.heldBytes <= 256 * 1024 * 1024, `held ${store.heldBytes}`);
      assert.equal(store.lastId, 30);
      assert.ok(store.size >= 15 && store.size < 30);
      assert.ok(store.slice().every((f) => f.flags.truncated && f.bytes === big.length));
    });

    it('accounts for an edit and forgets everything on clear', () => {
      const store = new FrameStore(10, { maxBytes: 10_000 });
      const f = store.append(input('<a/>'));
      store.update(f.id, { raw: '<abc/>' });
      assert.equal(store.heldBytes, 6 + 4);
      store.clear();
      assert.equal(store.heldBytes, 0);
    });

    it('refuses a budget that is not a positive number', () => {
      assert.throws(() => new FrameStore(10, { maxBytes: 0 }), RangeError);
      assert.throws(() => new FrameStore(10, { maxBytes: NaN }), RangeError);
    });
  });
});
