/**
 * `npm run bench -- hostLoad`: is the extension host still responsive with the frames panel open
 * over a full store while a proxy captures 10,000 frames/s?
 *
 * A FrameStore filled to capacity with realistic Finesse traffic (test/webview/fixtures.ts) is
 * shown by the real FramesHost. The webview is a stand-in that speaks its protocol as
 * webview-ui/src/app.ts does (ready, then one getRows at a time for the window at the end of the
 * list while following; a new window after every filtered/reset/filterSet); messages cross in
 * both directions as event-loop tasks, and the host's side is serialized as VS Code's
 * postMessage does. Frames arrive the way the proxy captures them (captureWireMessage: lazy
 * frames over the received bytes), in batches from a 10 ms timer, evicting the oldest. Every
 * 2 s the stand-in changes the filter (text, dir:, state:, node:, a regex, none) and times the
 * request until the host's `filtered` answer, until the first rows of the new view, and until
 * the scan is complete. A stand-in for the status bar (src/vscode/status: refreshed at most every
 * 250 ms from the store's append events) records that it kept being refreshed.
 *
 * Verdict `fail` (exit 1) when the filter answer's p95 is 200 ms or more, the frames captured fell
 * below 90% of the rate, the status bar or the host's change notices stalled for over a second,
 * or the host reported an error.
 * Env: BENCH_HOST_FRAMES (store capacity, default 200000), BENCH_HOST_RATE (frames/s, 10000),
 * BENCH_HOST_SECONDS (60), BENCH_HOST_FILTER_MS (between filter changes, 2000).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Direction, Frame, FrameKind } from '../src/core/capture/frame';
import type { FrameStore } from '../src/core/capture/frameStore';
import { captureWireControl, captureWireMessage } from '../src/core/proxy/capture';
import { OP_PING, OP_PONG, OP_TEXT } from '../src/core/proxy/wireFrame';
import { FromWebview, MAX_ROWS_PER_REQUEST, ToWebview, ViewCounts } from '../src/protocol/messages';
import { FramesHost } from '../src/vscode/panel/framesHost';
import { statusText } from '../src/vscode/status/statusText';
import { realisticStore, round } from '../test/webview/fixtures';

const FRAMES = Number(process.env.BENCH_HOST_FRAMES ?? 200_000);
const RATE = Number(process.env.BENCH_HOST_RATE ?? 10_000);
const SECONDS = Number(process.env.BENCH_HOST_SECONDS ?? 60);
const FILTER_MS = Number(process.env.BENCH_HOST_FILTER_MS ?? 2000);
const TICK_MS = 10;
/** Most frames one tick captures when it is late: what one socket read of ~100 ms would bring. */
const MAX_PER_TICK = RATE / 10;
const ANSWER_BOUND_MS = 200;
const STALL_BOUND_MS = 1000;
/** As webview-ui: rows on screen plus the overscan on both sides (frameList.ts OVERSCAN = 60). */
const WINDOW_ROWS = 40 + 2 * 60;
/** As src/vscode/status: the status bar text is refreshed at most this often. */
const STATUS_REFRESH_MS = 250;

/** Cycled through, one every FILTER_MS: each filter key the issue names, and back to everything. */
const QUERIES = [
  'agent1 ACTIVE',
  'dir:in',
  'state:TALKING',
  'node:User/agent1/Dialogs',
  '/state&gt;(READY|TALKING)&lt;/',
  'state:READY dir:in -ping',
  '',
];

const round1 = (x: number) => Math.round(x * 10) / 10;
const pct = (xs: number[], q: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

interface WireFrame {
  dir: Direction;
  kind: FrameKind;
  payload: Buffer;
}

/** About 20,000 distinct frames of a working day, as bytes on the wire, cycled by the capture. */
function wirePool(): WireFrame[] {
  const pool: WireFrame[] = [];
  const push = (dir: Direction, raw: string, kind: FrameKind = raw.trimStart().startsWith('<') ? 'stanza' : 'text') =>
    pool.push({ dir, kind, payload: Buffer.from(raw) });
  for (let n = 1; pool.length < 20_000; n++) round(push, n);
  return pool;
}

/** The proxy's capture at `rate` frames/s from a timer; late ticks catch up, at most MAX_PER_TICK at once. */
function capture(store: FrameStore, rate: number) {
  const pool = wirePool();
  const started = performance.now();
  let sent = 0;
  let maxBacklog = 0;
  const one = (w: WireFrame) => {
    if (w.kind === 'ping' || w.kind === 'pong')
      captureWireControl(store, 'proxy-1', w.dir, w.kind === 'ping' ? OP_PING : OP_PONG, w.payload);
    else captureWireMessage(store, 'proxy-1', w.dir, OP_TEXT, w.payload, w.payload.length);
  };
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) * rate) / 1000) - sent;
    maxBacklog = Math.max(maxBacklog, due);
    const n = Math.min(due, MAX_PER_TICK);
    for (let i = 0; i < n; i++) one(pool[(sent + i) % pool.length]);
    sent += n;
  }, TICK_MS);
  let seconds = 0;
  return {
    stop: () => {
      clearInterval(timer);
      seconds = (performance.now() - started) / 1000;
    },
    figures: () => ({ captured: sent, seconds, maxBacklog }),
  };
}

interface FilterRun {
  query: string;
  sentAt: number;
  requestId: number;
  answerMs?: number;
  firstRowsMs?: number;
  completeMs?: number;
  rows?: number;
  /** The first getRows sent after the answer: its rows are the new view's. */
  rowsRequest?: number;
}

/** The webview's side, as webview-ui/src/app.ts speaks it, following the end of the list. */
class PanelStandIn {
  host!: FramesHost;
  private nextId = 1;
  private counts: ViewCounts = { total: 0, size: 0, progress: 1 };
  private fetching = false;
  private wanted: [number, number] | undefined;
  private filter: FilterRun | undefined;
  readonly filters: FilterRun[] = [];
  readonly appendedByNotice: number[] = [];
  lastNotice = 0;
  maxNoticeGapMs = 0;
  notices = 0;
  rowsAnswers = 0;
  postedBytes = 0;
  errors: string[] = [];
  private onInit: (() => void) | undefined;

  /** Host → webview: serialized in the host (what VS Code's postMessage costs it), handled later. */
  receiveFromHost = (message: ToWebview): void => {
    const text = JSON.stringify(message);
    this.postedBytes += text.length;
    setImmediate(() => this.handle(JSON.parse(text) as ToWebview));
  };

  /** Webview → host: arrives as a task of its own, like a message from the renderer. */
  private send(message: FromWebview): void {
    setImmediate(() => this.host.receive(message));
  }

  open(): Promise<void> {
    return new Promise((resolve) => {
      this.onInit = resolve;
      this.send({ type: 'ready', filter: { text: '' } });
    });
  }

  setFilter(query: string): void {
    const requestId = this.nextId++;
    this.filter = { query, requestId, sentAt: performance.now() };
    this.filters.push(this.filter);
    this.send({ type: 'setFilter', requestId, filter: { text: query } });
  }

  private handle(m: ToWebview): void {
    const now = performance.now();
    switch (m.type) {
      case 'init':
        this.view(m.counts);
        this.onInit?.();
        this.onInit = undefined;
        return;
      case 'filtered':
        if (this.filter && m.requestId === this.filter.requestId) {
          this.filter.answerMs = now - this.filter.sentAt;
          if (m.error) this.errors.push(`${this.filter.query}: ${m.error}`);
        }
        this.view(m.counts);
        return;
      case 'reset':
      case 'filterSet':
        this.view(m.counts);
        return;
      case 'changed':
        this.notices++;
        if (this.lastNotice) this.maxNoticeGapMs = Math.max(this.maxNoticeGapMs, now - this.lastNotice);
        this.lastNotice = now;
        this.appendedByNotice.push(m.appended);
        this.view(m.counts);
        return;
      case 'rows':
        this.rowsAnswers++;
        if (this.filter && m.requestId === this.filter.rowsRequest) this.filter.firstRowsMs = now - this.filter.sentAt;
        this.fetching = false;
        this.fetch();
        return;
      case 'error':
        this.errors.push(m.message);
        return;
    }
  }

  /** New counts: the list follows the end, so it wants the last window of rows. */
  private view(counts: ViewCounts): void {
    this.counts = counts;
    const f = this.filter;
    if (f && f.answerMs !== undefined && f.completeMs === undefined && counts.progress >= 1) {
      f.completeMs = performance.now() - f.sentAt;
      f.rows = counts.total;
    }
    this.wanted = [Math.max(0, counts.total - WINDOW_ROWS), counts.total];
    this.fetch();
  }

  /** One getRows at a time, always for the latest wanted window (app.ts fetchRows). */
  private fetch(): void {
    if (this.fetching || !this.wanted) return;
    const [start, end] = this.wanted;
    this.wanted = undefined;
    this.fetching = true;
    const requestId = this.nextId++;
    if (this.filter && this.filter.answerMs !== undefined && this.filter.rowsRequest === undefined)
      this.filter.rowsRequest = requestId;
    this.send({ type: 'getRows', requestId, start, count: Math.min(end - start, MAX_ROWS_PER_REQUEST) });
  }
}

/** The status bar's refresh: at most every 250 ms after the store's append/evict events. */
function statusBar(store: FrameStore) {
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  let maxGapMs = 0;
  let renders = 0;
  let text = '';
  let appended = 0;
  const render = () => {
    timer = undefined;
    const now = performance.now();
    if (last) maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    renders++;
    text = statusText([], store.size, 1);
  };
  const later = (frames?: Frame[] | number) => {
    if (Array.isArray(frames)) appended += frames.length;
    if (!timer) timer = setTimeout(render, STATUS_REFRESH_MS);
  };
  store.on('append', later);
  store.on('evict', later);
  return {
    stop() {
      store.off('append', later);
      store.off('evict', later);
      clearTimeout(timer);
    },
    figures: () => ({ renders, maxGapMs: round1(maxGapMs), appendedSeen: appended, text }),
  };
}

export async function run(): Promise<object> {
  const t0 = performance.now();
  const store = realisticStore(FRAMES, FRAMES);
  const buildStoreMs = round1(performance.now() - t0);
  await new Promise((r) => setImmediate(r)); // the fill's append batch

  const panel = new PanelStandIn();
  const hostErrors: string[] = [];
  const host = new FramesHost(store, {
    post: panel.receiveFromHost,
    copy: () => undefined,
    onError: (e) => hostErrors.push(String(e)),
  });
  panel.host = host;
  const opened = performance.now();
  await panel.open();
  const openMs = round1(performance.now() - opened);

  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const status = statusBar(store);
  const wire = capture(store, RATE);
  const perSecond: number[] = [];
  let lastLastId = store.lastId;
  const second = setInterval(() => {
    perSecond.push(store.lastId - lastLastId);
    lastLastId = store.lastId;
  }, 1000);
  let q = 0;
  const filterTimer = setInterval(() => panel.setFilter(QUERIES[q++ % QUERIES.length]), FILTER_MS);
  let maxRssMB = 0;
  const rss = setInterval(() => (maxRssMB = Math.max(maxRssMB, process.memoryUsage().rss / 2 ** 20)), 1000);

  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  clearInterval(filterTimer);
  wire.stop();
  loop.disable();
  await new Promise((r) => setImmediate(r)); // the last capture batch's append event
  status.stop();
  clearInterval(second);
  clearInterval(rss);
  const noticeGapMs = panel.maxNoticeGapMs;
  // The last filter's scan may still run: give it a moment to complete before judging.
  await host.index.whenIdle();
  await new Promise((r) => setTimeout(r, 200));
  host.dispose();

  const captured = wire.figures();
  const answered = panel.filters.filter((f) => f.answerMs !== undefined);
  const answers = answered.map((f) => f.answerMs as number);
  const byQuery: Record<
    string,
    { answerMs: number[]; firstRowsMs: number[]; completeMs: number[]; rows: number | undefined }
  > = {};
  for (const f of panel.filters) {
    const e = (byQuery[f.query || '(none)'] ??= { answerMs: [], firstRowsMs: [], completeMs: [], rows: undefined });
    if (f.answerMs !== undefined) e.answerMs.push(round1(f.answerMs));
    if (f.firstRowsMs !== undefined) e.firstRowsMs.push(round1(f.firstRowsMs));
    if (f.completeMs !== undefined) e.completeMs.push(round1(f.completeMs));
    e.rows = f.rows ?? e.rows;
  }
  const rate = captured.captured / captured.seconds;
  const statusFigures = status.figures();
  const filterFigures = {
    changes: panel.filters.length,
    answered: answered.length,
    answerP50Ms: round1(pct(answers, 0.5)),
    answerP95Ms: round1(pct(answers, 0.95)),
    answerMaxMs: round1(Math.max(...answers)),
    firstRowsP95Ms: round1(
      pct(
        panel.filters.flatMap((f) => (f.firstRowsMs === undefined ? [] : [f.firstRowsMs])),
        0.95,
      ),
    ),
    completeP95Ms: round1(
      pct(
        panel.filters.flatMap((f) => (f.completeMs === undefined ? [] : [f.completeMs])),
        0.95,
      ),
    ),
    byQuery,
  };

  const failures: string[] = [];
  if (answered.length < panel.filters.length)
    failures.push(`${panel.filters.length - answered.length} filter changes never answered`);
  if (!(filterFigures.answerP95Ms < ANSWER_BOUND_MS))
    failures.push(`filter answer p95 ${filterFigures.answerP95Ms} ms, bound ${ANSWER_BOUND_MS} ms`);
  if (rate < RATE * 0.9) failures.push(`captured ${Math.round(rate)} frames/s, below 90% of ${RATE}`);
  if (statusFigures.maxGapMs > STALL_BOUND_MS)
    failures.push(`status bar not refreshed for ${statusFigures.maxGapMs} ms`);
  if (noticeGapMs > STALL_BOUND_MS) failures.push(`no change notice from the host for ${round1(noticeGapMs)} ms`);
  if (statusFigures.appendedSeen < captured.captured)
    failures.push(`store announced ${statusFigures.appendedSeen} of ${captured.captured} appended frames`);
  if (hostErrors.length || panel.errors.length)
    failures.push(`errors: ${[...hostErrors, ...panel.errors].slice(0, 3).join('; ')}`);

  return {
    verdict: failures.length ? 'fail' : 'pass',
    failures,
    capacity: FRAMES,
    buildStoreMs,
    panelOpenMs: openMs,
    seconds: round1(captured.seconds),
    frames: {
      captured: captured.captured,
      perSecond: Math.round(rate),
      minSecond: Math.min(...perSecond),
      series: perSecond,
      maxBacklog: captured.maxBacklog,
      storeSize: store.size,
    },
    filter: filterFigures,
    eventLoopDelayMs: {
      p50: round1(loop.percentile(50) / 1e6),
      p99: round1(loop.percentile(99) / 1e6),
      max: round1(loop.max / 1e6),
    },
    host: {
      notices: panel.notices,
      maxNoticeGapMs: round1(noticeGapMs),
      rowsAnswers: panel.rowsAnswers,
      postedMB: round1(panel.postedBytes / 2 ** 20),
    },
    statusBar: statusFigures,
    maxRssMB: Math.round(maxRssMB),
  };
}
