/**
 * The HTTP listener in front of a WebSocket endpoint of ours (the proxy, the replay server):
 * plain HTTP requests get 426 Upgrade Required with a one-line hint, upgrade requests go to
 * `onUpgrade`, a malformed request just loses its socket. Resolves once listening (rejects with
 * the listen error, e.g. EADDRINUSE), with the address actually bound.
 */
import { once } from 'node:events';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export async function listenForUpgrades(host: string, port: number, hint: string, onUpgrade: UpgradeHandler): Promise<{ server: Server; bound: AddressInfo }> {
  const server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain; charset=utf-8', upgrade: 'websocket' });
    res.end(`${hint}\n`);
  });
  server.on('upgrade', onUpgrade);
  server.on('clientError', (_err, socket: Duplex) => socket.destroy());
  server.listen(port, host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))]);
  return { server, bound: server.address() as AddressInfo };
}
