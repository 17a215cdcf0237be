/**
 * The HTTP listener in front of a WebSocket endpoint of ours (the proxy, the replay server):
 * plain HTTP requests get 426 Upgrade Required with a one-line hint, upgrade requests go to
 * `onUpgrade`, a malformed request just loses its socket. Resolves once listening (rejects with
 * the listen error, e.g. EADDRINUSE), with the address actually bound. A request whose Host is
 * not this listener's (a DNS name rebound to 127.0.0.1) is refused with 421 (net/host.ts), an
 * upgrade from a cross-site browser page with 403 (net/origin.ts), before `onUpgrade` sees them.
 */
import { once } from 'node:events';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { checkRequestHost, listenerNames } from '../net/host';
import { checkOrigin, refuseSocket } from '../net/origin';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export async function listenForUpgrades(
  host: string,
  port: number,
  hint: string,
  onUpgrade: UpgradeHandler,
  allowedOrigins: readonly string[] = [],
): Promise<{ server: Server; bound: AddressInfo }> {
  const names = listenerNames(host);
  const server = createServer((req, res) => {
    const misdirected = checkRequestHost(req, names);
    if (misdirected) {
      res.writeHead(misdirected.status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      return void res.end(`finesse-frames: ${misdirected.reason}\n`);
    }
    res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket' });
    res.end(`${hint}\n`);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const misdirected = checkRequestHost(req, names);
    if (misdirected) return refuseSocket(socket, misdirected.status, misdirected.reason);
    const verdict = checkOrigin(req.headers.origin, req.headers.host, { allowed: allowedOrigins, listenHost: host });
    if (verdict.ok) onUpgrade(req, socket, head);
    else refuseSocket(socket, 403, verdict.reason);
  });
  server.on('clientError', (_err, socket: Duplex) => socket.destroy());
  server.listen(port, host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))]);
  return { server, bound: server.address() as AddressInfo };
}
