import assert from 'node:assert/strict';
import {
  formatProxiedResponse,
  MakeRequestError,
  readProxiedRequest,
  toRestRequest,
} from '../../../../src/core/gadgets/makeRequest';

const CRUFT = "throw 1; < don't be evil' >";
const enc = (o: Record<string, string>) =>
  Object.entries(o)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

describe('makeRequest wire format', () => {
  it('reads the fields Shindig io.js sends, headers decoded from their own form encoding', () => {
    const p = readProxiedRequest(
      new URLSearchParams({
        url: 'http://127.0.0.1:8082/finesse/api/User/1001?nocache=5',
        httpMethod: 'put',
        headers: enc({ Authorization: 'Basic YTpi', requestId: 'a b&c=d', 'Accept-Encoding': 'gzip', Host: 'x' }),
        postData: '<User/>',
        getFullHeaders: 'true',
        contentType: 'DOM',
      }),
    );
    assert.equal(p.method, 'PUT');
    assert.deepEqual(p.headers, { Authorization: 'Basic YTpi', requestId: 'a b&c=d' });
    assert.equal(p.body, '<User/>');
    assert.equal(p.getFullHeaders, true);
    assert.equal(p.contentType, 'DOM');
    assert.deepEqual(toRestRequest(p), { method: 'PUT', url: p.url, headers: p.headers, body: '<User/>' });
  });

  it('sends a body for POST and PUT only, and gives POST a form content type by default', () => {
    const get = readProxiedRequest(new URLSearchParams({ url: 'http://h/x', postData: 'ignored' }));
    assert.equal(get.method, 'GET');
    assert.equal(get.body, undefined);
    const del = readProxiedRequest(
      new URLSearchParams({ url: 'http://h/x', httpMethod: 'DELETE', postData: 'ignored' }),
    );
    assert.equal(del.body, undefined);
    const post = readProxiedRequest(new URLSearchParams({ url: 'http://h/x', httpMethod: 'POST', postData: 'a=1' }));
    assert.equal(post.body, 'a=1');
    assert.equal(post.headers['Content-Type'], 'application/x-www-form-urlencoded');
  });

  it('refuses what Shindig refuses: no url, a url that is not http(s), a malformed header pair', () => {
    assert.throws(() => readProxiedRequest(new URLSearchParams({})), MakeRequestError);
    assert.throws(() => readProxiedRequest(new URLSearchParams({ url: 'not a url' })), /Invalid url parameter/);
    assert.throws(
      () => readProxiedRequest(new URLSearchParams({ url: 'javascript:alert(1)' })),
      /Invalid url parameter/,
    );
    assert.throws(
      () => readProxiedRequest(new URLSearchParams({ url: 'http://h/', headers: 'a=b=c' })),
      /Malformed header param specified:a=b=c/,
    );
    assert.throws(
      () => readProxiedRequest(new URLSearchParams({ url: 'http://h/', httpMethod: 'GE T' })),
      /Invalid httpMethod/,
    );
  });

  it('answers with the prefix and the URL as sent as the key; headers lower-cased, all of them only with getFullHeaders', () => {
    const url = 'http://127.0.0.1:8082/finesse/api/User/1001?x=1&y=%20';
    const res = { status: 202, body: '', headers: { 'Content-Length': '0', Location: '/x', 'Set-Cookie': 'a=b' } };
    const full = formatProxiedResponse(readProxiedRequest(new URLSearchParams({ url, getFullHeaders: 'true' })), res);
    assert.ok(full.startsWith(CRUFT));
    assert.deepEqual(JSON.parse(full.slice(CRUFT.length)), {
      [url]: { rc: 202, body: '', headers: { 'content-length': ['0'], location: ['/x'], 'set-cookie': ['a=b'] } },
    });
    const some = formatProxiedResponse(readProxiedRequest(new URLSearchParams({ url })), res);
    assert.deepEqual(JSON.parse(some.slice(CRUFT.length)), {
      [url]: { rc: 202, body: '', headers: { location: ['/x'], 'set-cookie': ['a=b'] } },
    });
    const none = formatProxiedResponse(readProxiedRequest(new URLSearchParams({ url })), {
      status: 200,
      body: '<x/>',
      headers: {},
    });
    assert.deepEqual(JSON.parse(none.slice(CRUFT.length)), { [url]: { rc: 200, body: '<x/>' } });
  });
});
