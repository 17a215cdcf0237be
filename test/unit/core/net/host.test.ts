// The Host a local listener answers to (DNS rebinding): its own names and loopback, nothing else.
import assert from 'node:assert/strict';
import { checkHost, listenerNames } from '../../../../src/core/net/host';

describe('net/host', () => {
  it('knows the names of a wildcard listener: loopback and every local address', () => {
    const names = listenerNames('0.0.0.0');
    assert.ok(names.has('127.0.0.1') && names.has('::1') && names.has('localhost'));
    assert.ok(!names.has('0.0.0.0'));
    assert.deepEqual([...listenerNames('devbox.lan')].sort(), ['127.0.0.1', '::1', 'devbox.lan', 'localhost']);
  });

  it('answers its own names and loopback, with or without a port', () => {
    const names = listenerNames('127.0.0.1');
    for (const host of ['127.0.0.1:8445', 'localhost:1', '[::1]:8445', 'LOCALHOST', '127.0.0.2', 'app.localhost:3000'])
      assert.equal(checkHost(host, names), undefined, host);
    assert.equal(checkHost('devbox.lan:1', listenerNames('devbox.lan')), undefined);
  });

  it('refuses a rebound name, another address and a missing Host with 421 and a reason', () => {
    const names = listenerNames('127.0.0.1');
    assert.deepEqual(checkHost('attacker.example:8445', names), {
      status: 421,
      reason: 'Host "attacker.example:8445" is not this listener (use localhost or 127.0.0.1)',
    });
    assert.equal(checkHost('192.0.2.7', names)?.status, 421);
    assert.equal(checkHost('localhost.attacker.example', names)?.status, 421);
    assert.equal(checkHost(undefined, names)?.reason, 'a request without Host is not for this listener');
  });
});
