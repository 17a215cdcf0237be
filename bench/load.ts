/**
 * `npm run bench -- load`: 10,000 frames/s for 60 s through the proxy to a real ws server, both
 * ways (the server echoes), with zero frames lost, altered or reordered, and the proxy's memory
 * bounded by its store. The client and the server are child processes that verify every frame
 * (sequence number, hash, exact text); the proxy runs here, with its FrameStore, and its memory
 * is sampled every second.
 *
 * It ends with a verdict, and the process exits 1 unless it is `pass`: any frame lost (a gap in
 * the sequence, or missing once the backlog had its time to drain), reordered or altered, on
 * either side or in the capture; a backlog not drained within BENCH_LOAD_DRAIN_SECONDS of the
 * end; or the proxy's RSS above its bound. A backlog is not a loss: on a machine too busy to
 * carry the rate, frames queue (socket buffers, the client's send queue) and arrive late; the
 * figures say which one happened (`backlogAtEnd`, `drainedInSeconds`).
 * Env: BENCH_LOAD_RATE (frames/s, default 10000), BENCH_LOAD_SECONDS (default 60),
 * BENCH_LOAD_CAPACITY (store frames, default 100000), BENCH_LOAD_MAX_BYTES (store byte budget,
 * default 64 MiB), BENCH_LOAD_DRAIN_SECONDS (default 30), BENCH_LOAD_RSS_MB (the bound,
 * default 512: the budget counts UTF-8 payload bytes, while a frame's text once decoded for a
 * view is a UTF-16 string when it is not Latin-1, as half of these frames are, so up to twice
 * the budget, plus Node itself and garbage not yet collected).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FrameStore } from '../src/core/capture/frameStore';
import { WsProxy } from '../src/core/proxy/wsProxy';
import { FilteredIndex } from '../src/core/capture/filterIndex';
import { Interceptor } from '../src/core/intercept/interceptor';
import { round, startChild } from './support/children';
import { frame, Verdict } from './support/loadFrames';

const RATE = Number(process.env.BENCH_LOAD_RATE ?? 10_000);
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
const CAPACITY = Number(process.env.BENCH_LOAD_CAPACITY ?? 100_000);
const MB = 1024 * 1024;
const MAX_BYTES = Number(process.env.BENCH_LOAD_MAX_BYTES ?? 64 * MB);
const DRAIN_SECONDS = Number(process.env.BENCH_LOAD_DRAIN_SECONDS ?? 30);
/** Store budget plus what Node, the sockets' buffers and GC headroom take on top. */
const RSS_BOUND_MB = Number(process.env.BENCH_LOAD_RSS_MB ?? 512);

interface ClientResult {
  sent: number;
  sendSeconds: number;
  seconds: number;
  rateAchieved: number;
  maxSendLagMs: number;
  echoes: Verdict;
  gaveUp: boolean;
  backlogAtEnd: number;
  drainedInSeconds: number;
}

export interface LoadConfig {
  rate: number;
  seconds: number;
  capacity: number;
  maxBytes: number;
  drainSeconds: number;
  rssBoundMB: number;
  /**
   * The soak: intercept rules on the forwarding path (breakpoints and a replace rule that this
   * traffic never matches, so every frame goes through the gate and is passed) and the panel's
   * filtered index following the store; the live heap must stay flat and handles and listeners
   * must not grow.
   */
  soak?: boolean;
}

export function run(): Promise<object> {
  return runLoad({
    rate: RATE,
    seconds: SECONDS,
    capacity: CAPACITY,
    maxBytes: MAX_BYTES,
    drainSeconds: DRAIN_SECONDS,
    rssBoundMB: RSS_BOUND_MB,
  });
}

export async function runLoad(cfg: LoadConfig): Promise<object> {
  const {
    rate: RATE,
    seconds: SECONDS,
    capacity: CAPACITY,
    maxBytes: MAX_BYTES,
    drainSeconds: DRAIN_SECONDS,
    rssBoundMB: RSS_BOUND_MB,
  } = cfg;
  const server = await startChild<{ port: number }>('loadServer.ts');
  const client = await startChild<{ ready: boolean }>('loadClient.ts');
  const store = new FrameStore(CAPACITY, { maxBytes: MAX_BYTES });
  const proxy = new WsProxy(store, { target: `ws://127.0.0.1:${server.ready.port}/ws/` });
  const soak = cfg.soak ? startSoakLoad(store, proxy) : undefined;
  const url = await proxy.listen();
  const handles: number[] = [];
  const listeners: number[] = [];
  const samples: { t: number; rss: number; heap: number }[] = [];
  /** Live heap (after a full GC) every 10 s: what the proxy really keeps, store included. */
  const live: number[] = [];
  const gc = forceGc();
  const t0 = Date.now();
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    const t = (Date.now() - t0) / 1000;
    samples.push({ t, rss: m.rss, heap: m.heapUsed });
    if (samples.length % 10 === 0 && gc) {
      gc();
      live.push(process.memoryUsage().heapUsed);
      handles.push(activeHandles());
      listeners.push(storeListeners(store));
    }
  }, 1000);
  try {
    const result = await client.ask<ClientResult>({ url, rate: RATE, seconds: SECONDS, drainSeconds: DRAIN_SECONDS });
    clearInterval(sampler);
    const atServer = await server.ask<Verdict>({ verdict: true });
    // The capture itself: every frame the store still holds is the exact text that was sent.
    let captureChecked = 0;
    let captureAltered = 0;
    for (const f of store) {
      const seq = /^<message id="load-(\d+)"/.exec(f.raw)?.[1];
      if (seq === undefined) continue;
      captureChecked++;
      if (f.raw !== frame(Number(seq)) || f.bytes !== Buffer.byteLength(f.raw)) captureAltered++;
    }
    // Memory after the first 10 s (start-up and the store filling up) is what must stay flat.
    const steady = samples.filter((s) => s.t > Math.min(10, SECONDS / 2));
    const mb = (xs: number[]) => ({ min: round(Math.min(...xs) / MB, 1), max: round(Math.max(...xs) / MB, 1) });
    const expected = result.sent;
    const lost =
      expected - atServer.received + (expected - result.echoes.received) + atServer.lost + result.echoes.lost;
    const reordered = atServer.reordered + result.echoes.reordered;
    const altered = atServer.altered + result.echoes.altered;
    const maxRss = Math.max(...samples.map((s) => s.rss)) / MB;
    const failures: string[] = [];
    if (result.gaveUp)
      failures.push(
        `backlog not drained within ${DRAIN_SECONDS} s of the end (${expected - result.echoes.received} echoes still missing)`,
      );
    if (lost) failures.push(`${lost} frames lost`);
    if (reordered) failures.push(`${reordered} frames reordered`);
    if (altered || captureAltered)
      failures.push(`${altered} frames altered on the wire, ${captureAltered} in the capture`);
    if (maxRss > RSS_BOUND_MB) failures.push(`proxy RSS ${round(maxRss, 1)} MB above its bound of ${RSS_BOUND_MB} MB`);
    if (soak) failures.push(...flatness(live, handles, listeners));
    return {
      verdict: failures.length ? 'fail' : 'pass',
      failures,
      rate: RATE,
      seconds: SECONDS,
      sent: result.sent,
      rateAchieved: Math.round(result.rateAchieved),
      maxSendLagMs: round(result.maxSendLagMs, 1),
      clientToServer: { ...atServer, missing: expected - atServer.received },
      serverToClient: { ...result.echoes, missing: expected - result.echoes.received },
      backlogAtEnd: result.backlogAtEnd,
      drainedInSeconds: round(result.drainedInSeconds, 2),
      lost,
      reordered,
      altered,
      framesCaptured: store.lastId,
      captureChecked,
      captureAltered,
      storeCapacity: CAPACITY,
      storeHeld: store.size,
      storeMaxBytes: MAX_BYTES,
      storeHeldBytes: store.heldBytes,
      rssBoundMB: RSS_BOUND_MB,
      proxyMemoryMB: {
        rss: mb(samples.map((s) => s.rss)),
        heapUsed: mb(samples.map((s) => s.heap)),
        steadyRss: mb(steady.map((s) => s.rss)),
        steadyHeapUsed: mb(steady.map((s) => s.heap)),
        liveHeapEvery10s: live.map((b) => round(b / MB, 1)),
      },
      handlesEvery10s: handles,
      storeListenersEvery10s: listeners,
      ...(soak ? { soak: soak.figures() } : {}),
      memorySamples: samples.length,
    };
  } finally {
    clearInterval(sampler);
    soak?.dispose();
    await proxy.close();
    await client.stop();
    await server.stop();
  }
}

/** A full GC on demand (for the live-heap samples only): exposed at run time, the usual way. */
function forceGc(): (() => void) | undefined {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as unknown;
  return typeof gc === 'function' ? (gc as () => void) : undefined;
}

/** Intercept rules on the forwarding path and a filtered index on the store, as the extension runs them. */
function startSoakLoad(store: FrameStore, proxy: WsProxy) {
  const interceptor = new Interceptor(store, undefined, { holdTimeoutMs: 0 });
  interceptor.setBreakpoints([
    { stanza: 'iq', type: 'set' },
    { match: 'urn:xmpp:bogus' },
    { direction: 'in', state: 'TALKING' },
  ]);
  interceptor.setReplaceRules([{ match: 'urn:xmpp:never-sent', replace: 'x' }]);
  proxy.setGate(interceptor);
  const index = new FilteredIndex(store);
  const set = index.setFilter({ text: 'READY' });
  if (!set.ok) throw new Error(set.error);
  let rowsRead = 0;
  // The panel asks for the rows at the end of the view now and then.
  const reader = setInterval(() => (rowsRead += index.rows(Math.max(0, index.total - 50), 50).length), 250);
  return {
    figures: () => ({ filteredRows: index.total, rowsRead, held: interceptor.held().length }),
    dispose() {
      clearInterval(reader);
      index.dispose();
      proxy.setGate(undefined);
      interceptor.dispose();
    },
  };
}

function activeHandles(): number {
  return (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
}

function storeListeners(store: FrameStore): number {
  return store.eventNames().reduce((n, e) => n + store.listenerCount(e), 0);
}

/**
 * The soak's test: after the store has filled (the first third), the live heap after GC may not
 * grow by more than 10 % + 8 MiB from its lowest point, and handles and store listeners stay put.
 */
function flatness(live: number[], handles: number[], listeners: number[]): string[] {
  const out: string[] = [];
  const from = Math.floor(live.length / 3);
  if (live.length - from >= 2) {
    const floor = Math.min(...live.slice(from));
    const last = live[live.length - 1];
    if (last > floor * 1.1 + 8 * MB)
      out.push(`live heap grew from ${round(floor / MB, 1)} MB to ${round(last / MB, 1)} MB after the store filled`);
  }
  if (handles.length >= 2 && handles[handles.length - 1] > handles[0])
    out.push(`active handles grew from ${handles[0]} to ${handles[handles.length - 1]}`);
  if (listeners.length >= 2 && listeners[listeners.length - 1] > listeners[0])
    out.push(`store listeners grew from ${listeners[0]} to ${listeners[listeners.length - 1]}`);
  return out;
}
