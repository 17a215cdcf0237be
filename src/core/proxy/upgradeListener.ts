/**
 * The HTTP listener in front of a WebSocket endpoint of ours (the proxy, the replay server):
 * plain HTTP requests get 426 Upgrade Required with a one-line hint, upgrade requests go to
 * `onUpgrade`, a malformed request just loses its socket. Resolves once listening (rejects with
 * the listen error, e.g. EADDRINUSE), with the address actually bound. An upgrade from a
 * cross-site browser page is refused with 403 before it reaches `onUpgrade` (net/origin.ts).
 */
import { once } from 'node:events';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { checkOrigin, refuseSocket } from '../net/origin';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export async function listenForUpgrades(
  host: string,
  port: number,
  hint: string,
  onUpgrade: UpgradeHandler,
  allowedOrigins: readonly string[] = [],
): Promise<{ server: Server; bound: AddressInfo }> {
  const server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket' });
    res.end(`${hint}\n`);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = checkOrigin(req.headers.origin, req.headers.host, { allowed: allowedOrigins, listenHost: host });
    if (verdict.ok) onUpgrade(req, socket, head);
    else refuseSocket(socket, 403, verdict.reason);
  });
  server.on('clientError', (_err, socket: Duplex) => socket.destroy());
  server.listen(port, host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))]);
  return { server, bound: server.address() as AddressInfo };
}
