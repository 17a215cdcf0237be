// A real, independent XMPP client (@xmpp/client, as a gadget or test script would use) logs in
// to real Prosody through the proxy: login, presence, a Finesse User Update published by the
// notification server's role arrives, and every frame is captured and decodes.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Frame } from '../../src/core/capture/frame';
import { FrameStore, SessionInfo } from '../../src/core/capture/frameStore';
import { frameView } from '../../src/core/capture/frameView';
import { frameToJson } from '../../src/core/capture/jsonLines';
import { LiveSessionRegistry } from '../../src/core/capture/liveSession';
import { userUpdate } from '../../src/core/finesse/builders';
import { nodes } from '../../src/core/finesse/nodes';
import { WsProxy } from '../../src/core/proxy/wsProxy';
import { DOMAIN, Prosody } from '../support/prosody';
import { waitForFrame } from '../support/frames';
import { Publisher, startClient, subscribe, xmppModule, XmppClient } from '../support/xmpp';

type Stanza = Awaited<ReturnType<XmppClient['iqCaller']['request']>>;

describe('proxy with a real client and server (@xmpp/client → proxy → Prosody)', () => {
  let prosody: Prosody;
  let publisher: Publisher;
  let store: FrameStore;
  let live: LiveSessionRegistry;
  let proxy: WsProxy;
  let xml: Awaited<ReturnType<typeof xmppModule>>['xml'];
  const clients: XmppClient[] = [];
  const agent1 = { id: 'agent1', loginName: 'agent1' };
  const agent2 = { id: 'agent2', loginName: 'agent2' };

  /** An agent logged in through the proxy, with its capture session. */
  async function agentThroughProxy(user: string): Promise<{ client: XmppClient; session: SessionInfo }> {
    const session = once(proxy, 'session');
    const client = await startClient({
      service: proxy.url as string,
      username: user,
      password: `${user}-pw`,
      resource: 'desktop',
    });
    clients.push(client);
    return { client, session: (await session)[0] };
  }

  /** The next pubsub event message the client receives. */
  function nextEvent(client: XmppClient): Promise<Stanza> {
    return new Promise((resolve) => {
      const on = (s: Stanza) => {
        if (s.name !== 'message' || !s.getChild('event', 'http://jabber.org/protocol/pubsub#event')) return;
        client.off('stanza', on);
        resolve(s);
      };
      client.on('stanza', on);
    });
  }

  const framesOf = (id: string): Frame[] => [...store].filter((f) => f.session === id);

  before(async () => {
    ({ xml } = await xmppModule());
    prosody = await Prosody.start({
      users: [agent1, agent2].map((a) => ({ user: a.loginName, password: `${a.loginName}-pw` })),
    });
    publisher = await Publisher.start(prosody.wsUrl);
    await publisher.createNode(nodes.user(agent1.id));
    await publisher.createNode(nodes.user(agent2.id));
    store = new FrameStore();
    live = new LiveSessionRegistry();
    proxy = new WsProxy(store, { target: prosody.wsUrl, live });
    await proxy.listen();
  });
  after(async () => {
    for (const c of clients) await c.stop().catch(() => undefined);
    await publisher?.stop();
    await proxy?.close();
    await prosody?.dispose();
  });

  it('logs in, sends presence, subscribes, and receives a published Update; every frame is captured', async () => {
    const { client, session } = await agentThroughProxy('agent1');
    assert.equal(client.jid?.toString(), `agent1@${DOMAIN}/desktop`);
    assert.match(session.label, /^proxy 127\.0\.0\.1:\d+$/);
    // Once the server bound it, the session is named by the agent's JID (panel, Sessions view).
    const jid = `agent1@${DOMAIN}/desktop`;
    if (store.sessions.get(session.id)?.label !== jid)
      await new Promise<void>((resolve) => {
        const named = (s: SessionInfo) => {
          if (s.id !== session.id || s.label !== jid) return;
          store.off('session', named);
          resolve();
        };
        store.on('session', named);
      });
    assert.equal(store.sessions.get(session.id)?.target, prosody.wsUrl);
    assert.equal(session.target, prosody.wsUrl);
    await client.send(xml('presence'));
    await subscribe(client, nodes.user(agent1.id));
    const event = nextEvent(client);
    await publisher.publish(nodes.user(agent1.id), userUpdate(agent1, 'READY', { requestId: 'req-42' }));
    const received = await event;
    assert.match(received.toString(), /&lt;state&gt;READY&lt;\/state&gt;/);

    const captured = await waitForFrame(
      store,
      (f) => f.session === session.id && f.dir === 'in' && f.raw.includes('req-42'),
    );
    const update = frameView(captured).finesse;
    assert.equal(update?.node, '/finesse/api/User/agent1');
    assert.equal(update?.event, 'PUT');
    assert.equal(update?.state, 'READY');
    assert.equal(update?.requestId, 'req-42');
    assert.deepEqual(frameToJson(captured).finesse, {
      node: '/finesse/api/User/agent1',
      event: 'PUT',
      requestId: 'req-42',
      source: '/finesse/api/User/agent1',
      kind: 'user',
      state: 'READY',
    });

    const frames = framesOf(session.id);
    const out = frames.filter((f) => f.dir === 'out');
    assert.equal(out[0].kind, 'open');
    const auth = out.find((f) => f.raw.startsWith('<auth')) as Frame;
    const credentials = Buffer.from('\0agent1\0agent1-pw').toString('base64');
    assert.ok(auth.raw.includes(credentials), 'the SASL exchange is captured as sent');
    assert.ok(!frameToJson(auth).raw.includes(credentials), 'and redacted in JSON lines');
    assert.ok(frames.some((f) => f.dir === 'in' && f.raw.startsWith('<success')));
    assert.ok(out.some((f) => f.raw.startsWith('<presence')));
    // The raw text of every text frame is what crossed the wire: it parses, and its size is right.
    for (const f of frames.filter((f) => f.kind === 'stanza')) {
      assert.equal(frameView(f).error, undefined, f.raw);
      assert.equal(f.bytes, Buffer.byteLength(f.raw));
    }
  });

  it('many frames in order: 200 pings sent at once are answered and captured in order', async () => {
    const { client, session } = await agentThroughProxy('agent1');
    const ids = Array.from({ length: 200 }, (_, i) => `ping-${i}`);
    const answers = await Promise.all(
      ids.map((id) =>
        client.iqCaller.request(xml('iq', { type: 'get', to: DOMAIN, id }, xml('ping', { xmlns: 'urn:xmpp:ping' }))),
      ),
    );
    assert.equal(answers.length, 200);
    await waitForFrame(store, (f) => f.session === session.id && f.dir === 'in' && f.raw.includes("id='ping-199'"));
    const idOf = (f: Frame) => /id=["'](ping-\d+)["']/.exec(f.raw)?.[1];
    const frames = framesOf(session.id);
    assert.deepEqual(frames.filter((f) => f.dir === 'out' && idOf(f)).map(idOf), ids);
    assert.deepEqual(frames.filter((f) => f.dir === 'in' && idOf(f)).map(idOf), ids);
  });

  it('two agents at once: two sessions, each with only its own frames and Updates', async () => {
    const a = await agentThroughProxy('agent1');
    const b = await agentThroughProxy('agent2');
    assert.notEqual(a.session.id, b.session.id);
    await subscribe(a.client, nodes.user(agent1.id));
    await subscribe(b.client, nodes.user(agent2.id));
    const toB = nextEvent(b.client);
    await publisher.publish(nodes.user(agent2.id), userUpdate(agent2, 'NOT_READY', { requestId: 'only-for-b' }));
    assert.match((await toB).toString(), /only-for-b/);
    await waitForFrame(store, (f) => f.session === b.session.id && f.raw.includes('only-for-b'));
    assert.equal(
      framesOf(a.session.id).some((f) => f.raw.includes('only-for-b')),
      false,
    );
    assert.ok(live.get(a.session.id) && live.get(b.session.id), 'both are live sessions');
  });

  it('a client that stops: the stream close and the close handshake are captured, the session ends', async () => {
    const { client, session } = await agentThroughProxy('agent2');
    const ended = new Promise<void>((resolve) =>
      store.on('session', (s) => {
        if (s.id === session.id && s.ended) resolve();
      }),
    );
    await client.stop();
    clients.splice(clients.indexOf(client), 1);
    await ended;
    const frames = framesOf(session.id);
    assert.ok(frames.some((f) => f.dir === 'out' && f.kind === 'close'));
    assert.ok(frames.some((f) => f.dir === 'in' && f.kind === 'close'));
    assert.ok(frames.some((f) => f.kind === 'closeframe'));
    assert.equal(live.get(session.id), undefined);
  });
});
