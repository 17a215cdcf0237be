/**
 * Bench child: the floor for a reverse proxy that terminates TLS on both sides, a bare TLS relay
 * to UPSTREAM_URL (decrypt, re-encrypt, nothing else: no HTTP parsing, no capture): what any
 * such proxy costs on this machine. Args: UPSTREAM_URL UPSTREAM_CA_FILE. Prints
 * {"url":…,"cert":…} (its own certificate, for the client to trust); answers with its CPU time.
 */
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { generateCertificate } from '../../src/core/proxy/reverse/cert';
import { serveRequests } from './children';

const [upstreamUrl, caFile] = process.argv.slice(2);
const upstream = new URL(upstreamUrl);
const ca = readFileSync(caFile, 'utf8');
const own = generateCertificate(['localhost', '127.0.0.1']);
const server = tls.createServer({ key: own.key, cert: own.cert }, (client) => {
  const up = tls.connect({ host: '127.0.0.1', servername: upstream.hostname, port: Number(upstream.port), ca });
  client.pipe(up);
  up.pipe(client);
  client.on('error', () => up.destroy());
  up.on('error', () => client.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as import('node:net').AddressInfo;
  process.stdout.write(JSON.stringify({ url: `https://localhost:${port}`, cert: own.cert }) + '\n');
  serveRequests(() => ({ cpu: process.cpuUsage() }));
});
