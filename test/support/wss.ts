/**
 * A local wss:// server with a fresh self-signed certificate, the shape of a lab Finesse server:
 * it speaks the `xmpp` subprotocol and, given a ws:// target (Prosody), relays every message
 * both ways, so a real login runs over verified TLS. Counts upgrade requests, so a test can
 * prove that nothing was sent to a server whose certificate was refused.
 */
import { createServer, Server } from 'node:https';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

export interface TestCert {
  key: string;
  cert: string;
  /** SHA-256 fingerprint, `AB:CD:…` as Node reports it. */
  fingerprint: string;
  /** The certificate as a PEM file (a CA file for --ca), removed by `dispose`. */
  file: string;
  dispose(): void;
}

/** A self-signed EC certificate for the given names (default: 127.0.0.1 only). */
export async function makeCert(names: { ips?: string[]; dns?: string[] } = {}): Promise<TestCert> {
  const selfsigned = await import('selfsigned');
  const ips = names.ips ?? ['127.0.0.1'];
  const dns = names.dns ?? [];
  const pems = await selfsigned.generate([{ name: 'commonName', value: dns[0] ?? ips[0] ?? 'finesse.test' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...dns.map((value) => ({ type: 2 as const, value })),
          ...ips.map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), 'finesse-cert-'));
  const file = join(dir, 'server.pem');
  writeFileSync(file, pems.cert);
  return {
    key: pems.private,
    cert: pems.cert,
    fingerprint: new X509Certificate(pems.cert).fingerprint256,
    file,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export class WssServer {
  /** HTTP requests (WebSocket upgrades) that reached the server. */
  upgrades = 0;
  private constructor(
    private readonly https: Server,
    private readonly wss: WebSocketServer,
    readonly port: number,
  ) {}

  /** ws URL on 127.0.0.1 (or `host`), path /ws/. */
  url(host = '127.0.0.1'): string {
    return `wss://${host}:${this.port}/ws/`;
  }

  static async start(cert: TestCert, target?: string): Promise<WssServer> {
    const https = createServer({ key: cert.key, cert: cert.cert });
    const wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (protocols) => (protocols.has('xmpp') ? 'xmpp' : false),
    });
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    const server = new WssServer(https, wss, (https.address() as AddressInfo).port);
    https.on('upgrade', (req, socket, head) => {
      server.upgrades++;
      wss.handleUpgrade(req, socket, head, (client) => (target ? relay(client, target) : undefined));
    });
    return server;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    this.https.closeAllConnections();
    await new Promise<void>((resolve) => this.https.close(() => resolve()));
  }
}

/** Relays one client to `target` message by message, in order, closing each side with the other. */
function relay(client: WebSocket, target: string): void {
  const upstream = new WebSocket(target, 'xmpp');
  const queued: { data: WebSocket.RawData; isBinary: boolean }[] = [];
  client.on('message', (data, isBinary) => {
    if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: isBinary });
    else queued.push({ data, isBinary });
  });
  upstream.on('open', () => {
    for (const m of queued.splice(0)) upstream.send(m.data, { binary: m.isBinary });
  });
  upstream.on(
    'message',
    (data, isBinary) => client.readyState === WebSocket.OPEN && client.send(data, { binary: isBinary }),
  );
  const closeBoth = () => {
    if (client.readyState === WebSocket.OPEN) client.close();
    if (upstream.readyState === WebSocket.OPEN) upstream.close();
    if (upstream.readyState === WebSocket.CONNECTING) upstream.terminate();
  };
  client.on('close', closeBoth);
  upstream.on('close', closeBoth);
  client.on('error', () => undefined);
  upstream.on('error', () => undefined);
}
