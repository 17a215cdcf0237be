// The one origin: auto-subscription rules over a raw WebSocket client, BOSH framing at
// /http-bind, gadget files at /3rdpartygadget/files/ (and nothing outside the folder), https/wss
// with the generated certificate, and one gate every request and upgrade passes.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { FinesseSimulator } from '../../../../src/core/simulator/simulator';
import { idleScenario } from '../../../../src/core/simulator/scenario';
import { decodeUpdate } from '../../../../src/core/finesse/update';
import { plainPayload } from '../../../../src/core/xmpp/sasl';
import { parseXml } from '../../../../src/core/xmpp/xml';
import { RawXmppClient } from '../replay/rawXmppClient';

const BOSH = 'http://jabber.org/protocol/httpbind';

function rawStatus(origin: string, path: string): Promise<number> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) =>
    httpRequest({ hostname, port, path }, (res) => (res.resume(), resolve(res.statusCode ?? 0)))
      .on('error', reject)
      .end(),
  );
}

describe('simulator origin', () => {
  let dir: string;
  let sim: FinesseSimulator;
  const clients: RawXmppClient[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'finesse-origin-'));
    mkdirSync(join(dir, 'site', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'site', 'index.html'), '<p>gadget</p>');
    writeFileSync(join(dir, 'site', 'sub', 'app.js'), 'x = 1;');
    writeFileSync(join(dir, 'secret.txt'), 'outside');
    symlinkSync(join(dir, 'secret.txt'), join(dir, 'site', 'link.txt'));
    sim = new FinesseSimulator({ users: { agent1: 'pw' }, scenario: idleScenario(), serve: join(dir, 'site') });
    await sim.listen();
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.ws.terminate();
  });
  after(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rest = (body: string, requestId: string) =>
    fetch(`${sim.endpoints?.rest}User/agent1`, {
      method: 'PUT',
      body,
      headers: { Authorization: `Basic ${Buffer.from('agent1:pw').toString('base64')}`, requestId },
    });

  it('delivers own-feed Updates only to a bound client that sent presence, without a subscribe', async () => {
    const silent = await RawXmppClient.connect(sim.url as string);
    clients.push(silent);
    await silent.login('agent1', 'pw', 'silent');
    const present = await RawXmppClient.connect(sim.url as string);
    clients.push(present);
    const jid = await present.login('agent1', 'pw', 'present');
    present.send('<presence xmlns="jabber:client"/>');
    assert.equal((await present.nextElement()).name, 'presence');
    assert.equal((await rest('<User><state>LOGIN</state><extension>1001</extension></User>', 'o-1')).status, 202);
    const first = await present.nextElement();
    assert.deepEqual(
      [first.attrs.from, first.attrs.to, first.attrs.xmlns],
      ['pubsub.finesse.test', jid, 'jabber:client'],
    );
    assert.equal(decodeUpdate(first)?.state, 'LOGIN');
    assert.equal(decodeUpdate(first)?.requestId, 'o-1');
    // The silent client got nothing: its next frame is the answer to this ping.
    const pong = await silent.iq('<iq type="get" id="after" xmlns="jabber:client"><ping xmlns="urn:xmpp:ping"/></iq>');
    assert.equal(pong.attrs.id, 'after');
    // Unavailable presence stops the feed.
    present.send('<presence type="unavailable" xmlns="jabber:client"/>');
    await present.nextElement(); // NOT_READY of the sign-in, already sent
    assert.equal((await rest('<User><state>READY</state></User>', 'o-2')).status, 202);
    assert.equal(
      (await present.iq('<iq type="get" id="p2" xmlns="jabber:client"><ping xmlns="urn:xmpp:ping"/></iq>')).attrs.id,
      'p2',
    );
  });

  it('starts the demo day for a client that subscribes to its own node without presence, result first', async () => {
    const demo = new FinesseSimulator({ users: { agent1: 'pw' }, speed: Infinity });
    try {
      const c = await RawXmppClient.connect(await demo.listen());
      clients.push(c);
      const jid = await c.login('agent1', 'pw', 'old-style');
      c.send(c.subscribeIq('/finesse/api/User/agent1', jid, 'own'));
      assert.equal((await c.nextElement()).attrs.id, 'own');
      const first = decodeUpdate(await c.nextElement());
      assert.deepEqual([first?.state, first?.requestId], ['LOGIN', 'req-login-0']);
    } finally {
      await demo.close();
    }
  });

  it('speaks BOSH at /http-bind: session creation with features, SASL, restart, bind, terminate', async () => {
    const post = async (body: string) => {
      const res = await fetch(sim.endpoints?.bosh as string, {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'text/xml' },
      });
      const parsed = parseXml(await res.text());
      assert.ok(parsed.ok);
      return { status: res.status, body: parsed.element };
    };
    const created = await post(
      `<body xmlns="${BOSH}" xmlns:xmpp="urn:xmpp:xbosh" rid="100" to="finesse.test" wait="5" hold="1" xmpp:version="1.0"/>`,
    );
    const sid = created.body.attrs.sid;
    assert.ok(sid);
    assert.equal(created.body.attrs.from, 'finesse.test');
    assert.equal(
      created.body
        .getChild('features', 'http://etherx.jabber.org/streams')
        ?.getChild('mechanisms')
        ?.getChildText('mechanism'),
      'PLAIN',
    );
    const auth = await post(
      `<body xmlns="${BOSH}" rid="101" sid="${sid}"><auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">${plainPayload('agent1', 'pw')}</auth></body>`,
    );
    assert.equal(auth.body.getChildElements()[0]?.name, 'success');
    const restart = await post(
      `<body xmlns="${BOSH}" xmlns:xmpp="urn:xmpp:xbosh" rid="102" sid="${sid}" xmpp:restart="true"/>`,
    );
    assert.ok(restart.body.getChild('features', 'http://etherx.jabber.org/streams')?.getChild('bind'));
    const bound = await post(
      `<body xmlns="${BOSH}" rid="103" sid="${sid}"><iq xmlns="jabber:client" type="set" id="b"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><resource>bosh</resource></bind></iq></body>`,
    );
    assert.equal(bound.body.getChild('iq')?.getChild('bind')?.getChildText('jid'), 'agent1@finesse.test/bosh');
    const end = await post(
      `<body xmlns="${BOSH}" rid="104" sid="${sid}" type="terminate"><presence xmlns="jabber:client" type="unavailable"/></body>`,
    );
    assert.equal(end.body.attrs.type, 'terminate');
    const gone = await post(`<body xmlns="${BOSH}" rid="105" sid="${sid}"/>`);
    assert.deepEqual(
      [gone.status, gone.body.attrs.type, gone.body.attrs.condition],
      [404, 'terminate', 'item-not-found'],
    );
    const bad = await fetch(sim.endpoints?.bosh as string, { method: 'POST', body: '<body' });
    assert.equal(bad.status, 400);

    // Kicked by a WebSocket session binding the same full JID while no request is held: the
    // next request carries the <conflict/> stream error in a terminate body.
    const again = await post(
      `<body xmlns="${BOSH}" xmlns:xmpp="urn:xmpp:xbosh" rid="200" to="finesse.test" wait="5" hold="1" xmpp:version="1.0"/>`,
    );
    const sid2 = again.body.attrs.sid;
    await post(
      `<body xmlns="${BOSH}" rid="201" sid="${sid2}"><auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">${plainPayload('agent1', 'pw')}</auth></body>`,
    );
    await post(`<body xmlns="${BOSH}" xmlns:xmpp="urn:xmpp:xbosh" rid="202" sid="${sid2}" xmpp:restart="true"/>`);
    await post(
      `<body xmlns="${BOSH}" rid="203" sid="${sid2}"><iq xmlns="jabber:client" type="set" id="b"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><resource>desktop</resource></bind></iq></body>`,
    );
    const ws = await RawXmppClient.connect(sim.url as string);
    clients.push(ws);
    await ws.login('agent1', 'pw', 'desktop');
    const kicked = await post(`<body xmlns="${BOSH}" rid="204" sid="${sid2}"/>`);
    assert.deepEqual([kicked.body.attrs.type, kicked.body.attrs.condition], ['terminate', 'remote-stream-error']);
    assert.ok(
      kicked.body
        .getChild('error', 'http://etherx.jabber.org/streams')
        ?.getChild('conflict', 'urn:ietf:params:xml:ns:xmpp-streams'),
    );
  });

  it('serves the gadget folder at /3rdpartygadget/files/ and nothing outside it', async () => {
    const get = (p: string) => fetch(`${sim.origin}${p}`);
    const index = await get('/3rdpartygadget/files/');
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(await index.text(), '<p>gadget</p>');
    assert.equal(
      (await get('/3rdpartygadget/files/sub/app.js')).headers.get('content-type'),
      'text/javascript; charset=utf-8',
    );
    assert.equal((await get('/3rdpartygadget/files/missing.js')).status, 404);
    // Raw paths, as a hostile client sends them (fetch would normalise the dots away).
    for (const raw of [
      '/3rdpartygadget/files/../secret.txt',
      '/3rdpartygadget/files/%2e%2e/secret.txt',
      '/3rdpartygadget/files/sub/..%2f..%2fsecret.txt',
    ]) {
      // 403 when the dots reach the file handler; 404 when URL parsing already left the folder.
      assert.ok([403, 404].includes(await rawStatus(sim.origin as string, raw)), raw);
    }
    assert.equal((await get('/3rdpartygadget/files/link.txt')).status, 403, 'a symlink out of the folder');
    assert.equal((await get('/elsewhere')).status, 404);
    assert.equal((await get('/ws/')).status, 426);
  });

  it('refuses cross-site pages on every path and on /ws/, lets loopback pages, allowed origins and non-browsers in', async () => {
    const gated = new FinesseSimulator({
      scenario: idleScenario(),
      serve: join(dir, 'site'),
      allowedOrigins: ['https://gadgets.example.com'],
    });
    await gated.listen();
    const upgrade = (origin?: string) =>
      new Promise<number | string>((resolve) => {
        const ws = new WebSocket(gated.url as string, ['xmpp'], origin ? { headers: { Origin: origin } } : {});
        ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => (ws.close(), resolve('open')));
      });
    try {
      const origin = gated.origin as string;
      for (const p of ['/finesse/api/SystemInfo', '/http-bind', '/3rdpartygadget/files/']) {
        const refused = await fetch(origin + p, { headers: { Origin: 'http://evil.example' } });
        assert.equal(refused.status, 403, p);
        assert.match(
          await refused.text(),
          /cross-site Origin "http:\/\/evil\.example" refused; allow it with --allow-origin/,
        );
        assert.notEqual((await fetch(origin + p, { headers: { Origin: 'http://localhost:3000' } })).status, 403, p);
        assert.notEqual(
          (await fetch(origin + p, { headers: { Origin: 'https://gadgets.example.com' } })).status,
          403,
          p,
        );
      }
      assert.equal(await upgrade('http://evil.example'), 403);
      assert.equal(await upgrade(origin), 'open', "the simulator's own pages (same origin)");
      assert.equal(await upgrade('http://127.0.0.1:9'), 'open', 'a page from this machine');
      assert.equal(await upgrade(), 'open', 'a client that is not a browser');
    } finally {
      await gated.close();
    }
  });

  it('serves https and wss with the generated certificate (--tls)', async () => {
    const certDir = join(dir, 'certs');
    const secure = new FinesseSimulator({ scenario: idleScenario(), tls: { certDir } });
    await secure.listen();
    try {
      assert.match(secure.url ?? '', /^wss:\/\/127\.0\.0\.1:\d+\/ws\/$/);
      assert.match(secure.endpoints?.rest ?? '', /^https:/);
      const ca = secure.certificate?.cert as string;
      const text = await new Promise<string>((resolve, reject) => {
        httpsRequest(`${secure.endpoints?.rest}SystemInfo`, { ca }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d)).on('end', () => resolve(body));
        })
          .on('error', reject)
          .end();
      });
      assert.match(text, /<SystemInfo>/);
      const ws = new WebSocket(secure.url as string, ['xmpp'], { ca });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      ws.close();
    } finally {
      await secure.close();
    }
  });
});
