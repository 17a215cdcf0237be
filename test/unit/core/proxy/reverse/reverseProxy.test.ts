// The reverse proxy between a real HTTPS client and a real HTTPS upstream: bodies byte-exact
// and streamed (never buffered whole), headers rewritten both ways on the wire, upstream TLS
// verified, WebSocket upgrades captured through WsProxy.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import https from 'node:https';
import WebSocket, { WebSocketServer } from 'ws';
import type { Frame } from '../../../../../src/core/capture/frame';
import { FrameStore } from '../../../../../src/core/capture/frameStore';
import { ReverseProxy } from '../../../../../src/core/proxy/reverse/reverseProxy';
import { UntrustedCertificateError, FingerprintMismatchError } from '../../../../../src/core/session/tls';
import { Rig, startRig, Upstream } from './upstream';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('reverse proxy', () => {
  let upstream: Upstream;
  let rig: Rig;
  before(async () => {
    upstream = await Upstream.start();
    rig = await startRig(upstream);
  });
  after(async () => {
    await rig?.close();
    await upstream?.close();
  });

  it('listens on https://127.0.0.1:PORT/ with its stored certificate', () => {
    assert.match(rig.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
    assert.match(rig.proxy.certificate!.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('streams a chunked response byte-identical, still chunked', async () => {
    const chunks = Array.from({ length: 40 }, () => randomBytes(100_000));
    upstream.handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      for (const c of chunks) res.write(c);
      res.end();
    };
    const { res, body } = await rig.request('/big');
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    assert.equal(res.headers['content-length'], undefined);
    assert.equal(sha(body), sha(Buffer.concat(chunks)));
  });

  it('passes status, reason, Content-Length and every header (case, order, repeats) through', async () => {
    upstream.handler = (_req, res) => {
      res.writeHead(418, 'Short And Stout', [
        'Content-Length',
        '5',
        'X-One',
        'a',
        'x-one',
        'b',
        'Date',
        'Thu, 01 Jan 2026 00:00:00 GMT',
      ]);
      res.end('hello');
    };
    const { res, body } = await rig.request('/teapot');
    assert.equal(res.statusCode, 418);
    assert.equal(res.statusMessage, 'Short And Stout');
    assert.equal(body.toString(), 'hello');
    const raw = res.rawHeaders;
    assert.deepEqual(raw.slice(0, 8), [
      'Content-Length',
      '5',
      'X-One',
      'a',
      'x-one',
      'b',
      'Date',
      'Thu, 01 Jan 2026 00:00:00 GMT',
    ]);
  });

  it('forwards request bodies exactly, chunked or with a length, and the method and path', async () => {
    upstream.handler = (req, res) => {
      const hash = createHash('sha256');
      req.on('data', (c) => hash.update(c));
      req.on('end', () =>
        res.end(
          JSON.stringify({
            method: req.method,
            url: req.url,
            te: req.headers['transfer-encoding'] ?? null,
            len: req.headers['content-length'] ?? null,
            sha: hash.digest('hex'),
          }),
        ),
      );
    };
    const payload = randomBytes(2_000_000);
    const chunked = await new Promise<string>((resolve, reject) => {
      const req = https.request(
        new URL('/upload?x=1&y=%2F', rig.url),
        { method: 'PUT', ca: rig.proxy.certificate!.cert, agent: false },
        (res) => {
          let t = '';
          res.on('data', (d) => (t += d)).on('end', () => resolve(t));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < payload.length; i += 250_000) req.write(payload.subarray(i, i + 250_000));
      req.end();
    });
    assert.deepEqual(JSON.parse(chunked), {
      method: 'PUT',
      url: '/upload?x=1&y=%2F',
      te: 'chunked',
      len: null,
      sha: sha(payload),
    });
    const { body } = await rig.request(
      '/form',
      { method: 'POST', headers: { 'content-length': payload.length } },
      payload,
    );
    assert.deepEqual(JSON.parse(body.toString()), {
      method: 'POST',
      url: '/form',
      te: null,
      len: String(payload.length),
      sha: sha(payload),
    });
  });

  it('rewrites Host/Origin/Referer upstream and Location/Set-Cookie/CORS/CSP downstream, on the wire', async () => {
    let seen: Record<string, string | string[] | undefined> = {};
    upstream.handler = (req, res) => {
      seen = req.headers;
      res.writeHead(302, [
        'Location',
        `${upstream.url}/desktop/`,
        'Set-Cookie',
        'JSESSIONID=1; Domain=localhost; Path=/; Secure; HttpOnly',
        'Set-Cookie',
        'plain=2',
        'Access-Control-Allow-Origin',
        upstream.url,
        'Content-Security-Policy',
        `connect-src 'self' wss://localhost:${upstream.port}`,
        'Strict-Transport-Security',
        'max-age=1',
        'Content-Length',
        '0',
      ]);
      res.end();
    };
    const local = new URL(rig.url).origin;
    const { res } = await rig.request('/login', { headers: { Origin: local, Referer: `${local}/desktop/?q=1` } });
    assert.equal(seen.host, `localhost:${upstream.port}`);
    assert.equal(seen.origin, upstream.url);
    assert.equal(seen.referer, `${upstream.url}/desktop/?q=1`);
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, `${local}/desktop/`);
    assert.deepEqual(res.headers['set-cookie'], ['JSESSIONID=1; Path=/; Secure; HttpOnly', 'plain=2']);
    assert.equal(res.headers['access-control-allow-origin'], local);
    assert.equal(res.headers['content-security-policy'], `connect-src 'self' wss://${new URL(rig.url).host}`);
    assert.equal(res.headers['strict-transport-security'], undefined);
  });

  it('takes our origin from the Host the browser used, when it names this listener; another is refused', async () => {
    upstream.handler = (_req, res) => {
      res.writeHead(302, { Location: `${upstream.url}/next`, 'Content-Length': 0 });
      res.end();
    };
    const odd = await rig.request('/x', { servername: 'localhost', headers: { Host: 'bad host/<x>' } });
    assert.equal(odd.res.statusCode, 421);
    const named = await rig.request('/x', {
      servername: 'localhost',
      headers: { Host: `localhost:${new URL(rig.url).port}` },
    });
    assert.equal(named.res.headers.location, `https://localhost:${new URL(rig.url).port}/next`);
  });

  it('sends no body for HEAD, 204 and 304, and forwards trailers', async () => {
    upstream.handler = (req, res) => {
      if (req.url === '/trailer') {
        res.writeHead(200, { 'Transfer-Encoding': 'chunked', Trailer: 'X-Checksum' });
        res.write('data');
        res.addTrailers({ 'X-Checksum': 'abc' });
        return void res.end();
      }
      res.writeHead(req.url === '/none' ? 204 : req.url === '/same' ? 304 : 200, {
        ...(req.method === 'HEAD' ? { 'Content-Length': '10' } : {}),
        ETag: '"e"',
      });
      res.end();
    };
    const head = await rig.request('/h', { method: 'HEAD' });
    assert.equal(head.res.headers['content-length'], '10');
    assert.equal(head.body.length, 0);
    assert.equal((await rig.request('/none')).res.statusCode, 204);
    assert.equal((await rig.request('/same')).res.statusCode, 304);
    const t = await rig.request('/trailer');
    assert.equal(t.body.toString(), 'data');
    assert.deepEqual(t.res.trailers, { 'x-checksum': 'abc' });
  });

  it('does not buffer: a browser that stops reading stalls the server (backpressure end to end)', async () => {
    const chunk = randomBytes(64 * 1024);
    let written = 0;
    const stalled = new Promise<number>((resolve) => {
      upstream.handler = (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        // Writes until the socket pushes back; an unbounded buffer in the proxy would take all 256 MB.
        const pump = () => {
          while (written < 256 * 1024 * 1024) {
            written += chunk.length;
            if (!res.write(chunk)) return void resolve(written);
          }
          res.end();
          resolve(written);
        };
        pump();
        res.once('drain', () => {
          const more = () => {
            while (written < 32 * 1024 * 1024) {
              written += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', more);
            }
            res.end();
          };
          more();
        });
      };
    });
    const response = new Promise<import('node:http').IncomingMessage>((resolve, reject) =>
      https
        .get(new URL('/stream', rig.url), { ca: rig.proxy.certificate!.cert, agent: false }, resolve)
        .on('error', reject),
    );
    const res = await response;
    res.pause();
    const atStall = await stalled;
    assert.ok(atStall < 64 * 1024 * 1024, `the server was held back after ${atStall} bytes`);
    let received = 0;
    res.on('data', (c: Buffer) => (received += c.length));
    res.resume();
    await once(res, 'end');
    assert.equal(received, written);
  });

  it('stops the upstream exchange when the browser goes away mid-response', async () => {
    const upstreamClosed = new Promise<void>((resolve) => {
      upstream.handler = (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('first part');
        res.once('close', () => resolve());
      };
    });
    const req = https.get(new URL('/hang', rig.url), { ca: rig.proxy.certificate!.cert, agent: false }, (res) =>
      res.once('data', () => req.destroy()),
    );
    req.on('error', () => undefined);
    await upstreamClosed;
  });

  it('upgrades WebSockets through the capturing WsProxy with the upstream Host and Origin', async () => {
    const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => (p.has('xmpp') ? 'xmpp' : false) });
    let seen: Record<string, string | string[] | undefined> = {};
    upstream.upgrade = (req, socket, head) => {
      seen = req.headers;
      wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (m, binary) => ws.send(m, { binary })));
    };
    const ws = new WebSocket(rig.url.replace('https', 'wss') + 'ws/', 'xmpp', {
      ca: rig.proxy.certificate!.cert,
      origin: new URL(rig.url).origin,
    });
    await once(ws, 'open');
    assert.equal(ws.protocol, 'xmpp');
    const frames: Frame[] = [];
    const got = new Promise<void>((resolve) =>
      rig.store.on('append', (batch) => {
        frames.push(...batch);
        if (frames.filter((f) => f.kind === 'open').length === 2) resolve();
      }),
    );
    ws.send('<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test" version="1.0"/>');
    const [echo] = await once(ws, 'message');
    assert.match(String(echo), /^<open /);
    await got;
    assert.deepEqual(
      frames.map((f) => [f.dir, f.kind]),
      [
        ['out', 'open'],
        ['in', 'open'],
      ],
    );
    assert.equal(seen.host, `localhost:${upstream.port}`);
    assert.equal(seen.origin, upstream.url);
    const session = rig.store.sessions.get(frames[0].session);
    assert.equal(session?.target, `wss://localhost:${upstream.port}/ws/`);
    ws.close();
    await once(ws, 'close');
    wss.close();
  });

  it('reuses the stored certificate on the next start: the same fingerprint', async () => {
    const again = new ReverseProxy(new FrameStore(), {
      upstream: upstream.url,
      certDir: rig.certDir,
      trust: { caFile: upstream.certFile },
    });
    await again.listen();
    assert.equal(again.certificate!.fingerprint, rig.proxy.certificate!.fingerprint);
    assert.equal(again.certificate!.created, false);
    await again.close();
  });
});

describe('reverse proxy upstream TLS', () => {
  let upstream: Upstream;
  before(async () => {
    upstream = await Upstream.start();
    upstream.handler = (_req, res) => res.end('secret desktop');
  });
  after(() => upstream?.close());

  it('refuses an untrusted upstream certificate: 502 naming its fingerprint, nothing forwarded', async () => {
    let reached = 0;
    upstream.handler = (_req, res) => {
      reached++;
      res.end('secret desktop');
    };
    const rig = await startRig(upstream, { trust: undefined });
    try {
      const error = new Promise<Error>((resolve) => rig.proxy.once('error', resolve));
      const { res, body } = await rig.request('/desktop/');
      assert.equal(res.statusCode, 502);
      assert.match(body.toString(), new RegExp(upstream.fingerprint));
      assert.ok((await error) instanceof UntrustedCertificateError);
      assert.equal(reached, 0);
    } finally {
      await rig.close();
    }
  });

  it('accepts the upstream by pinned fingerprint, and refuses a different pin', async () => {
    upstream.handler = (_req, res) => res.end('secret desktop');
    const pinned = await startRig(upstream, { trust: { fingerprint: upstream.fingerprint } });
    try {
      const { res, body } = await pinned.request('/desktop/');
      assert.equal(res.statusCode, 200);
      assert.equal(body.toString(), 'secret desktop');
    } finally {
      await pinned.close();
    }
    const wrong = await startRig(upstream, { trust: { fingerprint: 'AB'.repeat(32) } });
    try {
      const error = new Promise<Error>((resolve) => wrong.proxy.once('error', resolve));
      const { res, body } = await wrong.request('/desktop/');
      assert.equal(res.statusCode, 502);
      assert.match(body.toString(), /does not match the pinned/);
      assert.ok((await error) instanceof FingerprintMismatchError);
    } finally {
      await wrong.close();
    }
  });
});
