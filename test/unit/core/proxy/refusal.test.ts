import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { looksLikeUpgrade, refuseUpgrade } from '../../../../src/core/proxy/refusal';
import { UpstreamRefusedError } from '../../../../src/core/proxy/upstream';

function answer(err: Error): string {
  const socket = new PassThrough();
  refuseUpgrade(socket, err);
  return (socket.read() as Buffer).toString('latin1');
}

describe('refusal', () => {
  it("relays the server's own refusal: status, headers, body", () => {
    const text = answer(
      new UpstreamRefusedError(
        'ws://h/ws',
        501,
        'Not Implemented',
        { 'content-type': 'text/html', 'set-cookie': ['a=1', 'b=2'], 'content-length': '5', connection: 'keep-alive' },
        Buffer.from('<p>no</p>'),
      ),
    );
    assert.equal(
      text,
      'HTTP/1.1 501 Not Implemented\r\ncontent-type: text/html\r\nset-cookie: a=1\r\nset-cookie: b=2\r\ncontent-length: 9\r\nconnection: close\r\n\r\n<p>no</p>',
    );
  });

  it('answers 502 naming the error when no server answered', () => {
    const text = answer(new Error('connect ECONNREFUSED 127.0.0.1:1'));
    assert.match(text, /^HTTP\/1\.1 502 Bad Gateway\r\n/);
    assert.match(text, /upstream failed: connect ECONNREFUSED 127\.0\.0\.1:1\n$/);
  });

  it('keeps header injection out of the status line and headers', () => {
    const text = answer(
      new UpstreamRefusedError('ws://h', 400, 'Bad\r\nX-Evil: 1', { 'x-a': 'b\r\nX-Evil: 2' }, Buffer.alloc(0)),
    );
    assert.doesNotMatch(text, /\r\nX-Evil/);
  });

  it('recognises a WebSocket upgrade request', () => {
    const req = (headers: Record<string, string>, method = 'GET') =>
      ({ method, headers }) as unknown as IncomingMessage;
    const good = {
      upgrade: 'websocket',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'sec-websocket-version': '13',
    };
    assert.equal(looksLikeUpgrade(req(good)), true);
    assert.equal(looksLikeUpgrade(req({ ...good, upgrade: 'WebSocket' })), true);
    assert.equal(looksLikeUpgrade(req(good, 'POST')), false);
    assert.equal(looksLikeUpgrade(req({ ...good, 'sec-websocket-key': 'short' })), false);
    assert.equal(looksLikeUpgrade(req({ ...good, 'sec-websocket-version': '12' })), false);
  });
});
