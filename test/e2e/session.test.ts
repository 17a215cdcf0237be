// FinesseSession against a real Prosody: the login, capture of every frame, Team subscriptions,
// server pings, keepalive, injection through the live registry, a clean stop the server can
// see, reconnects, credentials changed under a reconnecting session, and verified TLS.
import assert from 'node:assert/strict';
import { FrameStore } from '../../src/core/capture/frameStore';
import { LiveSessionRegistry } from '../../src/core/capture/liveSession';
import type { Frame } from '../../src/core/capture/frame';
import { frameView } from '../../src/core/capture/frameView';
import { teamUserUpdate, userUpdate } from '../../src/core/finesse/builders';
import { nodes } from '../../src/core/finesse/nodes';
import {
  AuthError,
  ConflictError,
  FinesseSession,
  FinesseSessionOptions,
  SessionState,
  StateInfo,
  SubscriptionResult,
} from '../../src/core/session/finesseSession';
import { FingerprintMismatchError, UntrustedCertificateError } from '../../src/core/session/tls';
import { DOMAIN, Prosody, PUBSUB } from '../support/prosody';
import { Publisher, startClient, xmppModule } from '../support/xmpp';
import { nextState, waitForFrame } from '../support/frames';
import { makeCert, TestCert, WssServer } from '../support/wss';

const PASSWORD = 'agent1-pw';

function record(session: FinesseSession): {
  states: SessionState[];
  infos: StateInfo[];
  subscriptions: SubscriptionResult[];
} {
  const log = { states: [] as SessionState[], infos: [] as StateInfo[], subscriptions: [] as SubscriptionResult[] };
  session.on('state', (s, info) => {
    log.states.push(s);
    log.infos.push(info);
  });
  session.on('subscription', (r) => log.subscriptions.push(r));
  return log;
}

const stanzaWith = (re: RegExp) => (f: Frame) => f.kind === 'stanza' && re.test(f.raw);

/** The JIDs subscribed to a node, asked as the node's owner (the publisher). */
async function subscribers(publisher: Publisher, node: string): Promise<string[]> {
  const { xml } = await xmppModule();
  const res = await publisher.client.iqCaller.request(
    xml(
      'iq',
      { type: 'get', to: PUBSUB },
      xml('pubsub', { xmlns: 'http://jabber.org/protocol/pubsub#owner' }, xml('subscriptions', { node })),
    ),
  );
  const list = res.getChild('pubsub')?.getChild('subscriptions') as unknown as
    { getChildren(n: string): { attrs: Record<string, string> }[] } | undefined;
  return (list?.getChildren('subscription') ?? [])
    .filter((s) => s.attrs.subscription === 'subscribed')
    .map((s) => s.attrs.jid);
}

describe('FinesseSession against Prosody', function () {
  let prosody: Prosody;
  let publisher: Publisher;
  const sessions: FinesseSession[] = [];

  function open(
    store: FrameStore,
    opts: Partial<FinesseSessionOptions> = {},
    live?: LiveSessionRegistry,
  ): FinesseSession {
    const s = new FinesseSession(
      store,
      { url: prosody.wsUrl, domain: DOMAIN, user: 'agent1', password: PASSWORD, ...opts },
      live,
    );
    sessions.push(s);
    return s;
  }

  before(async () => {
    prosody = await Prosody.start({ users: [{ user: 'agent1', password: PASSWORD }] });
    publisher = await Publisher.start(prosody.wsUrl);
    for (const node of [nodes.user('agent1'), nodes.userDialogs('agent1'), nodes.teamUsers('1'), nodes.queue('7')])
      await publisher.createNode(node);
    // Finesse subscribes every agent to its own feeds; the session must not need to.
    for (const node of [nodes.user('agent1'), nodes.userDialogs('agent1')])
      await publisher.autoSubscribe(node, 'agent1');
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.stop()));
  });
  after(async () => {
    await publisher?.stop();
    await prosody?.dispose();
  });

  describe('an online session', () => {
    const store = new FrameStore();
    const live = new LiveSessionRegistry();
    let session: FinesseSession;
    let log: ReturnType<typeof record>;

    before(async () => {
      session = new FinesseSession(
        store,
        {
          url: prosody.wsUrl,
          domain: DOMAIN,
          user: 'agent1',
          password: PASSWORD,
          teams: ['1', '404'],
          queues: ['7'],
          keepaliveMs: 100,
        },
        live,
      );
      log = record(session);
      await session.start();
    });
    after(() => session.stop());

    it("logs in step by step and binds its own resource, never the desktop's", () => {
      assert.deepEqual(log.states, ['connecting', 'authenticating', 'binding', 'subscribing', 'online']);
      assert.equal(session.state, 'online');
      assert.equal(session.jid, 'agent1@finesse.test/finesse-frames');
      assert.deepEqual(store.sessions.get(session.id), {
        id: session.id,
        label: 'agent1@finesse.test',
        target: prosody.wsUrl,
        started: store.sessions.get(session.id)?.started,
      });
    });

    it('captures every frame of the login both ways, in order, under its session', async () => {
      await waitForFrame(store, stanzaWith(/<pubsub/)); // flushed
      const frames = [...store].filter((f) => f.session === session.id);
      assert.equal(frames.length, store.size);
      const seq = frames.slice(0, 8).map((f) => `${f.dir} ${f.kind} ${frameView(f).summary?.name ?? ''}`.trim());
      assert.deepEqual(seq, [
        'out open open',
        'in open open',
        'in stanza stream:features',
        'out stanza auth',
        'in stanza success',
        'out open open',
        'in open open',
        'in stanza stream:features',
      ]);
      assert.ok(frames.every((f) => f.bytes === Buffer.byteLength(f.raw)));
      assert.ok(frames.every((f) => !f.flags.malformed));
    });

    it('subscribes only the Team and Queue nodes, with its full JID, and reports the refused one', async () => {
      assert.deepEqual(log.subscriptions, [
        { node: '/finesse/api/Team/1/Users', ok: true },
        { node: '/finesse/api/Team/404/Users', ok: false, error: 'item-not-found' },
        { node: '/finesse/api/Queue/7', ok: true },
      ]);
      assert.deepEqual(session.subscriptions, ['/finesse/api/Team/1/Users', '/finesse/api/Queue/7']);
      assert.deepEqual(await subscribers(publisher, nodes.teamUsers('1')), ['agent1@finesse.test/finesse-frames']);
      const subscribes = [...store].filter((f) => f.dir === 'out' && /<subscribe /.test(f.raw));
      assert.ok(
        !subscribes.some((f) => /\/finesse\/api\/User\//.test(f.raw)),
        'the auto-subscribed feeds are not subscribed again',
      );
    });

    it("receives the agent's own Updates without subscribing (Finesse subscribed it)", async () => {
      await publisher.publish(
        nodes.user('agent1'),
        userUpdate({ id: 'agent1', loginName: 'agent1' }, 'READY', { requestId: 'auto-1' }),
      );
      const frame = await waitForFrame(store, (f) => f.dir === 'in' && frameView(f).finesse?.requestId === 'auto-1');
      assert.equal(frameView(frame).finesse?.node, '/finesse/api/User/agent1');
    });

    it('receives Team Updates', async () => {
      await publisher.publish(
        nodes.teamUsers('1'),
        teamUserUpdate('1', { id: 'agent2', loginName: 'agent2' }, 'TALKING'),
      );
      const frame = await waitForFrame(
        store,
        (f) => f.dir === 'in' && frameView(f).finesse?.node === '/finesse/api/Team/1/Users',
      );
      assert.equal(frameView(frame).finesse?.state, 'TALKING');
    });

    it('answers a ping from the server side and refuses requests it does not serve', async () => {
      const { xml } = await xmppModule();
      const pong = await publisher.client.iqCaller.request(
        xml('iq', { type: 'get', to: session.jid }, xml('ping', { xmlns: 'urn:xmpp:ping' })),
      );
      assert.equal(pong.attrs.type, 'result');
      await assert.rejects(
        publisher.client.iqCaller.request(
          xml('iq', { type: 'get', to: session.jid }, xml('query', { xmlns: 'jabber:iq:version' })),
        ),
        /service-unavailable/,
      );
    });

    it('keeps the connection alive with XEP-0199 pings the server answers', async () => {
      const ping = await waitForFrame(store, (f) => f.dir === 'out' && /<ping xmlns="urn:xmpp:ping"\/>/.test(f.raw));
      const id = frameView(ping).summary?.id;
      assert.ok(id);
      const answer = await waitForFrame(store, (f) => f.dir === 'in' && frameView(f).summary?.id === id, ping.id);
      assert.equal(frameView(answer).summary?.type, 'result');
    });

    it('is a live session: frames injected through the registry go out, captured and marked', async () => {
      const entry = live.get(session.id);
      assert.ok(entry);
      assert.deepEqual(entry.directions, ['out']);
      const sent = entry.send(
        'out',
        `<iq xmlns="jabber:client" type="get" id="injected-1" to="${DOMAIN}"><ping xmlns="urn:xmpp:ping"/></iq>`,
        { injected: true },
      );
      assert.ok(sent);
      assert.deepEqual(
        [sent.dir, sent.kind, sent.session, sent.flags],
        ['out', 'stanza', session.id, { injected: true }],
      );
      const answer = await waitForFrame(store, (f) => f.dir === 'in' && frameView(f).summary?.id === 'injected-1');
      assert.equal(frameView(answer).summary?.type, 'result');
      assert.equal(entry.send('in', '<presence/>'), undefined, 'an own session only sends towards the server');
    });

    it('stops cleanly: unsubscribes (the server forgets it), closes the stream, ends the capture session', async () => {
      assert.deepEqual(await subscribers(publisher, nodes.queue('7')), ['agent1@finesse.test/finesse-frames']);
      const before = store.lastId;
      await session.stop();
      assert.equal(session.state, 'closed');
      assert.ok(store.sessions.get(session.id)?.ended);
      assert.equal(live.get(session.id), undefined);
      assert.deepEqual(await subscribers(publisher, nodes.queue('7')), []);
      assert.deepEqual(await subscribers(publisher, nodes.teamUsers('1')), []);
      assert.deepEqual(
        await subscribers(publisher, nodes.user('agent1')),
        ['agent1@finesse.test'],
        'what Finesse subscribed stays',
      );
      await waitForFrame(store, (f) => f.kind === 'closeframe' && f.dir === 'in', before);
      const after = store.slice(before - store.firstId + 1);
      const unsubscribed = after
        .map((f) => /<unsubscribe node="([^"]+)" jid="agent1@finesse\.test\/finesse-frames"\/>/.exec(f.raw)?.[1])
        .filter(Boolean);
      assert.deepEqual(unsubscribed.sort(), ['/finesse/api/Queue/7', '/finesse/api/Team/1/Users']);
      assert.ok(after.some((f) => f.dir === 'out' && f.kind === 'close'));
      assert.ok(after.some((f) => f.dir === 'in' && f.kind === 'close'));
      assert.equal(log.states.at(-1), 'closed');
      await session.stop(); // idempotent
    });
  });

  it('binds "desktop" only when asked, and warns what that does', async () => {
    const session = open(new FrameStore(), { resource: 'desktop' });
    const warnings: string[] = [];
    session.on('warning', (w) => warnings.push(w));
    await session.start();
    assert.equal(session.jid, 'agent1@finesse.test/desktop');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /signs the Finesse desktop of agent1@finesse\.test out of notifications/);
  });

  it('says "another client bound …/RESOURCE" when its JID is taken over, and does not reconnect', async () => {
    const session = open(new FrameStore(), { resource: 'taken', reconnect: { initialMs: 10 } });
    const log = record(session);
    await session.start();
    const failed = nextState(session, 'failed');
    const other = await startClient({
      service: prosody.wsUrl,
      username: 'agent1',
      password: PASSWORD,
      resource: 'taken',
    });
    try {
      const { info } = await failed;
      assert.ok(info.error instanceof ConflictError, String(info.error));
      assert.match(info.error.message, /^another client bound agent1@finesse\.test\/taken/);
      assert.ok(!log.states.includes('reconnecting'), log.states.join(' '));
      assert.equal(other.status, 'online');
    } finally {
      await other.stop();
    }
  });

  it('rejects bad credentials with AuthError and never retries them', async () => {
    const store = new FrameStore();
    const session = open(store, { password: 'wrong' });
    const log = record(session);
    await assert.rejects(
      session.start(),
      (e: Error) =>
        e instanceof AuthError &&
        e.condition === 'not-authorized' &&
        e.message === 'authentication failed for agent1@finesse.test: not-authorized',
    );
    assert.equal(session.state, 'failed');
    assert.ok(!log.states.includes('reconnecting'));
    assert.ok(store.sessions.get(session.id)?.ended);
    await waitForFrame(store, (f) => f.kind === 'closeframe');
    assert.ok([...store].some((f) => f.dir === 'in' && /<failure /.test(f.raw)));
    assert.ok(
      [...store].some((f) => f.dir === 'out' && f.kind === 'close'),
      'leaves the server a closed stream',
    );
  });

  it('rejects a server that is not there, without retrying', async () => {
    const session = open(new FrameStore(), { url: 'ws://127.0.0.1:1/ws' });
    await assert.rejects(session.start(), /ECONNREFUSED/);
    assert.equal(session.state, 'failed');
  });

  it('refuses a CA file or pin for a ws:// URL', async () => {
    const session = open(new FrameStore(), { trust: { fingerprint: 'AB'.repeat(32) } });
    await assert.rejects(session.start(), /needs a wss:\/\/ URL/);
  });
});

describe('FinesseSession when the server goes away', function () {
  let prosody: Prosody;

  before(async () => {
    prosody = await Prosody.start({
      users: [
        { user: 'agent1', password: PASSWORD },
        { user: 'agent2', password: PASSWORD },
      ],
    });
  });
  after(async () => {
    await prosody?.dispose();
  });

  it('reconnects with backoff and logs in again under the same capture session', async () => {
    const store = new FrameStore();
    const session = new FinesseSession(store, {
      url: prosody.wsUrl,
      domain: DOMAIN,
      user: 'agent1',
      password: PASSWORD,
      reconnect: { initialMs: 50, maxMs: 400 },
    });
    const log = record(session);
    try {
      await session.start();
      const lost = nextState(session, 'reconnecting');
      await prosody.restart();
      const { info } = await lost;
      assert.equal(info.attempt, 1);
      assert.ok(info.delayMs !== undefined && info.delayMs >= 25 && info.delayMs <= 50, String(info.delayMs));
      assert.match(info.error?.message ?? '', /system-shutdown|closed|lost/);
      const back = await nextState(session, 'online');
      assert.ok((back.info.attempt ?? 0) >= 1);
      const delays = log.infos.filter((_, i) => log.states[i] === 'reconnecting').map((i) => i.delayMs ?? 0);
      assert.ok(
        delays.every((d) => d <= 400),
        `bounded: ${delays}`,
      );
      const opens = [...store].filter((f) => f.dir === 'out' && f.kind === 'open');
      assert.equal(opens.length, 4, 'two logins, each with a stream restart');
      assert.ok([...store].every((f) => f.session === session.id));
    } finally {
      await session.stop();
    }
    assert.equal(session.state, 'closed');
  });

  it('stops while reconnecting: no further attempts, the capture session ends', async () => {
    const store = new FrameStore();
    const session = new FinesseSession(store, {
      url: prosody.wsUrl,
      domain: DOMAIN,
      user: 'agent1',
      password: PASSWORD,
      reconnect: { initialMs: 60_000 },
    });
    await session.start();
    const lost = nextState(session, 'reconnecting');
    await prosody.stop();
    await lost;
    await session.stop();
    assert.equal(session.state, 'closed');
    assert.ok(store.sessions.get(session.id)?.ended);
    await prosody.restart();
  });

  it('gives up when the password changed while it was away: AuthError is never retried', async () => {
    const store = new FrameStore();
    const session = new FinesseSession(store, {
      url: prosody.wsUrl,
      domain: DOMAIN,
      user: 'agent1',
      password: PASSWORD,
      reconnect: { initialMs: 50, maxMs: 200 },
    });
    const log = record(session);
    await session.start();
    const failed = nextState(session, 'failed');
    await prosody.stop();
    await prosody.register('agent1', 'changed-elsewhere');
    await prosody.restart();
    const { info } = await failed;
    assert.ok(info.error instanceof AuthError, String(info.error));
    assert.equal(log.states.filter((s) => s === 'authenticating').length >= 2, true);
    const afterFail = log.states.slice(log.states.lastIndexOf('failed'));
    assert.deepEqual(afterFail, ['failed']);
    assert.ok(store.sessions.get(session.id)?.ended);
    await session.stop();
    assert.equal(session.state, 'failed', 'stop() after a failure changes nothing');
  });

  it('gives up after the configured number of attempts', async () => {
    const store = new FrameStore();
    const session = new FinesseSession(store, {
      url: prosody.wsUrl,
      domain: DOMAIN,
      user: 'agent2',
      password: PASSWORD,
      reconnect: { initialMs: 10, maxMs: 20, attempts: 2 },
    });
    const log = record(session);
    await session.start();
    const failed = nextState(session, 'failed');
    await prosody.stop();
    const { info } = await failed;
    assert.match(info.error?.message ?? '', /gave up after 2 reconnect attempts/);
    assert.deepEqual(log.states.filter((s) => s === 'reconnecting').length, 2);
    await prosody.restart();
  });
});

describe('FinesseSession over verified TLS (wss:// with a self-signed certificate)', function () {
  let prosody: Prosody;
  let cert: TestCert;
  let server: WssServer;

  before(async () => {
    prosody = await Prosody.start({ users: [{ user: 'agent1', password: PASSWORD }] });
    cert = await makeCert();
    server = await WssServer.start(cert, prosody.wsUrl);
  });
  after(async () => {
    await server?.close();
    cert?.dispose();
    await prosody?.dispose();
  });

  const session = (trust?: { caFile?: string; fingerprint?: string }) =>
    new FinesseSession(new FrameStore(), {
      url: server.url(),
      domain: DOMAIN,
      user: 'agent1',
      password: PASSWORD,
      ...(trust ? { trust } : {}),
    });

  it('refuses the certificate unpinned, with its fingerprint in the error, having sent nothing', async () => {
    const s = session();
    const upgrades = server.upgrades;
    await assert.rejects(
      s.start(),
      (e: Error) =>
        e instanceof UntrustedCertificateError &&
        e.fingerprint === cert.fingerprint &&
        e.message.includes(cert.fingerprint),
    );
    assert.equal(s.state, 'failed');
    assert.equal(server.upgrades, upgrades);
  });

  it('logs in with the right pin', async () => {
    const s = session({ fingerprint: cert.fingerprint });
    await s.start();
    assert.equal(s.state, 'online');
    await s.stop();
  });

  it('refuses a wrong pin with FingerprintMismatchError, having sent nothing', async () => {
    const s = session({ fingerprint: '00'.repeat(32) });
    const upgrades = server.upgrades;
    await assert.rejects(
      s.start(),
      (e: Error) => e instanceof FingerprintMismatchError && e.actual === cert.fingerprint,
    );
    assert.equal(server.upgrades, upgrades);
  });

  it('logs in with the certificate as CA file', async () => {
    const s = session({ caFile: cert.file });
    await s.start();
    assert.equal(s.state, 'online');
    await s.stop();
  });
});
