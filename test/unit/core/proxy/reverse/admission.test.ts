// Reverse mode lets through only requests addressed to the listener (421 otherwise), turns an
// absolute-form target into origin-form, and refuses WebSockets from cross-site pages (403).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as tlsConnect } from 'node:tls';
import { WebSocketServer } from 'ws';
import { handshake } from '../../../../support/handshake';
import { Rig, startRig, Upstream } from './upstream';

/** Sends one raw HTTP/1.1 request over TLS; the status line and body of the answer. */
async function raw(rig: Rig, head: string): Promise<string> {
  const url = new URL(rig.url);
  const socket = tlsConnect({
    host: '127.0.0.1',
    port: Number(url.port),
    ca: rig.proxy.certificate!.cert,
    servername: 'localhost',
  });
  await once(socket, 'secureConnect');
  socket.write(head);
  let text = '';
  socket.on('data', (d) => (text += d));
  await once(socket, 'close');
  return text;
}

describe('reverse proxy admission', () => {
  let upstream: Upstream;
  let rig: Rig;
  const seen: string[] = [];
  before(async () => {
    upstream = await Upstream.start();
    upstream.handler = (req, res) => {
      seen.push(`${req.url} ${req.headers.host}`);
      res.end('ok');
    };
    rig = await startRig(upstream);
  });
  after(async () => {
    await rig?.close();
    await upstream?.close();
  });

  it('refuses (421) a Host that is not the listener, and forwards nothing', async () => {
    seen.length = 0;
    const { res, body } = await rig.request('/desktop/', {
      servername: 'localhost',
      headers: { Host: 'finesse.evil.example' },
    });
    assert.equal(res.statusCode, 421);
    assert.match(body.toString(), /^finesse-frames: Host "finesse\.evil\.example" is not this listener/);
    assert.deepEqual(seen, []);
  });

  it('accepts localhost, 127.0.0.1 and ::1 as Host', async () => {
    const port = new URL(rig.url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const { res } = await rig.request('/ok', { servername: 'localhost', headers: { Host: host } });
      assert.equal(res.statusCode, 200, host);
    }
  });

  it('turns an absolute-form target into origin-form (and checks its authority)', async () => {
    seen.length = 0;
    const port = new URL(rig.url).port;
    const ok = await raw(
      rig,
      `GET https://127.0.0.1:${port}/desktop/?a=1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
    );
    assert.match(ok, /^HTTP\/1\.1 200/);
    assert.equal(seen[0], `/desktop/?a=1 ${new URL(upstream.url).host}`);
    const foreign = await raw(
      rig,
      `GET https://finesse.evil.example/x HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
    );
    assert.match(foreign, /^HTTP\/1\.1 421/);
  });

  it("accepts the desktop's own WebSocket (same origin), refuses a cross-site page (403) and a foreign Host (421)", async () => {
    const wss = new WebSocketServer({ noServer: true, handleProtocols: () => 'xmpp' });
    upstream.upgrade = (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => ws.close());
    const wsUrl = rig.url.replace('https', 'wss') + 'ws/';
    const ca = rig.proxy.certificate!.cert;
    assert.equal(await handshake(wsUrl, new URL(rig.url).origin, { ca }), 'open');
    assert.match(await handshake(wsUrl, 'https://evil.example', { ca }), /^403 finesse-frames: cross-site Origin/);
    assert.match(await handshake(wsUrl, undefined, { ca, headers: { Host: 'rebound.evil.example' } }), /^421 /);
    wss.close();
  });
});
