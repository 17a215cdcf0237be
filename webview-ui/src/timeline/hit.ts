/**
 * Which state span the pointer is on, from its x alone (a lane's spans are drawn as one path per
 * state, so the element under the pointer does not say which span it is). A span narrower than
 * MIN_HIT_PX (a state of a few seconds in a long day, or one that lasted a few milliseconds) is
 * reached within MIN_HIT_PX around its middle, ahead of its wider neighbours, so it can still be
 * hovered and clicked.
 */
export const MIN_HIT_PX = 6;

interface Span {
  from: number;
  to: number | null;
  state: string;
  frame: number;
}

/**
 * The span at pixel `px` of `spans` (sorted by `from`), drawn with `toX`; a lasting span
 * (`to` null) runs to `openEnd`.
 */
export function spanAt<S extends Span>(
  spans: readonly S[],
  px: number,
  toX: (t: number) => number,
  openEnd: number,
): S | undefined {
  if (!spans.length) return undefined;
  // The last span starting at or before the pointer's pixel.
  let lo = 0;
  let hi = spans.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (toX(spans[mid].from) <= px) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // Narrow spans near it may be wider to the pointer than their pixels: take the narrowest
  // whose reach holds px. Neighbours further than MIN_HIT_PX cannot reach it; the walk stops
  // there (only spans narrower than a pixel pile up, and any of them is as good a pick).
  let best: S | undefined;
  let bestWidth = Infinity;
  const consider = (s: S): void => {
    const left = toX(s.from);
    const right = toX(s.to ?? openEnd);
    const width = right - left;
    const mid = (left + right) / 2;
    const [a, b] = width < MIN_HIT_PX ? [mid - MIN_HIT_PX / 2, mid + MIN_HIT_PX / 2] : [left, right];
    if (px >= a && px <= b && width < bestWidth) {
      best = s;
      bestWidth = width;
    }
  };
  for (let i = found; i >= 0 && i >= found - 8; i--) {
    consider(spans[i]);
    if (toX(spans[i].from) < px - MIN_HIT_PX) break;
  }
  for (let i = found + 1; i < spans.length && i <= found + 8; i++) {
    if (toX(spans[i].from) > px + MIN_HIT_PX / 2) break;
    consider(spans[i]);
  }
  return best;
}
