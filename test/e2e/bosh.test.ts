// BOSH (XEP-0124/0206) as a client that reads Content-Length sees it: the same assertions
// against the local Finesse's /http-bind and real Prosody's mod_bosh wherever Openfire (which
// Finesse runs) and Prosody agree, then what only Openfire does (ver, hold beyond 1, polling
// overactivity, its 30 s inactivity made short here).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameStore } from '../../src/core/capture/frameStore';
import { ReverseProxy } from '../../src/core/proxy/reverse/reverseProxy';
import { FinesseSimulator } from '../../src/core/simulator/simulator';
import { idleScenario } from '../../src/core/simulator/scenario';
import { Prosody, DOMAIN } from '../support/prosody';
import { BoshAnswer, body, features, mechanisms, pipeline, post, RawBoshSession } from '../support/rawBosh';

const USER = { user: 'agent1', password: 'agent1-Secret' };

interface Target {
  name: string;
  port: () => number;
  /** HTTP status of the answer naming an unknown sid (Openfire: 404, Prosody: 200). */
  unknownSidStatus: number;
  /** Openfire answers a restart before login with the features; Prosody with an empty body. */
  restartFeatures: boolean;
}

let sim: FinesseSimulator;
let prosody: Prosody;

const targets: Target[] = [
  {
    name: 'the local Finesse',
    port: () => Number(new URL(sim.endpoints?.bosh as string).port),
    unknownSidStatus: 404,
    restartFeatures: true,
  },
  { name: 'Prosody', port: () => prosody.httpPort, unknownSidStatus: 200, restartFeatures: false },
];

before(async function () {
  this.timeout(60_000);
  sim = new FinesseSimulator({ users: { [USER.user]: USER.password }, scenario: idleScenario() });
  await sim.listen();
  prosody = await Prosody.start({ users: [USER], bosh: true });
});
after(async () => {
  await sim?.close();
  await prosody?.dispose();
});

function terminated(a: BoshAnswer): string | undefined {
  assert.equal(a.body.attrs.type, 'terminate', `expected a terminate body, got ${a.text}`);
  return a.body.attrs.condition;
}

for (const target of targets) {
  describe(`BOSH of ${target.name}, read by Content-Length`, () => {
    const session = () => new RawBoshSession(target.port(), '/http-bind', DOMAIN);

    it('answers the session creation with Content-Length (never chunked), the granted wait and the features', async () => {
      const s = session();
      const a = await s.create({ wait: 3, hold: 1 });
      assert.equal(a.status, 200);
      assert.equal(Number(a.headers['content-length']), Buffer.byteLength(a.text));
      assert.match(a.headers['content-type'], /^text\/xml/);
      assert.match(a.body.attrs.sid, /\S/);
      assert.equal(a.body.attrs.wait, '3');
      assert.equal(a.body.attrs.hold, '1');
      assert.equal(a.body.attrs.requests, '2');
      assert.match(a.body.attrs.polling, /^\d+$/);
      assert.match(a.body.attrs.inactivity, /^\d+$/);
      assert.ok(mechanisms(features(a)).includes('PLAIN'), a.text);
      await s.send({ type: 'terminate' });
    });

    it('goes on after an xmpp:restart before login (Openfire: with the features again), then logs in and binds', async () => {
      const s = session();
      await s.create();
      const restart = await s.send({ 'xmpp:restart': 'true', to: DOMAIN });
      assert.notEqual(restart.body.attrs.type, 'terminate', restart.text);
      if (target.restartFeatures) assert.deepEqual(mechanisms(features(restart)), ['PLAIN']);
      const jid = await s.login(USER.user, USER.password, 'restart-first');
      assert.equal(jid, `${USER.user}@${DOMAIN}/restart-first`);
      const end = await s.send({ type: 'terminate' });
      assert.equal(terminated(end), undefined, 'a client terminate has no condition');
    });

    it('holds an empty request for `wait` seconds and answers it empty', async () => {
      const s = session();
      await s.create({ wait: 1 });
      const a = await s.send({});
      assert.equal(a.status, 200);
      assert.equal(a.body.attrs.type, undefined);
      assert.equal(a.body.getChildElements().length, 0);
      await s.send({ type: 'terminate' });
    });

    it('answers a repeated rid with the same answer again', async () => {
      const s = session();
      await s.create();
      const rid = s.rid;
      const first = await s.send({ 'xmpp:restart': 'true', to: DOMAIN });
      const again = await s.sendRid(rid, { 'xmpp:restart': 'true', to: DOMAIN });
      assert.equal(again.text, first.text);
      await s.send({ type: 'terminate' });
    });

    it('ends the session with item-not-found for a rid outside the window', async () => {
      const s = session();
      await s.create();
      const a = await s.sendRid(s.rid + 10, {});
      assert.equal(terminated(a), 'item-not-found');
    });

    it('answers an unknown sid with item-not-found', async () => {
      const s = session();
      s.sid = 'no-such-sid';
      const a = await s.send({});
      assert.equal(a.status, target.unknownSidStatus);
      assert.equal(terminated(a), 'item-not-found');
    });

    it('ends the older session with remote-stream-error and <conflict/> when the same JID binds again', async () => {
      const older = session();
      await older.create({ wait: 30 });
      await older.login(USER.user, USER.password, 'twice');
      const held = older.send({});
      const newer = session();
      await newer.create();
      await newer.login(USER.user, USER.password, 'twice');
      const kicked = await held;
      assert.equal(terminated(kicked), 'remote-stream-error');
      const error = kicked.body.getChildElements().find((c) => c.name === 'stream:error');
      assert.ok(
        error?.getChildElements().some((c) => c.name === 'conflict'),
        kicked.text,
      );
      await newer.send({ type: 'terminate' });
    });
  });
}

describe('BOSH of the local Finesse, where Openfire goes beyond Prosody', () => {
  let clock = 0;
  let local: FinesseSimulator;
  const port = () => Number(new URL(local.endpoints?.bosh as string).port);
  before(async () => {
    local = new FinesseSimulator({
      users: { [USER.user]: USER.password },
      scenario: idleScenario(),
      bosh: { inactivity: 1, now: () => clock },
    });
    await local.listen();
  });
  after(() => local.close());

  it('answers a body that is not well-formed with bad-request', async () => {
    const a = await post(port(), '/http-bind', '<body xmlns="http://jabber.org/protocol/httpbind" rid="1"><iq></body>');
    assert.equal(a.status, 400);
    assert.equal(terminated(a), 'bad-request');
  });

  it('answers `ver` with the lower of the client version and 1.11', async () => {
    const older = new RawBoshSession(port(), '/http-bind', DOMAIN);
    assert.equal((await older.create({ ver: '1.6' })).body.attrs.ver, '1.6');
    const newer = new RawBoshSession(port(), '/http-bind', DOMAIN);
    assert.equal((await newer.create({ ver: '1.99' })).body.attrs.ver, '1.11');
    await older.send({ type: 'terminate' });
    await newer.send({ type: 'terminate' });
  });

  it('honours hold="2": requests="3", two requests held while a third is answered', async () => {
    const s = new RawBoshSession(port(), '/http-bind', DOMAIN);
    const created = await s.create({ hold: 2, wait: 30 });
    assert.equal(created.body.attrs.hold, '2');
    assert.equal(created.body.attrs.requests, '3');
    await s.login(USER.user, USER.password, 'hold2');
    // Processed in rid order whatever order they arrive in: the ping's answer releases the
    // oldest held request and the two others stay held.
    const answered = new Set<string>();
    const track = (name: string, p: Promise<BoshAnswer>) => p.then((a) => (answered.add(name), a));
    const oldest = track('oldest', s.send({}));
    const middle = track('middle', s.send({}));
    const ping = track(
      'ping',
      s.send({}, `<iq xmlns="jabber:client" type="get" id="p1" to="${DOMAIN}"><ping xmlns="urn:xmpp:ping"/></iq>`),
    );
    const released = await oldest;
    assert.ok(
      released.body.getChildElements().some((c) => c.name === 'iq' && c.attrs.id === 'p1'),
      `the ping result comes back on the oldest held request: ${released.text}`,
    );
    assert.deepEqual([...answered], ['oldest']);
    const end = await s.send({ type: 'terminate' });
    assert.equal(terminated(end), undefined);
    assert.equal(terminated(await middle), undefined);
    assert.equal(terminated(await ping), undefined);
  });

  it('ends a polling session (hold="0") that polls empty faster than `polling` with policy-violation', async () => {
    const s = new RawBoshSession(port(), '/http-bind', DOMAIN);
    const created = await s.create({ hold: 0, wait: 0 });
    const polling = Number(created.body.attrs.polling);
    assert.ok(polling > 0);
    clock = 100_000;
    const firstPoll = await s.send({});
    assert.equal(firstPoll.body.attrs.type, undefined, 'a hold="0" request is answered at once');
    clock += polling * 1000;
    assert.equal((await s.send({})).body.attrs.type, undefined, 'a poll after `polling` seconds is fine');
    clock += polling * 1000 - 1;
    assert.equal(terminated(await s.send({})), 'policy-violation');
  });

  it('ends the session with policy-violation when more requests than `requests` are open at once', async () => {
    const s = new RawBoshSession(port(), '/http-bind', DOMAIN);
    await s.create({ hold: 1, wait: 30 });
    const rid = s.rid;
    // Pipelined, so they are read in this order: one held, one waiting for the rid before it,
    // and the third open request of a session that allows two.
    const answers = await pipeline(port(), '/http-bind', [
      body({ rid, sid: s.sid }),
      body({ rid: rid + 2, sid: s.sid }),
      body({ rid: rid + 1, sid: s.sid }),
    ]);
    assert.deepEqual(
      answers.map((a) => terminated(a)),
      ['policy-violation', 'policy-violation', 'policy-violation'],
    );
  });

  it('ends a session left without a request for `inactivity` seconds', async () => {
    const s = new RawBoshSession(port(), '/http-bind', DOMAIN);
    const gone = new Promise((resolve) => local.once('disconnect', resolve));
    const created = await s.create();
    assert.equal(created.body.attrs.inactivity, '1');
    await gone;
    assert.equal(terminated(await s.send({})), undefined);
  });
});

describe("reverse mode's BOSH tap in front of the local Finesse", () => {
  let local: FinesseSimulator;
  let proxy: ReverseProxy;
  let certDir: string;
  const store = new FrameStore();
  before(async () => {
    local = new FinesseSimulator({ users: { [USER.user]: USER.password }, scenario: idleScenario() });
    await local.listen();
    certDir = mkdtempSync(join(tmpdir(), 'bosh-reverse-'));
    proxy = new ReverseProxy(store, { upstream: local.origin as string, certDir });
    await proxy.listen();
  });
  after(async () => {
    await proxy?.close();
    await local?.close();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  it('still has Content-Length through the proxy and captures each stanza of the session', async () => {
    const port = Number(new URL(proxy.url as string).port);
    const s = new RawBoshSession(port, '/http-bind', DOMAIN, 1, { ca: proxy.certificate?.cert as string });
    const session = new Promise<string>((resolve) => proxy.once('session', (info) => resolve(info.id)));
    const created = await s.create();
    assert.ok(mechanisms(features(created)).includes('PLAIN'));
    await s.send({ 'xmpp:restart': 'true', to: DOMAIN });
    const jid = await s.login(USER.user, USER.password, 'tapped');
    await s.send({ type: 'terminate' });
    const id = await session;
    const frames = [...store].filter((f) => f.session === id);
    const bind = frames.find((f) => f.dir === 'in' && f.raw.includes(`<jid>${jid}</jid>`));
    assert.ok(bind, `the bind result is captured: ${frames.map((f) => f.raw).join('\n')}`);
    assert.ok(frames.some((f) => f.dir === 'out' && f.raw.includes('mechanism="PLAIN"')));
  });
});
