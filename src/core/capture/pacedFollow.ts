/**
 * Hands a FrameStore's frames to `observe` in capture order, as the store appends them, at
 * FollowPace: a reader whose work per frame is heavy (the REST correlation parses every Update
 * that names a requestId) keeps behind forwarding while frames flood in and catches up once the
 * flood ends. With the proxy in the extension host and a panel open, correlating each frame as
 * it came took most of the host: forwarding fell to 0.3× a bare relay.
 *
 * The frames the store holds when following starts are observed at once, as before. Frames the
 * store lets go before their turn (a flood longer than the store) are not observed.
 */
import type { Frame } from './frame';
import type { FrameStore } from './frameStore';
import { FollowPace } from './followPace';

/**
 * Share of the time the work may take while frames flood in (the panel's index learns ahead
 * beside it with a share of its own).
 */
const SHARE = 0.05;
/** Longest the work may hold the host in one turn when catching up (ms). */
const SLICE_MS = 8;

export function followPaced(
  store: FrameStore,
  observe: (frames: Iterable<Frame>) => void,
  onClear?: () => void,
): () => void {
  observe(store);
  let next = store.lastId + 1;
  const pace = new FollowPace(store.lastId, SHARE);
  let scheduled: NodeJS.Immediate | undefined;
  let stopped = false;

  const pump = (): void => {
    scheduled = undefined;
    if (stopped) return;
    next = Math.max(next, store.firstId);
    const last = store.lastId;
    if (next > last) return;
    const started = performance.now();
    const until = pace.start(started, last);
    const yielding = until !== Infinity;
    const limit = yielding ? until : started + SLICE_MS;
    const from = next;
    while (next <= last && performance.now() < limit) {
      const frame = store.get(next++);
      if (frame) observe([frame]);
    }
    pace.end(started, performance.now(), next - from, yielding);
    if (next > store.lastId) return;
    // The next append pumps again; the quiet timer, once the flood has ended.
    if (yielding)
      pace.wakeWhenQuiet(() => {
        if (!scheduled) pump();
      });
    else scheduled = setImmediate(pump);
  };
  const onAppend = (): void => {
    if (!scheduled) pump();
  };
  const cleared = (): void => {
    next = store.firstId;
    onClear?.();
  };
  store.on('append', onAppend);
  store.on('clear', cleared);
  return () => {
    stopped = true;
    store.off('append', onAppend);
    store.off('clear', cleared);
    if (scheduled) clearImmediate(scheduled);
    pace.stop();
  };
}
