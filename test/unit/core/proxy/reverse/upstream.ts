/**
 * Test plumbing for the reverse proxy tests: a real HTTPS "upstream" server (own self-signed
 * certificate from `selfsigned`, independent of ours) with a swappable handler, a reverse proxy
 * in front of it, and a client that trusts only the proxy's certificate.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { FrameStore } from '../../../../../src/core/capture/frameStore';
import { ReverseProxy, ReverseProxyOptions } from '../../../../../src/core/proxy/reverse/reverseProxy';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export class Upstream {
  handler: Handler = (_req, res) => res.end('ok');
  upgrade?: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;
  port = 0;
  private constructor(
    readonly server: https.Server,
    readonly certFile: string,
    readonly fingerprint: string,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `https://localhost:${this.port}`;
  }

  static async start(): Promise<Upstream> {
    const selfsigned = await import('selfsigned');
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }],
    });
    const dir = mkdtempSync(join(tmpdir(), 'upstream-'));
    const certFile = join(dir, 'upstream.crt');
    writeFileSync(certFile, pems.cert);
    const server = https.createServer({ key: pems.private, cert: pems.cert });
    const { X509Certificate } = await import('node:crypto');
    const up = new Upstream(server, certFile, new X509Certificate(pems.cert).fingerprint256, dir);
    server.on('request', (req, res) => up.handler(req, res));
    server.on('upgrade', (req, socket, head) => (up.upgrade ? up.upgrade(req, socket, head) : socket.destroy()));
    server.requestTimeout = 0;
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    up.port = (server.address() as AddressInfo).port;
    return up;
  }

  async close(): Promise<void> {
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeAllConnections();
    await closed;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Rig {
  upstream: Upstream;
  store: FrameStore;
  proxy: ReverseProxy;
  url: string;
  certDir: string;
  /** A request through the proxy, trusting only the proxy's certificate. */
  request(
    path: string,
    opts?: https.RequestOptions,
    body?: Buffer | string,
  ): Promise<{ res: http.IncomingMessage; body: Buffer }>;
  close(): Promise<void>;
}

export async function startRig(upstream: Upstream, opts: Partial<ReverseProxyOptions> = {}): Promise<Rig> {
  const certDir = mkdtempSync(join(tmpdir(), 'rig-cert-'));
  const store = new FrameStore();
  const proxy = new ReverseProxy(store, {
    upstream: upstream.url,
    certDir,
    trust: { caFile: upstream.certFile },
    ...opts,
  });
  const url = await proxy.listen();
  const ca = proxy.certificate!.cert;
  const rig: Rig = {
    upstream,
    store,
    proxy,
    url,
    certDir,
    request: (path, options = {}, body) =>
      new Promise((resolve, reject) => {
        const req = https.request(new URL(path, url), { ca, agent: false, ...options }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      }),
    close: async () => {
      await proxy.close();
      rmSync(certDir, { recursive: true, force: true });
    },
  };
  return rig;
}
