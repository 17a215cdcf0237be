import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';

describe('lazily decoded frames (FrameStore.appendLazy)', () => {
  const chunk = Buffer.from('xx<message>é</message>yy');
  let decodes = 0;
  const utf8 = (buf: Buffer, start: number, end: number) => (decodes++, buf.toString('utf8', start, end));
  const lazy = (store: FrameStore) =>
    store.appendLazy(
      { session: 's1', dir: 'in', kind: 'stanza', bytes: chunk.length - 4 },
      chunk,
      2,
      chunk.length - 2,
      utf8,
    );

  it('reads like a plain frame: raw in its place for JSON, spreads and keys; decoded once, on first read', () => {
    const store = new FrameStore(10);
    decodes = 0;
    const f = lazy(store);
    const plain = store.append({ session: 's1', dir: 'in', kind: 'stanza', raw: '<message>é</message>', t: f.t });
    assert.equal(decodes, 0, 'nothing decoded at capture');
    assert.equal(f.raw, '<message>é</message>');
    assert.equal(f.raw, f.raw);
    assert.equal(decodes, 1);
    assert.deepEqual(Object.keys(f), Object.keys(plain));
    assert.equal(JSON.stringify(f), JSON.stringify({ ...plain, id: f.id }));
    assert.deepEqual({ ...f }, { ...plain, id: f.id });
    assert.equal(f.bytes, Buffer.byteLength(f.raw));
  });

  it('takes a new text like a plain frame: assigned, or edited through the store with the original kept', () => {
    const store = new FrameStore(10);
    const f = lazy(store);
    store.update(f.id, { raw: '<message>edited</message>', flags: { edited: true } });
    assert.deepEqual(
      [f.raw, f.original, f.bytes, f.flags],
      ['<message>edited</message>', '<message>é</message>', 25, { edited: true }],
    );
    f.raw = '<x/>';
    assert.equal(JSON.parse(JSON.stringify(f)).raw, '<x/>');
  });
});
