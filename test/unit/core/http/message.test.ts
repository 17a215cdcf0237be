// The text form of a captured HTTP message: written with credentials redacted, read back whole.
import assert from 'node:assert/strict';
import {
  formatRequest,
  formatResponse,
  parseHttpMessage,
  redactedHeaders,
  redactHeader,
} from '../../../../src/core/http/message';
import { bodyText } from '../../../../src/core/proxy/reverse/httpCapture';

describe('http message', () => {
  it('round-trips a request and a response', () => {
    const req = formatRequest(
      'PUT',
      '/finesse/api/User/a1?x=1',
      [
        ['requestId', 'r1'],
        ['Content-Type', 'application/xml'],
      ],
      '<User>\n\n<state>READY</state></User>',
    );
    assert.deepEqual(parseHttpMessage(req), {
      method: 'PUT',
      target: '/finesse/api/User/a1?x=1',
      headers: [
        ['requestId', 'r1'],
        ['Content-Type', 'application/xml'],
      ],
      body: '<User>\n\n<state>READY</state></User>',
    });
    const res = formatResponse(400, 'Bad Request', [['X', 'a: b']], '<ApiErrors/>');
    assert.deepEqual(parseHttpMessage(res), {
      status: 400,
      statusText: 'Bad Request',
      headers: [['X', 'a: b']],
      body: '<ApiErrors/>',
    });
    assert.equal(parseHttpMessage('<presence/>'), undefined);
  });

  it('never keeps credentials: Authorization keeps its scheme, cookies their names', () => {
    assert.deepEqual(
      redactedHeaders(['Authorization', 'Basic YWdlbnQxOnB3', 'authorization', 'token', 'Accept', '*/*']),
      [
        ['Authorization', 'Basic [redacted]'],
        ['authorization', '[redacted]'],
        ['Accept', '*/*'],
      ],
    );
    assert.equal(redactHeader('Proxy-Authorization', 'Bearer abc.def'), 'Bearer [redacted]');
    assert.equal(redactHeader('Cookie', 'a=1; JSESSIONID=xyz'), 'a=[redacted]; JSESSIONID=[redacted]');
    assert.equal(redactHeader('Set-Cookie', 'JSESSIONID=xyz; HttpOnly'), 'JSESSIONID=[redacted]; HttpOnly');
  });

  it('shows binary bodies by size and says when a body was cut', () => {
    assert.equal(bodyText(Buffer.from([0xff, 0xfe, 0x00]), 3), '[3 bytes binary]');
    assert.equal(bodyText(Buffer.from('abc'), 10, 3), 'abc\n[… 7 more bytes not captured]');
    assert.equal(bodyText(Buffer.alloc(0), 0), '');
  });
});
