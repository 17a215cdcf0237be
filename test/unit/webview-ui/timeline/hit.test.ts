// Finding the state span under the pointer from x alone, narrow spans included.
import assert from 'node:assert/strict';
import { MIN_HIT_PX, spanAt } from '../../../../webview-ui/src/timeline/hit';

const span = (state: string, from: number, to: number | null, frame: number) => ({ state, from, to, frame });
// 1 ms per pixel from x = 100.
const toX = (t: number) => 100 + t;

describe('timeline spanAt', () => {
  const spans = [span('NOT_READY', 0, 300, 1), span('RESERVED', 300, 300.4, 2), span('TALKING', 300.4, 600, 3)];

  it('finds the wide span the pointer is on', () => {
    assert.equal(spanAt(spans, 150, toX, 700)?.state, 'NOT_READY');
    assert.equal(spanAt(spans, 650, toX, 700)?.state, 'TALKING');
  });

  it(`reaches a span narrower than ${MIN_HIT_PX} px within half that of its middle, ahead of its neighbours`, () => {
    for (const dx of [-2.5, -1, 0, 1, 2.5])
      assert.equal(spanAt(spans, 400 + dx, toX, 700)?.state, 'RESERVED', `at ${dx}`);
    assert.equal(spanAt(spans, 396, toX, 700)?.state, 'NOT_READY');
    assert.equal(spanAt(spans, 404, toX, 700)?.state, 'TALKING');
  });

  it('draws a lasting span to the end it is given, and finds nothing before the first or past the end', () => {
    const lasting = [span('READY', 0, null, 7)];
    assert.equal(spanAt(lasting, 150, toX, 100)?.frame, 7);
    assert.equal(spanAt(lasting, 250, toX, 100), undefined);
    assert.equal(spanAt(lasting, 90, toX, 100), undefined);
    assert.equal(spanAt([], 150, toX, 100), undefined);
  });

  it('picks one of many sub-pixel spans piled at the pointer', () => {
    const pile = Array.from({ length: 50 }, (_, i) => span(i % 2 ? 'READY' : 'NOT_READY', i * 0.01, (i + 1) * 0.01, i));
    const hit = spanAt(pile, 100.2, toX, 1);
    assert.ok(hit && hit.frame >= 0 && hit.frame < 50);
  });
});
