/**
 * `npm run bench -- load`: 10,000 frames/s for 60 s through the proxy to a real ws server, both
 * ways (the server echoes), with zero frames lost, altered or reordered, and the proxy's memory
 * bounded by its store capacity. The client and the server are child processes that verify
 * every frame (sequence number, hash, exact text); the proxy runs here, with its FrameStore,
 * and its memory is sampled every second.
 * Env: BENCH_LOAD_RATE (frames/s, default 10000), BENCH_LOAD_SECONDS (default 60),
 * BENCH_LOAD_CAPACITY (store frames, default 100000).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FrameStore } from '../src/core/capture/frameStore';
import { WsProxy } from '../src/core/proxy/wsProxy';
import { round, startChild } from './support/children';
import { frame, Verdict } from './support/loadFrames';

const RATE = Number(process.env.BENCH_LOAD_RATE ?? 10_000);
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
const CAPACITY = Number(process.env.BENCH_LOAD_CAPACITY ?? 100_000);
const MB = 1024 * 1024;

interface ClientResult {
  sent: number;
  sendSeconds: number;
  seconds: number;
  rateAchieved: number;
  maxSendLagMs: number;
  echoes: Verdict;
  gaveUp: boolean;
}

export async function run(): Promise<object> {
  const server = await startChild<{ port: number }>('loadServer.ts');
  const client = await startChild<{ ready: boolean }>('loadClient.ts');
  const store = new FrameStore(CAPACITY);
  const proxy = new WsProxy(store, { target: `ws://127.0.0.1:${server.ready.port}/ws/` });
  const url = await proxy.listen();
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
    }
  }, 1000);
  try {
    const result = await client.ask<ClientResult>({ url, rate: RATE, seconds: SECONDS });
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
    return {
      rate: RATE,
      seconds: SECONDS,
      sent: result.sent,
      rateAchieved: Math.round(result.rateAchieved),
      maxSendLagMs: round(result.maxSendLagMs, 1),
      clientToServer: { ...atServer, missing: expected - atServer.received },
      serverToClient: { ...result.echoes, missing: expected - result.echoes.received },
      lost: expected - atServer.received + (expected - result.echoes.received) + atServer.lost + result.echoes.lost,
      reordered: atServer.reordered + result.echoes.reordered,
      altered: atServer.altered + result.echoes.altered,
      framesCaptured: store.lastId,
      captureChecked,
      captureAltered,
      storeCapacity: CAPACITY,
      storeHeld: store.size,
      proxyMemoryMB: {
        rss: mb(samples.map((s) => s.rss)),
        heapUsed: mb(samples.map((s) => s.heap)),
        steadyRss: mb(steady.map((s) => s.rss)),
        steadyHeapUsed: mb(steady.map((s) => s.heap)),
        liveHeapEvery10s: live.map((b) => round(b / MB, 1)),
      },
      memorySamples: samples.length,
    };
  } finally {
    clearInterval(sampler);
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
