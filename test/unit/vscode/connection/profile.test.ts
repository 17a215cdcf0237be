// Profiles as settings hold them: validated, identified for SecretStorage, and never carrying
// a password into settings.
import assert from 'node:assert/strict';
import {
  checkUrl,
  cleanProfile,
  profileKey,
  resourceWarning,
  secretKey,
  storable,
  trustOf,
} from '../../../../src/vscode/connection/profile';

describe('connection profile', () => {
  it('accepts ws:// and wss:// URLs and says why anything else is refused', () => {
    assert.equal(checkUrl('wss://finesse.example.com:8445/ws/'), undefined);
    assert.equal(checkUrl(' ws://127.0.0.1:5280/ws/ '), undefined);
    assert.match(checkUrl('https://finesse.example.com:8445/')!, /wss:\/\/.*not https:/);
    assert.match(checkUrl('finesse.example.com')!, /WebSocket URL/);
  });

  it('keeps well-formed entries only, trimmed, with teams and trust', () => {
    assert.deepEqual(
      cleanProfile({
        url: ' wss://f:8445/ws/ ',
        domain: ' f ',
        user: ' 1001 ',
        teams: ['1', '', 7, ' 5 '],
        fingerprint: 'AB:CD',
        caFile: '',
      }),
      {
        url: 'wss://f:8445/ws/',
        domain: 'f',
        user: '1001',
        teams: ['1', '5'],
        fingerprint: 'AB:CD',
      },
    );
    for (const bad of [
      null,
      'x',
      42,
      {},
      { url: 'wss://f/ws/', domain: 'f' },
      { url: 'http://f/', domain: 'f', user: 'u' },
      { url: 'wss://f/ws/', domain: ' ', user: 'u' },
    ]) {
      assert.equal(cleanProfile(bad), undefined, JSON.stringify(bad));
    }
  });

  it('drops a password given with the profile (settings never hold one)', () => {
    const fromArgs = { url: 'wss://f:8445/ws/', domain: 'f', user: 'u', password: 'secret-pw' };
    assert.ok(!JSON.stringify(cleanProfile(fromArgs)).includes('secret-pw'));
    assert.ok(!JSON.stringify(storable(fromArgs)).includes('secret-pw'));
    assert.deepEqual(Object.keys(storable({ ...fromArgs, teams: [], fingerprint: 'AA' })).sort(), [
      'domain',
      'fingerprint',
      'url',
      'user',
    ]);
  });

  it('keys the password by user, domain and URL, so two servers keep two passwords', () => {
    const a = { url: 'wss://a:8445/ws/', domain: 'd', user: 'u' };
    const b = { ...a, url: 'wss://b:8445/ws/' };
    assert.notEqual(secretKey(a), secretKey(b));
    const pinned = { ...a, teams: ['1'], fingerprint: 'AA' };
    assert.equal(secretKey(a), secretKey(pinned));
    assert.equal(profileKey(a), 'u@d wss://a:8445/ws/');
  });

  it('turns the trust fields into the session TLS trust, or none', () => {
    assert.equal(trustOf({ url: 'wss://a/ws/', domain: 'd', user: 'u' }), undefined);
    assert.deepEqual(trustOf({ url: 'wss://a/ws/', domain: 'd', user: 'u', fingerprint: 'AA', caFile: '/c.pem' }), {
      fingerprint: 'AA',
      caFile: '/c.pem',
    });
  });

  it('keeps the resource and queues, and warns only for the desktop resource', () => {
    const p = cleanProfile({ url: 'wss://f/ws/', domain: 'f', user: 'u', resource: ' desktop ', queues: ['7', ''] });
    assert.deepEqual(p, { url: 'wss://f/ws/', domain: 'f', user: 'u', resource: 'desktop', queues: ['7'] });
    assert.deepEqual(storable(p!), p);
    assert.match(resourceWarning(p!)!, /signs the Finesse desktop of u@f out of notifications/);
    assert.equal(resourceWarning({ domain: 'f', user: 'u' }), undefined);
    assert.equal(resourceWarning({ domain: 'f', user: 'u', resource: 'finesse-frames' }), undefined);
  });
});
