/**
 * Bench child: the reverse proxy in its own process, as `finesse-frames reverse` or the extension
 * host runs it beside the browser and the server (in the bench's own process it would share one
 * thread with the client and the upstream, and every byte's TLS work with them).
 * Args: UPSTREAM_URL UPSTREAM_FINGERPRINT. Prints {"url":…,"cert":…}; answers with its CPU time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameStore } from '../../src/core/capture/frameStore';
import { ReverseProxy } from '../../src/core/proxy/reverse/reverseProxy';
import { serveRequests } from './children';

const [upstream, fingerprint] = process.argv.slice(2);
const certDir = mkdtempSync(join(tmpdir(), 'bench-reverse-'));
process.once('exit', () => rmSync(certDir, { recursive: true, force: true }));
const proxy = new ReverseProxy(new FrameStore(), { upstream, certDir, trust: { fingerprint } });
void proxy.listen().then((url) => {
  process.stdout.write(JSON.stringify({ url: url.replace(/\/$/, ''), cert: proxy.certificate!.cert }) + '\n');
  serveRequests(() => ({ cpu: process.cpuUsage() }));
});
