/**
 * Proxy overhead, measured against a direct connection in the same run (target, docs/ARCHITECTURE.md:
 * proxied throughput ≥ 0.8× direct, added p50 round trip ≤ 0.1 ms on loopback).
 *
 * A ws echo server and the proxy (with its capturing FrameStore) each run in their own process,
 * as in real use; the client runs here. For each mode, direct client↔echo and client↔proxy↔echo:
 *  - throughput: 1 KB Finesse event messages, a window of 1000 in flight, msg/s round trips;
 *  - latency: one message at a time, p50/p99 of the round trip.
 * Modes alternate over several rounds and the median round counts, so all see the same
 * machine load. A third mode, a bare TCP relay in its own process (no parsing, no capture),
 * shows the ceiling any proxy has on this machine: two more socket hops cost what they cost. CPU time per round trip is reported per process as well: on a machine with
 * fewer free cores than processes the throughput ratio measures shared CPU, and the CPU figures
 * say where it went. Env: BENCH_PROXY_MESSAGES, BENCH_PROXY_ROUNDS, BENCH_PROXY_PINGS,
 * BENCH_PROXY_CAPACITY.
 */
import { once } from 'node:events';
import { availableParallelism, loadavg } from 'node:os';
import WebSocket from 'ws';
import { eventMessage, userUpdate } from '../src/core/finesse/builders';
import { nodes } from '../src/core/finesse/nodes';
import { percentile, round, startChild } from './support/children';

const MESSAGES = Number(process.env.BENCH_PROXY_MESSAGES ?? 100_000);
const ROUNDS = Number(process.env.BENCH_PROXY_ROUNDS ?? 5);
const PINGS = Number(process.env.BENCH_PROXY_PINGS ?? 3000);
export const WINDOW = 1000;
/** The proxy's store keeps this many frames, as the CLI does by default. */
const CAPACITY = Number(process.env.BENCH_PROXY_CAPACITY ?? 200_000);

/** A Finesse pubsub event carrying a User Update (about 1.2 KB, a typical notification); padded when shorter than `size`. */
export function finesseMessage(size = 1024): string {
  const agent = { id: '1001001', loginName: 'agent1' };
  const base = eventMessage({
    from: 'pubsub.finesse.test',
    to: 'agent1@finesse.test/desktop',
    node: nodes.user(agent.id),
    itemId: 'item-1',
    id: 'm-0000',
    updateXml: userUpdate(agent, 'READY', { requestId: 'req-1', t: 0 }),
  });
  if (base.length >= size) return base;
  return base.replace(
    '</message>',
    `<body>${'x'.repeat(size - base.length - '<body></body>'.length)}</body></message>`,
  );
}

export async function connect(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, ['xmpp'], { perMessageDeflate: false });
  await once(ws, 'open');
  return ws;
}

/** Round trips per second with `WINDOW` messages in flight. */
export function throughput(ws: WebSocket, payload: string, count: number): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0;
    let received = 0;
    const t0 = performance.now();
    const onMessage = () => {
      received++;
      if (sent < count) {
        ws.send(payload);
        sent++;
      } else if (received === count) {
        ws.off('message', onMessage);
        resolve(count / ((performance.now() - t0) / 1000));
      }
    };
    ws.on('message', onMessage);
    for (; sent < Math.min(WINDOW, count); sent++) ws.send(payload);
  });
}

/** Round-trip times in ms, one message at a time. */
export async function latency(ws: WebSocket, payload: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const reply = once(ws, 'message');
    ws.send(payload);
    await reply;
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

interface Round {
  msgPerSec: number;
  p50: number;
  p99: number;
  /** CPU time (user + system) per round trip in the throughput phase, µs, per process. */
  cpu: { client: number; server: number; proxy: number; pipe: number };
}

type Cpu = NodeJS.CpuUsage;
const micros = (a: Cpu, b: Cpu, n: number) => (b.user - a.user + b.system - a.system) / n;

async function measure(
  url: string,
  payload: string,
  cpuOf: () => Promise<{ server: Cpu; proxy: Cpu; pipe: Cpu }>,
): Promise<Round> {
  const ws = await connect(url);
  await throughput(ws, payload, Math.min(MESSAGES, 10_000)); // warm up JIT and sockets
  const before = { ...(await cpuOf()), client: process.cpuUsage() };
  const msgPerSec = await throughput(ws, payload, MESSAGES);
  const after = { ...(await cpuOf()), client: process.cpuUsage() };
  await latency(ws, payload, 200);
  const times = await latency(ws, payload, PINGS);
  ws.close();
  await once(ws, 'close');
  const cpu = {
    client: micros(before.client, after.client, MESSAGES),
    server: micros(before.server, after.server, MESSAGES),
    proxy: micros(before.proxy, after.proxy, MESSAGES),
    pipe: micros(before.pipe, after.pipe, MESSAGES),
  };
  return { msgPerSec, p50: percentile(times, 50), p99: percentile(times, 99), cpu };
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<object> {
  const echo = await startChild<{ port: number }>('echoServer.ts');
  const direct = `ws://127.0.0.1:${echo.ready.port}/ws/`;
  const proxy = await startChild<{ url: string }>('proxyServer.ts', [direct, String(CAPACITY)]);
  const pipe = await startChild<{ url: string }>('tcpPipe.ts', [String(echo.ready.port)]);
  const cpuOf = async () => ({
    server: (await echo.ask<{ cpu: Cpu }>({})).cpu,
    proxy: (await proxy.ask<{ cpu: Cpu }>({})).cpu,
    pipe: (await pipe.ask<{ cpu: Cpu }>({})).cpu,
  });
  try {
    const payload = finesseMessage();
    type Mode = 'direct' | 'proxied' | 'tcpPipe';
    const rounds: Record<Mode, Round>[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const d = await measure(direct, payload, cpuOf);
      const p = await measure(proxy.ready.url, payload, cpuOf);
      const t = await measure(pipe.ready.url, payload, cpuOf);
      rounds.push({ direct: d, proxied: p, tcpPipe: t });
    }
    const pick = (mode: Mode, k: 'msgPerSec' | 'p50' | 'p99') => median(rounds.map((r) => r[mode][k]));
    const cpu = (mode: Mode, k: keyof Round['cpu']) => round(median(rounds.map((r) => r[mode].cpu[k])), 1);
    const stats = await proxy.ask<{ frames: number; held: number }>({ stats: true });
    const ratios = rounds.map((r) => r.proxied.msgPerSec / r.direct.msgPerSec);
    return {
      messageBytes: Buffer.byteLength(payload),
      window: WINDOW,
      messages: MESSAGES,
      rounds: ROUNDS,
      direct: {
        msgPerSec: Math.round(pick('direct', 'msgPerSec')),
        p50ms: round(pick('direct', 'p50')),
        p99ms: round(pick('direct', 'p99')),
      },
      proxied: {
        msgPerSec: Math.round(pick('proxied', 'msgPerSec')),
        p50ms: round(pick('proxied', 'p50')),
        p99ms: round(pick('proxied', 'p99')),
      },
      ratio: round(median(ratios), 2),
      ratioPerRound: ratios.map((r) => round(r, 2)),
      addedP50ms: round(median(rounds.map((r) => r.proxied.p50 - r.direct.p50))),
      target: { ratio: 0.8, addedP50ms: 0.1 },
      // The ceiling for any proxy here: a bare TCP relay (no parsing, no capture) in the same run.
      tcpPipe: {
        msgPerSec: Math.round(pick('tcpPipe', 'msgPerSec')),
        ratio: round(median(rounds.map((r) => r.tcpPipe.msgPerSec / r.direct.msgPerSec)), 2),
        addedP50ms: round(median(rounds.map((r) => r.tcpPipe.p50 - r.direct.p50))),
      },
      // Machine-independent view of the same run: what each process spends per round trip.
      cpuMicrosPerRoundTrip: {
        direct: { client: cpu('direct', 'client'), server: cpu('direct', 'server') },
        proxied: { client: cpu('proxied', 'client'), server: cpu('proxied', 'server'), proxy: cpu('proxied', 'proxy') },
        tcpPipe: { client: cpu('tcpPipe', 'client'), server: cpu('tcpPipe', 'server'), pipe: cpu('tcpPipe', 'pipe') },
      },
      cpus: availableParallelism(),
      loadAverage: loadavg().map((l) => round(l, 2)),
      store: { capacity: CAPACITY, framesCaptured: stats.frames, held: stats.held },
    };
  } finally {
    await pipe.stop();
    await proxy.stop();
    await echo.stop();
  }
}
