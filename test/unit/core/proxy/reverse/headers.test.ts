import assert from 'node:assert/strict';
import {
  downstreamResponseHeaders,
  rewriteCookieDomain,
  rewriteCsp,
  rewriteUpgradeHeaders,
  upstreamRequestHeaders,
} from '../../../../../src/core/proxy/reverse/headers';

const origins = { upstream: 'https://finesse.example.com:8445', local: 'https://127.0.0.1:9443' };

describe('reverse proxy headers', () => {
  describe('towards the server', () => {
    it('rewrites Host, our Origin and Referer; keeps order, case, repeats and foreign values', () => {
      const out = upstreamRequestHeaders(
        [
          'Host',
          '127.0.0.1:9443',
          'User-Agent',
          'Chromium',
          'Origin',
          'https://127.0.0.1:9443',
          'Referer',
          'https://127.0.0.1:9443/desktop/?a=%2F&b=1#x',
          'X-Thing',
          'one',
          'x-thing',
          'two',
          'Transfer-Encoding',
          'chunked',
        ],
        origins,
      );
      assert.deepEqual(out, [
        'Host',
        'finesse.example.com:8445',
        'User-Agent',
        'Chromium',
        'Origin',
        'https://finesse.example.com:8445',
        'Referer',
        'https://finesse.example.com:8445/desktop/?a=%2F&b=1#x',
        'X-Thing',
        'one',
        'x-thing',
        'two',
        'Transfer-Encoding',
        'chunked',
      ]);
      const foreign = upstreamRequestHeaders(
        ['Origin', 'https://gadgets.example.org', 'Referer', 'https://gadgets.example.org/x'],
        origins,
      );
      assert.deepEqual(foreign, ['Origin', 'https://gadgets.example.org', 'Referer', 'https://gadgets.example.org/x']);
    });

    it('drops hop-by-hop headers, including those named in Connection', () => {
      const out = upstreamRequestHeaders(
        [
          'Connection',
          'keep-alive, X-Hop',
          'Keep-Alive',
          'timeout=5',
          'X-Hop',
          'a',
          'Proxy-Authorization',
          'Basic x',
          'TE',
          'trailers',
          'Accept',
          '*/*',
        ],
        origins,
      );
      assert.deepEqual(out, ['Accept', '*/*']);
    });

    it('rewrites an upgrade request in place for the WebSocket proxy', () => {
      const headers: Record<string, string | string[] | undefined> = {
        host: '127.0.0.1:9443',
        origin: 'https://127.0.0.1:9443',
        upgrade: 'websocket',
        'sec-websocket-protocol': 'xmpp',
      };
      rewriteUpgradeHeaders(headers, origins);
      assert.deepEqual(headers, {
        host: 'finesse.example.com:8445',
        origin: 'https://finesse.example.com:8445',
        upgrade: 'websocket',
        'sec-websocket-protocol': 'xmpp',
      });
    });
  });

  describe('towards the browser', () => {
    it('points upstream redirects at us and leaves other hosts and relative ones alone', () => {
      const out = downstreamResponseHeaders(
        [
          'Location',
          'https://FINESSE.example.com:8445/desktop/j_security_check?x=%2F',
          'Content-Location',
          '/desktop/',
          'Link',
          '<https://finesse.example.com:8445/a>',
        ],
        origins,
      );
      assert.deepEqual(out, [
        'Location',
        'https://127.0.0.1:9443/desktop/j_security_check?x=%2F',
        'Content-Location',
        '/desktop/',
        'Link',
        '<https://finesse.example.com:8445/a>',
      ]);
      const sso = downstreamResponseHeaders(
        ['Location', 'https://idp.example.com/saml?RelayState=https://finesse.example.com:8445/'],
        origins,
      );
      assert.deepEqual(sso, ['Location', 'https://idp.example.com/saml?RelayState=https://finesse.example.com:8445/']);
      const defaultPort = downstreamResponseHeaders(['location', 'https://finesse.example.com:443/x'], {
        upstream: 'https://finesse.example.com',
        local: 'https://localhost:9443',
      });
      assert.deepEqual(defaultPort, ['location', 'https://localhost:9443/x']);
    });

    it('re-scopes cookies of the upstream domain to our host, keeping Secure and the rest', () => {
      const out = downstreamResponseHeaders(
        [
          'Set-Cookie',
          'JSESSIONID=abc; Domain=finesse.example.com; Path=/desktop; Secure; HttpOnly; SameSite=Lax',
          'Set-Cookie',
          'wide=1; domain=.example.com; Secure',
          'Set-Cookie',
          'other=2; Domain=elsewhere.org',
          'Set-Cookie',
          'hostonly=3; Path=/',
        ],
        origins,
      );
      assert.deepEqual(out, [
        'Set-Cookie',
        'JSESSIONID=abc; Path=/desktop; Secure; HttpOnly; SameSite=Lax',
        'Set-Cookie',
        'wide=1; Secure',
        'Set-Cookie',
        'other=2; Domain=elsewhere.org',
        'Set-Cookie',
        'hostonly=3; Path=/',
      ]);
      // Addressed by a DNS name, the cookie keeps a Domain: ours.
      assert.equal(
        rewriteCookieDomain('a=1; Domain=finesse.example.com; Secure', 'finesse.example.com', 'proxy.lan'),
        'a=1; Domain=proxy.lan; Secure',
      );
      assert.equal(rewriteCookieDomain('a=1; Domain=localhost', 'localhost', 'localhost'), 'a=1');
    });

    it('rewrites CORS and CSP sources that name the upstream, and drops HSTS', () => {
      const out = downstreamResponseHeaders(
        [
          'Access-Control-Allow-Origin',
          'https://finesse.example.com:8445',
          'Content-Security-Policy',
          "default-src 'self'; connect-src 'self' wss://finesse.example.com:8445/ws/ https://finesse.example.com:8445 finesse.example.com:8445 finesse.example.com other.example.com:8445; img-src *",
          'Strict-Transport-Security',
          'max-age=31536000',
          'X-Frame-Options',
          'SAMEORIGIN',
        ],
        origins,
      );
      assert.deepEqual(out, [
        'Access-Control-Allow-Origin',
        'https://127.0.0.1:9443',
        'Content-Security-Policy',
        "default-src 'self'; connect-src 'self' wss://127.0.0.1:9443/ws/ https://127.0.0.1:9443 127.0.0.1:9443 finesse.example.com other.example.com:8445; img-src *",
        'X-Frame-Options',
        'SAMEORIGIN',
      ]);
      assert.equal(
        rewriteCsp(
          'connect-src finesse.example.com wss://finesse.example.com:*',
          'https://finesse.example.com',
          'https://localhost:9443',
        ),
        'connect-src localhost:9443 wss://localhost:9443',
      );
      assert.deepEqual(downstreamResponseHeaders(['Access-Control-Allow-Origin', '*'], origins), [
        'Access-Control-Allow-Origin',
        '*',
      ]);
    });

    it('keeps Transfer-Encoding and Content-Length so the body is framed as the server framed it', () => {
      assert.deepEqual(downstreamResponseHeaders(['Transfer-Encoding', 'chunked', 'Connection', 'close'], origins), [
        'Transfer-Encoding',
        'chunked',
      ]);
      assert.deepEqual(downstreamResponseHeaders(['Content-Length', '12'], origins), ['Content-Length', '12']);
    });
  });
});
