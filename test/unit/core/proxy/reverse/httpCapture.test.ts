// REST capture in reverse mode, between a real HTTPS client and a real HTTPS upstream: calls
// under /finesse/api/ become a request frame and a response frame of kind http (credentials
// redacted), other paths are only counted unless asked for.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { gzipSync } from 'node:zlib';
import type { Frame } from '../../../../../src/core/capture/frame';
import { frameView } from '../../../../../src/core/capture/frameView';
import { frameToJson } from '../../../../../src/core/capture/jsonLines';
import { Correlator } from '../../../../../src/core/finesse/correlation';
import { headerValue } from '../../../../../src/core/http/message';
import { Rig, startRig, Upstream } from './upstream';

/** Waits until the store holds `n` frames of kind http after id `after` (appends are batched per macrotask). */
async function httpFrames(rig: Rig, n: number, after = 0): Promise<Frame[]> {
  for (;;) {
    const frames = [...rig.store].filter((f) => f.kind === 'http' && f.id > after);
    if (frames.length >= n) return frames;
    await once(rig.store, 'append');
  }
}

describe('reverse proxy REST capture', () => {
  let upstream: Upstream;
  before(async () => (upstream = await Upstream.start()));
  after(async () => upstream?.close());

  describe('default (/finesse/api/ only)', () => {
    let rig: Rig;
    before(async () => (rig = await startRig(upstream)));
    after(async () => rig?.close());

    it('records a PUT as a request and a response frame, Authorization and cookies redacted', async () => {
      let seen = '';
      upstream.handler = (req, res) => {
        req.setEncoding('utf8');
        req.on('data', (c: string) => (seen += c));
        req.on('end', () => {
          res.writeHead(202, 'Accepted', ['Set-Cookie', 'JSESSIONID=abc123; Path=/; Secure', 'Content-Length', '0']);
          res.end();
        });
      };
      const body = '<User><state>READY</state></User>';
      const auth = `Basic ${Buffer.from('agent1:secret-pw').toString('base64')}`;
      const { res } = await rig.request(
        '/finesse/api/User/agent1',
        {
          method: 'PUT',
          headers: {
            Authorization: auth,
            requestId: 'req-1',
            Cookie: 'JSESSIONID=abc123; lang=en',
            'Content-Type': 'application/xml',
          },
        },
        body,
      );
      assert.equal(res.statusCode, 202);
      assert.equal(seen, body, 'the body reached the server unchanged');
      const [request, response] = await httpFrames(rig, 2);
      assert.equal(request.dir, 'out');
      assert.equal(response.dir, 'in');
      assert.equal(response.answers, request.id);
      assert.ok(response.t >= request.t);
      const all = request.raw + response.raw;
      assert.ok(!all.includes(Buffer.from('agent1:secret-pw').toString('base64')), 'no Basic credentials');
      assert.ok(!all.includes('abc123'), 'no cookie value');
      const req = frameView(request).http!;
      assert.equal(req.method, 'PUT');
      assert.equal(req.target, '/finesse/api/User/agent1');
      assert.equal(headerValue(req.headers, 'authorization'), 'Basic [redacted]');
      assert.equal(headerValue(req.headers, 'cookie'), 'JSESSIONID=[redacted]; lang=[redacted]');
      assert.equal(headerValue(req.headers, 'requestid'), 'req-1');
      assert.equal(req.body, body);
      const resp = frameView(response).http!;
      assert.equal(resp.status, 202);
      assert.equal(resp.statusText, 'Accepted');
      assert.equal(headerValue(resp.headers, 'set-cookie'), 'JSESSIONID=[redacted]; Path=/; Secure');
      const correlation = new Correlator();
      correlation.observe([request, response]);
      assert.deepEqual(frameToJson(request, { correlation }).http, {
        method: 'PUT',
        path: '/finesse/api/User/agent1',
        requestId: 'req-1',
      });
      assert.deepEqual(frameToJson(response, { correlation }).http, {
        method: 'PUT',
        path: '/finesse/api/User/agent1',
        status: 202,
        requestId: 'req-1',
      });
    });

    it('keeps a gzip response readable in the capture while the browser gets the gzip bytes', async () => {
      const xml = '<SystemInfo><status>IN_SERVICE</status></SystemInfo>';
      const zipped = gzipSync(xml);
      upstream.handler = (_req, res) => {
        res.writeHead(200, {
          'Content-Encoding': 'gzip',
          'Content-Type': 'application/xml',
          'Content-Length': zipped.length,
        });
        res.end(zipped);
      };
      const before = rig.store.lastId;
      const { body } = await rig.request('/finesse/api/SystemInfo');
      assert.deepEqual(body, zipped);
      const frames = await httpFrames(rig, 2, before);
      assert.equal(frameView(frames[1]).http!.body, xml);
    });

    it('counts requests outside /finesse/api/ without recording them', async () => {
      upstream.handler = (_req, res) => res.end('<html></html>');
      const before = { ...rig.proxy.httpCounts };
      const frames = rig.store.size;
      await rig.request('/desktop/index.html');
      await rig.request('/3rdpartygadget/files/x.js');
      assert.equal(rig.proxy.httpCounts.skipped, before.skipped + 2);
      assert.equal(rig.proxy.httpCounts.captured, before.captured);
      await new Promise((r) => setImmediate(r));
      assert.equal(rig.store.size, frames);
    });

    it('records a request whose upstream fails as answered by a 502 note', async () => {
      upstream.handler = (req) => req.socket.destroy();
      const before = rig.store.lastId;
      await rig.request('/finesse/api/Team/1').catch(() => undefined);
      const frames = await httpFrames(rig, 2, before);
      const response = frames.find((f) => f.dir === 'in')!;
      assert.equal(frameView(response).http!.status, 502);
      assert.equal(response.answers, frames.find((f) => f.dir === 'out')!.id);
    });
  });

  it('records every path with captureHttp all, and none with none', async () => {
    upstream.handler = (_req, res) => res.end('x');
    const all = await startRig(upstream, { captureHttp: 'all' });
    try {
      await all.request('/desktop/index.html');
      const frames = await httpFrames(all, 2);
      assert.equal(frameView(frames[0]).http!.target, '/desktop/index.html');
    } finally {
      await all.close();
    }
    const none = await startRig(upstream, { captureHttp: 'none' });
    try {
      await none.request('/finesse/api/SystemInfo');
      await new Promise((r) => setImmediate(r));
      assert.equal(none.store.size, 0);
      assert.equal(none.proxy.httpCounts.skipped, 1);
    } finally {
      await none.close();
    }
  });
});
