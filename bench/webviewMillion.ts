/**
 * The frames panel over 1,000,000 stored frames: the panel opens (first rows), each filter key
 * answers (cold, in the host; then again over a fresh copy after the index's idle learning),
 * and what one stored frame costs in memory, against its payload
 * (target: at most 1.5 x payload + 200 bytes). Run with --expose-gc for a clean heap figure:
 *   npm run build && node --expose-gc --import tsx bench/index.ts webviewMillion
 * Env: BENCH_MILLION_FRAMES (default 1000000).
 */
import { FilteredIndex } from '../src/core/capture/filterIndex';
import { realisticStore } from '../test/webview/fixtures';
import { WebviewHarness } from '../test/webview/harness';
import { coldCopy, KEY_QUERIES } from './webview';

const FRAMES = Number(process.env.BENCH_MILLION_FRAMES ?? 1_000_000);
const ms = (x: number) => Math.round(x * 10) / 10;

function heap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

/** Each key in turn from an unfiltered view, until its scan completes. */
async function timeKeys(index: FilteredIndex): Promise<Record<string, { ms: number; rows: number }>> {
  const out: Record<string, { ms: number; rows: number }> = {};
  for (const q of KEY_QUERIES) {
    index.setFilter({ text: '' });
    const s = performance.now();
    index.setFilter({ text: q });
    await index.whenIdle();
    out[q] = { ms: ms(performance.now() - s), rows: index.total };
  }
  return out;
}

export async function run(): Promise<object> {
  const before = heap();
  const t0 = performance.now();
  const store = realisticStore(FRAMES, FRAMES);
  const buildStoreMs = ms(performance.now() - t0);
  await new Promise((r) => setImmediate(r));
  const after = heap();
  let payload = 0;
  for (const f of store) payload += f.bytes;
  const perFrame = (after - before) / store.size;
  const avgPayload = payload / store.size;
  const memory = {
    gcExposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
    heapPerFrameBytes: Math.round(perFrame),
    payloadPerFrameBytes: Math.round(avgPayload),
    budgetBytes: Math.round(1.5 * avgPayload + 200),
    ratioToPayload: Math.round((perFrame / avgPayload) * 100) / 100,
  };

  // Filters on the million, in the order a user might type them; each key first seen cold.
  const index = new FilteredIndex(store);
  const filters = await timeKeys(index);
  index.setFilter({ text: '' });
  const s = performance.now();
  index.setSort({ key: 'size', descending: true });
  index.idAt(0);
  const sortBySizeMs = ms(performance.now() - s);
  index.dispose();

  // The same keys over a fresh copy once the index has had its idle time (it learns the frames'
  // Update facts in 8 ms slices between event-loop turns): the first filter a user types into a
  // panel that has been open for that long.
  const copy = coldCopy(store);
  await new Promise((r) => setImmediate(r));
  const learning = new FilteredIndex(copy);
  const w0 = performance.now();
  await learning.whenWarm();
  const learnMs = ms(performance.now() - w0);
  const afterIdle = await timeKeys(learning);
  learning.dispose();
  for (const q of KEY_QUERIES)
    if (afterIdle[q].rows !== filters[q].rows)
      throw new Error(`${q}: ${filters[q].rows} rows cold, ${afterIdle[q].rows} after idle`);

  const harness = await WebviewHarness.start();
  let firstRowsMs = NaN;
  try {
    const panel = await harness.open(store, { viewport: { width: 1280, height: 800 } });
    await panel.page.waitForFunction(() => performance.getEntriesByName('fx-first-rows').length > 0, undefined, {
      timeout: 60_000,
    });
    firstRowsMs = ms(
      (await panel.page.evaluate("performance.getEntriesByName('fx-first-rows')[0].startTime")) as number,
    );
    await panel.close();
  } finally {
    await harness.close();
  }
  return {
    frames: store.size,
    buildStoreMs,
    memory,
    filters,
    idleLearningMs: learnMs,
    filtersAfterIdle: afterIdle,
    sortBySizeMs,
    panelFirstRowsMs: firstRowsMs,
  };
}
