import assert from 'node:assert/strict';
import {
  AuthError,
  ConnectionLostError,
  IqError,
  isFatal,
  ProtocolError,
  StreamError,
  TimeoutError,
} from '../../../../src/core/session/errors';
import { FingerprintMismatchError, UntrustedCertificateError } from '../../../../src/core/session/tls';

describe('session errors', () => {
  it('say what happened in one line', () => {
    assert.equal(
      new AuthError('agent1@finesse.test', 'not-authorized', 'bad').message,
      'authentication failed for agent1@finesse.test: not-authorized',
    );
    assert.equal(
      new StreamError('system-shutdown', 'Received SIGTERM').message,
      'stream error: system-shutdown (Received SIGTERM)',
    );
    assert.equal(new IqError('item-not-found').message, 'item-not-found');
    assert.equal(new ConnectionLostError(1006, '').message, 'connection closed (1006)');
    assert.equal(
      new ConnectionLostError(1006, '', new Error('read ECONNRESET')).message,
      'connection lost: read ECONNRESET',
    );
  });

  it('retry what may heal, never credentials, certificates or a server that cannot do the job', () => {
    const fatal = [
      new AuthError('a@b', 'not-authorized'),
      new ProtocolError('no PLAIN'),
      new UntrustedCertificateError('h:1', 'DEPTH_ZERO_SELF_SIGNED_CERT', undefined),
      new FingerprintMismatchError('AA', 'BB'),
      new StreamError('conflict'),
      new StreamError('not-authorized'),
      new ConnectionLostError(1000, '', new StreamError('conflict')),
    ];
    const transient = [
      new StreamError('system-shutdown'),
      new ConnectionLostError(1006, ''),
      new TimeoutError('no answer'),
      new Error('connect ECONNREFUSED'),
      new IqError('item-not-found'),
    ];
    for (const e of fatal) assert.equal(isFatal(e), true, e.message);
    for (const e of transient) assert.equal(isFatal(e), false, e.message);
  });
});
