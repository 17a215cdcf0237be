/**
 * `npm run bench -- peers`: ours beside the tools a user would pick instead, in the same run,
 * on the same ws echo server, with the same client (1.2 KB Finesse events, 1,000 in flight):
 *  - direct: client ↔ echo server, no proxy;
 *  - relay: a bare TCP relay (no parsing, no capture): the physical limit of any proxy here;
 *  - httpProxy: node-http-proxy (npm `http-proxy`), no capture;
 *  - mitmproxy: `mitmdump` in reverse mode, capturing (when installed: Debian `mitmproxy`);
 *  - ours: the proxy with its capturing FrameStore in its own process (as the extension runs it);
 *  - oursPanel: the same with the frames panel's host following the store (the panel open);
 *  - cli: `finesse-frames proxy`, JSON lines into a pipe drained by a reader;
 *  - cliQuiet: `finesse-frames proxy --quiet` (capture only);
 *  - cliSave: `finesse-frames proxy --quiet --save FILE` (capture, every frame saved to a file).
 * Modes are interleaved round by round so they share the machine's load; each figure is the
 * median over rounds of its ratio to direct and to the relay measured in that same round (the
 * relay ratio holds up on a loaded machine, the absolute figures do not).
 * CPU µs per round trip is the proxying process's own time (from /proc), counted over the
 * throughput phase; the CLI's printing that trails it is waited out before the next phase.
 * Env: BENCH_PEERS_MESSAGES (default 50000), BENCH_PEERS_ROUNDS (default 5), BENCH_PEERS_PINGS
 * (default 1000), BENCH_PEERS_MITM_MESSAGES (default 3000: mitmproxy is two orders slower).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { percentile, round, startChild } from './support/children';
import { Peer, procCpuMicros, settle, startCli, startMitmdump } from './support/peers';
import { connect, finesseMessage, latency, median, throughput, WINDOW } from './proxy';

const MESSAGES = Number(process.env.BENCH_PEERS_MESSAGES ?? 50_000);
const ROUNDS = Number(process.env.BENCH_PEERS_ROUNDS ?? 5);
const PINGS = Number(process.env.BENCH_PEERS_PINGS ?? 1000);
const MITM_MESSAGES = Number(process.env.BENCH_PEERS_MITM_MESSAGES ?? 3000);

interface Round {
  msgPerSec: number;
  p50: number;
  /** CPU µs per round trip of the proxying process (undefined for direct). */
  cpu?: number;
}

async function measure(url: string, payload: string, messages: number, pid: number | undefined): Promise<Round> {
  const ws = await connect(url);
  await throughput(ws, payload, Math.min(messages, 5000)); // warm up JIT and sockets
  const before = pid ? procCpuMicros(pid) : 0;
  const msgPerSec = await throughput(ws, payload, messages);
  const cpu = pid ? (procCpuMicros(pid) - before) / messages : undefined;
  // The CLI prints the throughput phase's frames after forwarding them: latency is measured
  // once it has caught up, and the next mode once this one is quiet.
  if (pid) await settle(pid);
  const times = await latency(ws, payload, PINGS);
  ws.close();
  await once(ws, 'close');
  if (pid) await settle(pid);
  return { msgPerSec, p50: percentile(times, 50), cpu };
}

type Mode = 'direct' | 'relay' | 'httpProxy' | 'mitmproxy' | 'ours' | 'oursPanel' | 'cli' | 'cliQuiet' | 'cliSave';

export async function run(): Promise<object> {
  const echo = await startChild<{ port: number }>('echoServer.ts');
  const direct = `ws://127.0.0.1:${echo.ready.port}/ws/`;
  const relay = await startChild<{ url: string }>('tcpPipe.ts', [String(echo.ready.port)]);
  const httpProxy = await startChild<{ url: string }>('httpProxyServer.ts', [String(echo.ready.port)]);
  const ours = await startChild<{ url: string }>('proxyServer.ts', [direct]);
  const oursPanel = await startChild<{ url: string }>('proxyServer.ts', [direct, '200000', 'panel']);
  const cli = await startCli(direct);
  const cliQuiet = await startCli(direct, ['--quiet']);
  const saveDir = mkdtempSync(join(tmpdir(), 'bench-peers-'));
  const cliSave = await startCli(direct, ['--quiet', '--save', join(saveDir, 'peers.finesse-session')]);
  const mitm = await startMitmdump(echo.ready.port);
  const modes: [Mode, { url: string; pid?: number }][] = [
    ['direct', { url: direct }],
    ['relay', { url: relay.ready.url, pid: relay.proc.pid }],
    ['httpProxy', { url: httpProxy.ready.url, pid: httpProxy.proc.pid }],
    ['ours', { url: ours.ready.url, pid: ours.proc.pid }],
    ['oursPanel', { url: oursPanel.ready.url, pid: oursPanel.proc.pid }],
    ['cli', cli],
    ['cliQuiet', cliQuiet],
    ['cliSave', cliSave],
  ];
  if (mitm) modes.push(['mitmproxy', mitm]);
  const stops: Peer[] = [cli, cliQuiet, cliSave, ...(mitm ? [mitm] : [])];
  const payload = finesseMessage();
  const rounds: Partial<Record<Mode, Round>>[] = [];
  let printed: number | undefined;
  let saved: { frames: number; lost: number } | undefined;
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const r: Partial<Record<Mode, Round>> = {};
      for (const [mode, peer] of modes)
        r[mode] = await measure(peer.url, payload, mode === 'mitmproxy' ? MITM_MESSAGES : MESSAGES, peer.pid);
      rounds.push(r);
    }
  } finally {
    printed = (await cli.stop()).linesPrinted;
    for (const p of stops.slice(1)) saved = (await p.stop()).saved ?? saved;
    await Promise.all([ours.stop(), oursPanel.stop(), httpProxy.stop(), relay.stop(), echo.stop()]);
    rmSync(saveDir, { recursive: true, force: true });
  }
  const table: Record<string, object> = {};
  for (const [mode] of modes) {
    const of = (r: Partial<Record<Mode, Round>>) => r[mode] as Round;
    const cpus = rounds.map((r) => of(r).cpu).filter((c): c is number => c !== undefined);
    table[mode] = {
      msgPerSec: Math.round(median(rounds.map((r) => of(r).msgPerSec))),
      vsDirect: round(median(rounds.map((r) => of(r).msgPerSec / (r.direct as Round).msgPerSec)), 2),
      vsRelay: round(median(rounds.map((r) => of(r).msgPerSec / (r.relay as Round).msgPerSec)), 2),
      addedP50ms: round(median(rounds.map((r) => of(r).p50 - (r.direct as Round).p50))),
      ...(cpus.length
        ? {
            cpuMicrosPerRoundTrip: round(median(cpus), 1),
            cpuVsRelay: round(median(rounds.map((r) => (of(r).cpu as number) / ((r.relay as Round).cpu as number))), 2),
          }
        : {}),
      // Round by round, for the spread behind each median (ours' store fills in the first two).
      vsRelayByRound: rounds.map((r) => round(of(r).msgPerSec / (r.relay as Round).msgPerSec, 2)),
      ...(cpus.length
        ? { cpuVsRelayByRound: rounds.map((r) => round((of(r).cpu as number) / ((r.relay as Round).cpu as number), 2)) }
        : {}),
    };
  }
  return {
    messageBytes: Buffer.byteLength(payload),
    window: WINDOW,
    messages: MESSAGES,
    rounds: ROUNDS,
    ...(mitm
      ? { mitmMessages: MITM_MESSAGES }
      : { mitmproxy: 'not installed (Debian package mitmproxy provides mitmdump)' }),
    peers: table,
    // Every frame of every cli round reached the pipe's reader: two frames per round trip.
    cliLinesPrinted: printed,
    // What cliSave wrote to its file, and how many frames left its store before they were written.
    cliSaved: saved,
    targets: { oursVsRelay: 0.9, cliVsRelay: 0.8, cpuVsRelay: 1.5, addedP50ms: 0.1 },
    cpus: availableParallelism(),
    loadAverage: loadavg().map((l) => round(l, 2)),
  };
}
