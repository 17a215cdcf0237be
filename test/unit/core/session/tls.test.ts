import assert from 'node:assert/strict';
import WebSocket from 'ws';
import {
  explainTlsError,
  FingerprintMismatchError,
  isCertificateError,
  normalizeFingerprint,
  probeFingerprint,
  tlsOptions,
  tlsOptionsFor,
  UntrustedCertificateError,
} from '../../../../src/core/session/tls';
import { makeCert, TestCert, WssServer } from '../../../support/wss';

/** Opens a ws client with these options; resolves with the error or 'open'. */
async function attempt(url: string, options: object): Promise<Error | 'open'> {
  const ws = new WebSocket(url, 'xmpp', options as WebSocket.ClientOptions);
  const result = await new Promise<Error | 'open'>((resolve) => {
    ws.once('open', () => resolve('open'));
    ws.once('error', resolve);
  });
  ws.terminate();
  return result;
}

describe('upstream TLS', () => {
  let cert: TestCert;
  let server: WssServer;

  before(async () => {
    cert = await makeCert({ ips: ['127.0.0.1'] });
    server = await WssServer.start(cert);
  });
  after(async () => {
    await server?.close();
    cert?.dispose();
  });

  describe('normalizeFingerprint', () => {
    it('accepts colons, spaces or plain hex in any case', () => {
      const hex = 'ab'.repeat(32);
      const want = Array(32).fill('AB').join(':');
      assert.equal(normalizeFingerprint(hex), want);
      assert.equal(normalizeFingerprint(want.toLowerCase()), want);
      assert.equal(normalizeFingerprint(want.replace(/:/g, ' ')), want);
    });
    it('refuses anything but 64 hex digits (a SHA-1 fingerprint, say)', () => {
      assert.throws(() => normalizeFingerprint('AB:CD'), /64 hex digits; got 4/);
      assert.throws(() => normalizeFingerprint('ab'.repeat(20)), /got 40/);
    });
  });

  describe('options', () => {
    it('always verifies, adding a CA file when given', () => {
      assert.deepEqual(tlsOptions(), { rejectUnauthorized: true });
      const withCa = tlsOptions({ caFile: cert.file });
      assert.equal(withCa.rejectUnauthorized, true);
      assert.equal(withCa.ca?.toString(), cert.cert);
      assert.throws(() => tlsOptions({ caFile: '/nonexistent/ca.pem' }), /ENOENT/);
    });
    it('gives ws:// URLs no TLS options, and refuses a CA or pin for them', () => {
      assert.deepEqual(tlsOptionsFor('ws://127.0.0.1/ws/'), {});
      assert.deepEqual(tlsOptionsFor('wss://127.0.0.1/ws/'), { rejectUnauthorized: true });
      assert.throws(
        () => tlsOptionsFor('ws://127.0.0.1/ws/', { fingerprint: cert.fingerprint }),
        /needs a wss:\/\/ URL/,
      );
    });
  });

  describe('against a server with a self-signed certificate', () => {
    it('refuses it without a CA or pin, and the error explains how to trust it', async () => {
      const before = server.upgrades;
      const err = await attempt(server.url(), tlsOptions());
      assert.ok(err instanceof Error);
      assert.ok(isCertificateError(err), String(err));
      const explained = await explainTlsError(err, server.url());
      assert.ok(explained instanceof UntrustedCertificateError);
      assert.equal(explained.fingerprint, cert.fingerprint);
      assert.match(explained.message, new RegExp(`127\\.0\\.0\\.1:${server.port}.*not trusted.*${cert.fingerprint}`));
      assert.equal(server.upgrades, before, 'no request reached the untrusted server');
    });

    it('connects with the certificate as CA file', async () => {
      assert.equal(await attempt(server.url(), tlsOptions({ caFile: cert.file })), 'open');
    });

    it('refuses a CA-trusted certificate for another host name, with its fingerprint', async () => {
      const err = await attempt(server.url('localhost'), tlsOptions({ caFile: cert.file }));
      assert.ok(err instanceof Error && isCertificateError(err), String(err));
      const explained = await explainTlsError(err, server.url('localhost'));
      assert.ok(explained instanceof UntrustedCertificateError);
      assert.match(explained.reason, /ERR_TLS_CERT_ALTNAME_INVALID/);
      assert.equal(explained.fingerprint, cert.fingerprint);
    });

    it('connects with the right pin, in any spelling', async () => {
      assert.equal(
        await attempt(server.url(), tlsOptions({ fingerprint: cert.fingerprint.replace(/:/g, '').toLowerCase() })),
        'open',
      );
      assert.equal(await attempt(server.url('localhost'), tlsOptions({ fingerprint: cert.fingerprint })), 'open');
    });

    it('accepts the pinned certificate for another host name when the host bypasses createConnection (VS Code proxy agents)', async () => {
      // VS Code's http.proxySupport replaces the agent and so our createConnection; what is
      // left is the CA (the pinned certificate itself) plus the identity check on the pin.
      const { createConnection: _dropped, ...asInVsCode } = tlsOptions({
        caFile: cert.file,
        fingerprint: cert.fingerprint,
      });
      assert.equal(await attempt(server.url('localhost'), asInVsCode), 'open');
      const other = await makeCert({ ips: ['127.0.0.1'] });
      try {
        const { createConnection: _also, ...wrongPin } = tlsOptions({
          caFile: cert.file,
          fingerprint: other.fingerprint,
        });
        assert.ok((await attempt(server.url('localhost'), wrongPin)) instanceof FingerprintMismatchError);
      } finally {
        other.dispose();
      }
    });

    it('refuses a wrong pin before any request is sent', async () => {
      const before = server.upgrades;
      const wrong = 'AB'.repeat(32);
      const err = await attempt(server.url(), tlsOptions({ fingerprint: wrong }));
      assert.ok(err instanceof FingerprintMismatchError, String(err));
      assert.equal(err.actual, cert.fingerprint);
      assert.equal(err.expected, normalizeFingerprint(wrong));
      assert.equal(await explainTlsError(err, server.url()), err, 'already says which fingerprint it saw');
      assert.equal(server.upgrades, before);
    });

    it('probes the fingerprint with a handshake only', async () => {
      const before = server.upgrades;
      assert.equal(await probeFingerprint('127.0.0.1', server.port), cert.fingerprint);
      assert.equal(server.upgrades, before);
    });
  });

  it('leaves errors that are not about certificates unchanged', async () => {
    const err = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    assert.equal(isCertificateError(err), false);
    assert.equal(await explainTlsError(err, 'wss://127.0.0.1:1/ws/'), err);
  });
});
