/**
 * Reverse proxy figures, each against a direct HTTPS connection to the same upstream in the same
 * run: download throughput (a 64 MiB chunked body) and the latency a small keep-alive request
 * gains by going through the listener (TLS both sides, header rewriting, streaming pipe).
 * The proxy runs in a child process: in this one it shared a single thread with the client and
 * the upstream, so it doubled that thread's TLS work and could never pass 0.5× direct.
 * Beside it, each in its own process too and in the same rounds: a bare TLS relay (decrypt,
 * re-encrypt, nothing else), the floor for any proxy that terminates TLS on both sides on this
 * machine; and the plainest Node HTTPS proxy (support/httpsPipe.ts), what Node's HTTP layer
 * alone adds to that. CPU figures are each relaying process's own time per MiB downloaded.
 */
import { once } from 'node:events';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateCertificate } from '../src/core/proxy/reverse/cert';
import { startChild } from './support/children';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIG = 64 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 7);
const SMALL_REQUESTS = 2000;

function get(agent: https.Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { agent }, (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => resolve(n));
      })
      .on('error', reject);
  });
}

async function throughput(agent: https.Agent, url: string): Promise<number> {
  const start = performance.now();
  const n = await get(agent, url);
  if (n !== BIG) throw new Error(`got ${n} bytes`);
  return n / 1024 / 1024 / ((performance.now() - start) / 1000);
}

async function latencies(agent: https.Agent, url: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < SMALL_REQUESTS; i++) {
    const start = performance.now();
    await get(agent, url);
    out.push(performance.now() - start);
  }
  return out.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<object> {
  const upCert = generateCertificate(['localhost', '127.0.0.1']);
  const upstream = https.createServer({ key: upCert.key, cert: upCert.cert }, (req, res) => {
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let sent = 0;
      const more = () => {
        while (sent < BIG) {
          sent += CHUNK.length;
          if (!res.write(CHUNK)) return void res.once('drain', more);
        }
        res.end();
      };
      return more();
    }
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
    res.end('ok');
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const upUrl = `https://localhost:${(upstream.address() as AddressInfo).port}`;
  // The proxy runs in its own process, as it does for a user (the CLI or the extension host).
  const proxy = await startChild<{ url: string; cert: string }>('reverseServer.ts', [
    upUrl,
    new X509Certificate(upCert.cert).fingerprint256,
  ]);
  const proxyUrl = proxy.ready.url;
  const caDir = mkdtempSync(join(tmpdir(), 'bench-reverse-ca-'));
  writeFileSync(join(caDir, 'upstream.pem'), upCert.cert);
  const relay = await startChild<{ url: string; cert: string }>('tlsPipe.ts', [upUrl, join(caDir, 'upstream.pem')]);
  const nodeProxy = await startChild<{ url: string; cert: string }>('httpsPipe.ts', [
    upUrl,
    join(caDir, 'upstream.pem'),
  ]);
  const direct = new https.Agent({ keepAlive: true, ca: upCert.cert });
  const viaProxy = new https.Agent({ keepAlive: true, ca: proxy.ready.cert });
  const viaRelay = new https.Agent({ keepAlive: true, ca: relay.ready.cert });
  const viaNode = new https.Agent({ keepAlive: true, ca: nodeProxy.ready.cert });
  const cpuMs = async (child: typeof relay) => {
    const { cpu } = await child.ask<{ cpu: { user: number; system: number } }>({});
    return (cpu.user + cpu.system) / 1000;
  };
  /** MiB/s through `agent`, and the relaying child's CPU ms per MiB. */
  const timed = async (agent: https.Agent, url: string, child: typeof relay) => {
    const before = await cpuMs(child);
    const rate = await throughput(agent, url);
    return { rate, cpuPerMiB: ((await cpuMs(child)) - before) / (BIG / 1024 / 1024) };
  };
  try {
    // Warm up every path (TLS sessions, JIT), then alternate so none gets the quieter moment.
    await get(direct, `${upUrl}/small`);
    await get(viaProxy, `${proxyUrl}/small`);
    await get(viaRelay, `${relay.ready.url}/small`);
    await get(viaNode, `${nodeProxy.ready.url}/small`);
    const d: number[] = [];
    const p: { rate: number; cpuPerMiB: number }[] = [];
    const r: { rate: number; cpuPerMiB: number }[] = [];
    const n: { rate: number; cpuPerMiB: number }[] = [];
    for (let i = 0; i < 3; i++) {
      d.push(await throughput(direct, `${upUrl}/big`));
      p.push(await timed(viaProxy, `${proxyUrl}/big`, proxy));
      r.push(await timed(viaRelay, `${relay.ready.url}/big`, relay));
      n.push(await timed(viaNode, `${nodeProxy.ready.url}/big`, nodeProxy));
    }
    const ld = await latencies(direct, `${upUrl}/small`);
    const lp = await latencies(viaProxy, `${proxyUrl}/small`);
    const rates = (xs: { rate: number }[]) => xs.map((x) => x.rate);
    const cpu = (xs: { cpuPerMiB: number }[]) => Number(median(xs.map((x) => x.cpuPerMiB)).toFixed(2));
    return {
      directMiBps: Math.round(median(d)),
      proxyMiBps: Math.round(median(rates(p))),
      throughputRatio: Number((median(rates(p)) / median(d)).toFixed(2)),
      tlsRelayMiBps: Math.round(median(rates(r))),
      tlsRelayRatio: Number((median(rates(r)) / median(d)).toFixed(2)),
      proxyVsTlsRelay: Number((median(rates(p)) / median(rates(r))).toFixed(2)),
      nodeHttpsProxyRatio: Number((median(rates(n)) / median(d)).toFixed(2)),
      cpuMsPerMiB: { proxy: cpu(p), tlsRelay: cpu(r), nodeHttpsProxy: cpu(n) },
      directP50Ms: Number(pct(ld, 0.5).toFixed(3)),
      proxyP50Ms: Number(pct(lp, 0.5).toFixed(3)),
      addedP50Ms: Number((pct(lp, 0.5) - pct(ld, 0.5)).toFixed(3)),
      addedP99Ms: Number((pct(lp, 0.99) - pct(ld, 0.99)).toFixed(3)),
    };
  } finally {
    direct.destroy();
    viaProxy.destroy();
    viaRelay.destroy();
    viaNode.destroy();
    await proxy.stop();
    await relay.stop();
    await nodeProxy.stop();
    rmSync(caDir, { recursive: true, force: true });
    upstream.closeAllConnections();
    upstream.close();
  }
}
