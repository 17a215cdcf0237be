// Which browser pages may open a WebSocket to a listener of ours: the pure decision.
import assert from 'node:assert/strict';
import { checkOrigin, hostName, isLoopbackHost, isWildcardHost } from '../../../../src/core/net/origin';

describe('checkOrigin', () => {
  it('allows clients without Origin (not a browser)', () => {
    assert.deepEqual(checkOrigin(undefined, '127.0.0.1:9000'), { ok: true });
    assert.deepEqual(checkOrigin('', '127.0.0.1:9000'), { ok: true });
  });

  it('allows pages served from this machine (loopback origins), whatever the port', () => {
    for (const o of [
      'http://localhost:3000',
      'https://127.0.0.1:8445',
      'http://127.8.9.10',
      'http://[::1]:5173',
      'http://app.localhost:1',
    ]) {
      assert.deepEqual(checkOrigin(o, '127.0.0.1:9000'), { ok: true }, o);
    }
  });

  it('refuses a cross-site page with a one-line reason naming the way to allow it', () => {
    const v = checkOrigin('https://evil.example', '127.0.0.1:9000');
    assert.equal(v.ok, false);
    assert.match(
      (v as { reason: string }).reason,
      /^cross-site Origin "https:\/\/evil\.example" refused; allow it with --allow-origin ORIGIN or the setting finesse\.security\.allowedOrigins$/,
    );
  });

  it('refuses the opaque origin "null" (sandboxed frames, file: pages) and garbage', () => {
    assert.equal(checkOrigin('null', '127.0.0.1:9000').ok, false);
    assert.equal(checkOrigin('not a url', '127.0.0.1:9000').ok, false);
  });

  it('allows an origin the user listed (normalised), or every origin with *', () => {
    assert.equal(
      checkOrigin('https://finesse.example.com:8445', 'h', { allowed: ['https://FINESSE.example.com:8445/'] }).ok,
      true,
    );
    assert.equal(
      checkOrigin('https://finesse.example.com:8446', 'h', { allowed: ['https://finesse.example.com:8445'] }).ok,
      false,
    );
    assert.equal(checkOrigin('https://any.example', 'h', { allowed: ['*'] }).ok, true);
    assert.equal(checkOrigin('null', 'h', { allowed: ['null'] }).ok, true);
  });

  it('allows same-origin pages when the Host cannot be rebound (IP, localhost, the listen host)', () => {
    assert.equal(checkOrigin('http://192.168.1.5:9000', '192.168.1.5:9000').ok, true);
    assert.equal(checkOrigin('https://devbox.lan:9000', 'devbox.lan:9000', { listenHost: 'devbox.lan' }).ok, true);
    // DNS rebinding: the attacker's name resolves to 127.0.0.1, its page looks same-origin.
    assert.equal(
      checkOrigin('http://rebind.evil.example:9000', 'rebind.evil.example:9000', { listenHost: '127.0.0.1' }).ok,
      false,
    );
    // Same host, other port: another site.
    assert.equal(checkOrigin('http://192.168.1.5:9001', '192.168.1.5:9000').ok, false);
  });
});

describe('host helpers', () => {
  it('knows loopback and wildcard addresses', () => {
    assert.equal(isLoopbackHost('LOCALHOST'), true);
    assert.equal(isLoopbackHost('[::1]'), true);
    assert.equal(isLoopbackHost('::ffff:127.0.0.1'), true);
    assert.equal(isLoopbackHost('128.0.0.1'), false);
    assert.equal(isLoopbackHost('localhost.evil.example'), false);
    assert.equal(isWildcardHost('0.0.0.0'), true);
    assert.equal(isWildcardHost('[::]'), true);
    assert.equal(isWildcardHost('127.0.0.1'), false);
  });

  it('takes the name out of a Host header', () => {
    assert.equal(hostName('[::1]:8445'), '::1');
    assert.equal(hostName('LocalHost:1'), 'localhost');
    assert.equal(hostName('127.0.0.1'), '127.0.0.1');
  });
});
