import assert from 'node:assert/strict';
import { forwardedHeaders, offeredProtocols, upstreamUrl } from '../../../../src/core/proxy/upstream';

describe('upstream', () => {
  describe('upstreamUrl', () => {
    it('maps the advertised /ws/ onto the target itself, whatever its path', () => {
      assert.equal(upstreamUrl('wss://finesse.example.com:8445/ws/', '/ws/'), 'wss://finesse.example.com:8445/ws/');
      assert.equal(upstreamUrl('ws://127.0.0.1:5280/ws', '/ws/'), 'ws://127.0.0.1:5280/ws');
      assert.equal(upstreamUrl('ws://127.0.0.1:5280/ws', '/ws'), 'ws://127.0.0.1:5280/ws');
      assert.equal(upstreamUrl('ws://127.0.0.1:5280', '/ws/'), 'ws://127.0.0.1:5280/');
    });

    it('appends what the client adds after /ws/ (or after / for other paths)', () => {
      assert.equal(upstreamUrl('wss://f:8445/ws/', '/ws/extra/path'), 'wss://f:8445/ws/extra/path');
      assert.equal(upstreamUrl('ws://h:1/base', '/other'), 'ws://h:1/base/other');
      assert.equal(upstreamUrl('ws://h:1/', '/http-bind/'), 'ws://h:1/http-bind/');
    });

    it("keeps the client's query after the target's own", () => {
      assert.equal(upstreamUrl('wss://f:8445/ws/', '/ws/?token=a%20b&x=1'), 'wss://f:8445/ws/?token=a%20b&x=1');
      assert.equal(upstreamUrl('wss://f:8445/ws/?tenant=9', '/ws/?x=1'), 'wss://f:8445/ws/?tenant=9&x=1');
      assert.equal(upstreamUrl('wss://f:8445/ws/?tenant=9', '/ws/'), 'wss://f:8445/ws/?tenant=9');
    });
  });

  it('forwards end-to-end request headers and leaves the handshake ones to ws', () => {
    const headers = forwardedHeaders({
      host: '127.0.0.1:9999',
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'sec-websocket-version': '13',
      'sec-websocket-extensions': 'permessage-deflate',
      'sec-websocket-protocol': 'xmpp',
      origin: 'https://finesse.example.com:8445',
      cookie: 'JSESSIONID=abc; other=1',
      'user-agent': 'Finesse desktop',
      authorization: 'Basic x',
    });
    assert.deepEqual(headers, {
      origin: 'https://finesse.example.com:8445',
      cookie: 'JSESSIONID=abc; other=1',
      'user-agent': 'Finesse desktop',
      authorization: 'Basic x',
    });
  });

  it('reads the offered subprotocols in order', () => {
    assert.deepEqual(offeredProtocols({ 'sec-websocket-protocol': 'xmpp, chat ,x' }), ['xmpp', 'chat', 'x']);
    assert.deepEqual(offeredProtocols({}), []);
  });
});
