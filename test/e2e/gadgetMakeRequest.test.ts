// gadgets.io.makeRequest's wire format at /gadgets/makeRequest, against the local Finesse's real
// REST API: the request as Shindig's io.js sends it (a GET with the fields in the query, a
// form-encoded POST otherwise, headers form-encoded inside), handed to a RestForwarder, answered
// with Shindig's prefix and `{url: {rc, body, headers}}`; a URL off the REST host is refused and
// reported, never fetched.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FinesseSimulator } from '../../src/core/simulator/simulator';
import type { GadgetProblem } from '../../src/core/gadgets/problem';
import type { RestForwarder, RestRequest } from '../../src/core/gadgets/restForwarder';

const CRUFT = "throw 1; < don't be evil' >";
const AUTH = `Basic ${Buffer.from('agent1:agent1').toString('base64')}`;

/** Shindig's gadgets.io.encodeValues. */
function encodeValues(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

function answerOf(text: string): Record<string, { rc: number; body: string; headers?: Record<string, string[]> }> {
  assert.ok(text.startsWith(CRUFT), `the answer starts with Shindig's prefix: ${text.slice(0, 60)}`);
  return JSON.parse(text.slice(CRUFT.length)) as ReturnType<typeof answerOf>;
}

describe('gadgets makeRequest on the local Finesse', function () {
  let sim: FinesseSimulator;
  let origin: string;
  let dir: string;
  const forwarded: RestRequest[] = [];
  const problems: GadgetProblem[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'finesse-makerequest-'));
    // Forwards over loopback to the simulator's own REST API, as the desktop's local forwarder does.
    const rest: RestForwarder = async (req) => {
      forwarded.push(req);
      const res = await fetch(new URL(req.url.pathname + req.url.search, origin), {
        method: req.method,
        headers: req.headers,
        body: req.body,
      });
      return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
    };
    sim = new FinesseSimulator({
      serve: dir,
      scenario: { name: 'idle', start: 'immediately', steps: [] },
      gadgets: { rest, onProblem: (p) => problems.push(p) },
    });
    origin = new URL((await sim.listen()).replace(/^ws/, 'http')).origin;
  });
  after(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    forwarded.length = 0;
    problems.length = 0;
  });

  it('answers a GET with the fields in the query, keyed by the URL as sent, only set-cookie/location headers', async () => {
    const url = `${origin}/finesse/api/User/agent1?nocache=1`;
    const fields = {
      url,
      httpMethod: 'GET',
      headers: encodeValues({ Authorization: AUTH }),
      postData: '',
      contentType: 'TEXT',
      getFullHeaders: false,
      refresh: 0,
    };
    const res = await fetch(`${origin}/gadgets/makeRequest?${encodeValues(fields)}`);
    assert.equal(res.status, 200);
    const answer = answerOf(await res.text());
    assert.deepEqual(Object.keys(answer), [url]);
    assert.equal(answer[url].rc, 200);
    assert.match(answer[url].body, /^<User>[\s\S]*<loginId>agent1<\/loginId>/);
    assert.equal(answer[url].headers, undefined);
    assert.equal(forwarded.length, 1);
    assert.equal(forwarded[0].method, 'GET');
    assert.equal(forwarded[0].url.href, url);
    assert.equal(forwarded[0].headers.Authorization, AUTH);
    assert.equal(forwarded[0].body, undefined);
  });

  it('sends a PUT as a form-encoded POST with its XML body and requestId; getFullHeaders gives every header', async () => {
    const url = `${origin}/finesse/api/User/agent1`;
    const body = '<User><state>LOGIN</state><extension>1001</extension></User>';
    const headers = encodeValues({
      Authorization: AUTH,
      'Content-Type': 'application/xml',
      requestId: 'req-42',
      Host: 'evil.invalid',
    });
    const res = await fetch(`${origin}/gadgets/makeRequest`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: encodeValues({
        url,
        httpMethod: 'PUT',
        headers,
        postData: body,
        contentType: 'TEXT',
        getFullHeaders: true,
      }),
    });
    assert.equal(res.status, 200);
    const entry = answerOf(await res.text())[url];
    assert.equal(entry.rc, 202);
    assert.equal(entry.body, '');
    assert.ok(
      entry.headers && Object.keys(entry.headers).every((k) => k === k.toLowerCase()),
      'header names lower-cased',
    );
    assert.ok(
      Object.values(entry.headers).length > 0 && Object.values(entry.headers).every((v) => Array.isArray(v)),
      'values as arrays',
    );
    assert.deepEqual(forwarded[0].headers, {
      Authorization: AUTH,
      'Content-Type': 'application/xml',
      requestId: 'req-42',
    });
    assert.equal(forwarded[0].method, 'PUT');
    assert.equal(forwarded[0].body, body);
    assert.equal(sim.desk.stateOf('agent1'), 'NOT_READY');
  });

  it('passes the REST answer of a bad request through as rc, not as a proxy error', async () => {
    const url = `${origin}/finesse/api/User/agent1`;
    const res = await fetch(`${origin}/gadgets/makeRequest`, {
      method: 'POST',
      body: new URLSearchParams({
        url,
        httpMethod: 'PUT',
        headers: encodeValues({ Authorization: AUTH, 'Content-Type': 'application/xml' }),
        postData: '<User><state>NONSENSE</state></User>',
      }),
    });
    assert.equal(res.status, 200);
    const entry = answerOf(await res.text())[url];
    assert.equal(entry.rc, 400);
    assert.match(entry.body, /<ApiErrors>/);
  });

  it('refuses a URL off the Finesse REST host without fetching it, and reports it', async () => {
    const url = 'http://example.invalid/steal?x=1';
    const res = await fetch(`${origin}/gadgets/makeRequest`, {
      method: 'POST',
      body: new URLSearchParams({ url, httpMethod: 'GET', gadget: '/3rdpartygadget/files/A/A.xml' }),
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /example\.invalid is not the Finesse REST host .*never to the internet/);
    assert.equal(forwarded.length, 0);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].kind, 'request');
    assert.equal(problems[0].url, url);
    assert.equal(problems[0].spec, '/3rdpartygadget/files/A/A.xml');
  });

  it('refuses a missing or malformed url and malformed headers', async () => {
    const post = (fields: Record<string, string>) =>
      fetch(`${origin}/gadgets/makeRequest`, { method: 'POST', body: new URLSearchParams(fields) });
    const missing = await post({ httpMethod: 'GET' });
    assert.equal(missing.status, 400);
    assert.match(await missing.text(), /url parameter is missing/);
    const file = await post({ url: 'file:///etc/passwd' });
    assert.equal(file.status, 400);
    const headers = await post({ url: `${origin}/finesse/api/SystemInfo`, headers: 'a=b=c' });
    assert.equal(headers.status, 400);
    assert.match(await headers.text(), /Malformed header param/);
    assert.equal(forwarded.length, 0);
  });

  it('refuses a state change sent in a GET query (what a cross-site <img> could send)', async () => {
    const url = `${origin}/finesse/api/User/agent1`;
    const fields = {
      url,
      httpMethod: 'PUT',
      headers: encodeValues({ Authorization: AUTH }),
      postData: '<User><state>LOGOUT</state></User>',
    };
    const res = await fetch(`${origin}/gadgets/makeRequest?${encodeValues(fields)}`);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /httpMethod PUT must be sent as a POST/);
    assert.equal(forwarded.length, 0);
  });
});
