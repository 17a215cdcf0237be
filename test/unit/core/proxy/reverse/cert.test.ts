import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CERT_FILE,
  generateCertificate,
  KEY_FILE,
  listenerCertificate,
} from '../../../../../src/core/proxy/reverse/cert';

describe('reverse proxy certificate', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'cert-test-')), 'store');
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('generates a verifiable self-signed server certificate for the loopback names', () => {
    const { cert } = generateCertificate(['localhost', '127.0.0.1', '::1', 'proxy.lan']);
    const x = new X509Certificate(cert);
    assert.ok(x.verify(x.publicKey), 'self-signed signature verifies');
    assert.equal(x.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:proxy.lan');
    assert.equal(x.ca, false);
    assert.equal(x.keyUsage?.includes('1.3.6.1.5.5.7.3.1'), true, 'serverAuth');
    const days = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / 86400_000;
    assert.ok(days <= 398, `browsers refuse leaves valid for more than 398 days (${days})`);
  });

  it('serves TLS that a client trusting only that certificate accepts, by name and by IP', async () => {
    const c = listenerCertificate(dir);
    const server = https.createServer({ key: c.key, cert: c.cert }, (_q, s) => s.end('ok')).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    try {
      for (const servername of ['localhost', undefined]) {
        const body = await new Promise<string>((resolve, reject) =>
          https
            .get({ host: '127.0.0.1', port, ca: c.cert, servername, agent: false }, (r) => {
              let t = '';
              r.on('data', (d) => (t += d)).on('end', () => resolve(t));
            })
            .on('error', reject),
        );
        assert.equal(body, 'ok');
      }
    } finally {
      server.close();
    }
  });

  it('is stored once and reused: same fingerprint on the next start, key private, dir git-ignored', () => {
    const first = listenerCertificate(dir);
    assert.equal(first.created, true);
    const again = listenerCertificate(dir);
    assert.equal(again.created, false);
    assert.equal(again.fingerprint, first.fingerprint);
    assert.match(first.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(statSync(join(dir, KEY_FILE)).mode & 0o077, 0);
    assert.equal(readFileSync(join(dir, '.gitignore'), 'utf8'), '*\n');
    const spki = new X509Certificate(first.cert).publicKey.export({ type: 'spki', format: 'der' });
    assert.equal(first.spkiSha256, createHash('sha256').update(spki).digest('base64'));
  });

  it('makes a new one when a requested host is not covered or the stored one expired', () => {
    const first = listenerCertificate(dir);
    const wider = listenerCertificate(dir, ['proxy.lan']);
    assert.equal(wider.created, true);
    assert.notEqual(wider.fingerprint, first.fingerprint);
    assert.equal(listenerCertificate(dir, ['proxy.lan']).created, false);

    const old = generateCertificate(['localhost', '127.0.0.1', '::1'], new Date(Date.now() - 400 * 86400_000));
    writeFileSync(join(dir, CERT_FILE), old.cert);
    writeFileSync(join(dir, KEY_FILE), old.key);
    assert.equal(listenerCertificate(dir).created, true);
  });

  it('names the file when the stored pair is unreadable or mismatched, instead of replacing it', () => {
    listenerCertificate(dir);
    const other = generateCertificate(['localhost']);
    writeFileSync(join(dir, KEY_FILE), other.key);
    assert.throws(() => listenerCertificate(dir), /reverse-proxy\.key is not the key of .*reverse-proxy\.crt/);
    writeFileSync(join(dir, CERT_FILE), 'not a certificate');
    assert.throws(() => listenerCertificate(dir), /reverse-proxy\.crt is not a PEM certificate/);
  });
});
