// One notification for a queue of held frames, never one per frame: a burst is shown once, what
// comes while it is on screen joins it, and only a dismissed notice lets the next one show.
import assert from 'node:assert/strict';
import { NoticeBatch } from '../../../../src/vscode/intercept/noticeBatch';

/** A fake "show" that records each notification and stays on screen until dismissed. */
function screen<T>() {
  const shown: (readonly T[])[] = [];
  let dismiss: () => void = () => undefined;
  let onShow: () => void = () => undefined;
  return {
    shown,
    show: (items: readonly T[]) => {
      shown.push(items);
      onShow();
      return new Promise<void>((resolve) => (dismiss = resolve));
    },
    /** Resolves at the next notification. */
    next: () => new Promise<void>((resolve) => (onShow = resolve)),
    dismiss: () => dismiss(),
  };
}

describe('NoticeBatch', () => {
  it('a burst of frames gets one notification naming them all', async () => {
    const s = screen<number>();
    const batch = new NoticeBatch<number>(s.show, 5);
    const shown = s.next();
    for (const id of [1, 2, 3]) batch.add(id);
    await shown;
    assert.deepEqual(s.shown, [[1, 2, 3]]);
    s.dismiss();
  });

  it('frames due while it is on screen join it; after it is dismissed the next event shows again', async () => {
    const s = screen<number>();
    const batch = new NoticeBatch<number>(s.show, 5);
    let shown = s.next();
    batch.add(1);
    await shown;
    for (const id of [2, 3, 4]) batch.add(id);
    assert.deepEqual(batch.current, [1, 2, 3, 4], 'the notification on screen stands for all of them');
    assert.equal(s.shown.length, 1, 'no notification per frame');
    shown = s.next();
    s.dismiss();
    await new Promise<void>((resolve) => setImmediate(resolve)); // the dismissal settles
    batch.add(5);
    await shown;
    assert.deepEqual(s.shown, [[1], [5]]);
    s.dismiss();
  });
});
