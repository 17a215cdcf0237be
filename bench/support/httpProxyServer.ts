/**
 * Bench child: node-http-proxy (npm `http-proxy`), the WebSocket proxy a Node developer would
 * reach for, forwarding upgrades to TARGET_PORT without capturing anything. argv: TARGET_PORT.
 * Prints {"url":…}; answers with its CPU time.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import httpProxy from 'http-proxy';
import { serveRequests } from './children';

const port = Number(process.argv[2]);
const proxy = httpProxy.createProxyServer({ target: `http://127.0.0.1:${port}`, ws: true });
proxy.on('error', () => undefined);
const server = createServer((_req, res) => res.writeHead(404).end());
server.on('upgrade', (req, socket, head) => {
  // As ours and the relay: no Nagle on either leg.
  (socket as import('node:net').Socket).setNoDelay(true);
  proxy.ws(req, socket, head);
});
proxy.on('open', (upstream) => upstream.setNoDelay(true));
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws/` }) + '\n');
  serveRequests(() => ({ cpu: process.cpuUsage() }));
});
