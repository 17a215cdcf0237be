/**
 * Bench child: the plainest reverse proxy Node can be, https.createServer piping each request to
 * https.request and the response back (no header rewriting, no capture): what Node's HTTP layer
 * alone costs on top of the TLS relay. Args: UPSTREAM_URL UPSTREAM_CA_FILE. Prints
 * {"url":…,"cert":…}; answers with its CPU time.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { generateCertificate } from '../../src/core/proxy/reverse/cert';
import { serveRequests } from './children';

const [upstreamUrl, caFile] = process.argv.slice(2);
const upstream = new URL(upstreamUrl);
const agent = new https.Agent({ keepAlive: true, ca: readFileSync(caFile, 'utf8') });
const own = generateCertificate(['localhost', '127.0.0.1']);
const server = https.createServer({ key: own.key, cert: own.cert }, (req, res) => {
  const up = https.request(
    {
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
      agent,
    },
    (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    },
  );
  up.on('error', () => res.destroy());
  req.pipe(up);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as import('node:net').AddressInfo;
  process.stdout.write(JSON.stringify({ url: `https://localhost:${port}`, cert: own.cert }) + '\n');
  serveRequests(() => ({ cpu: process.cpuUsage() }));
});
