// Intercept in the real proxy between independent clients (@xmpp/client) and real Prosody:
// what the interceptor does to a frame is proven by what another, directly connected client
// receives from Prosody, and by what the capture records.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { FrameStore } from '../../src/core/capture/frameStore';
import type { Frame } from '../../src/core/capture/frame';
import { LiveSessionRegistry } from '../../src/core/capture/liveSession';
import { WsProxy } from '../../src/core/proxy/wsProxy';
import { HeldFrame, Interceptor } from '../../src/core/intercept/interceptor';
import { fromEditable, toEditable, escapesUpdates } from '../../src/core/intercept/editable';
import { buildTemplate } from '../../src/core/intercept/templates';
import { sessionIdentity } from '../../src/core/intercept/sessionJid';
import { decodeUpdate } from '../../src/core/finesse/update';
import { dialogUpdate, userUpdate } from '../../src/core/finesse/builders';
import { nodes } from '../../src/core/finesse/nodes';
import { parseXml } from '../../src/core/xmpp/xml';
import { DOMAIN, Prosody } from '../support/prosody';
import { FinesseSession } from '../../src/core/session/finesseSession';
import { Publisher, startClient, xmppModule, XmppClient } from '../support/xmpp';

type Stanza = Parameters<Parameters<XmppClient['on']>[1]>[0] & {
  name: string;
  attrs: Record<string, string>;
  getChildText(n: string): string | null;
};

/** Resolves with the first stanza the client receives that satisfies `test`. */
function receive(client: XmppClient, test: (s: Stanza) => boolean): Promise<Stanza> {
  return new Promise((resolve) => {
    const on = (s: Stanza) => {
      if (!test(s)) return;
      client.off('stanza', on);
      resolve(s);
    };
    client.on('stanza', on);
  });
}

/** Resolves with the next frame appended to the store that satisfies `test`. */
function captured(store: FrameStore, test: (f: Frame) => boolean): Promise<Frame> {
  return new Promise((resolve) => {
    const on = (frames: Frame[]) => {
      const hit = frames.find(test);
      if (!hit) return;
      store.off('append', on);
      resolve(hit);
    };
    store.on('append', on);
  });
}

function nextHeld(gate: Interceptor, test: (h: HeldFrame) => boolean = () => true): Promise<HeldFrame> {
  return new Promise((resolve) => {
    const on = (h: HeldFrame) => {
      if (!test(h)) return;
      gate.off('held', on);
      resolve(h);
    };
    gate.on('held', on);
  });
}

describe('intercept through the real proxy (Prosody, @xmpp/client)', () => {
  let prosody: Prosody;
  let store: FrameStore;
  let live: LiveSessionRegistry;
  let gate: Interceptor;
  let proxy: WsProxy;
  let agent: XmppClient; // agent1/desktop, through the proxy
  let agentSession: string;
  let observer: XmppClient; // agent1/observer, straight to Prosody
  let xml: Awaited<ReturnType<typeof xmppModule>>['xml'];
  const agentJid = `agent1@${DOMAIN}/desktop`;
  const observerJid = `agent1@${DOMAIN}/observer`;

  /** A proxied client, and its capture session id. */
  async function proxied(username: string, resource: string): Promise<{ client: XmppClient; session: string }> {
    const session = once(proxy, 'session');
    const client = await startClient({ service: proxy.url as string, username, password: `${username}-pw`, resource });
    const [info] = await session;
    return { client, session: info.id };
  }

  const message = (to: string, body: string) => xml('message', { to, type: 'chat' }, xml('body', {}, body));

  before(async () => {
    ({ xml } = await xmppModule());
    prosody = await Prosody.start({
      users: [
        { user: 'agent1', password: 'agent1-pw' },
        { user: 'agent2', password: 'agent2-pw' },
      ],
    });
    store = new FrameStore();
    live = new LiveSessionRegistry();
    gate = new Interceptor(store, live, { holdTimeoutMs: 0 });
    proxy = new WsProxy(store, { target: prosody.wsUrl, gate, live });
    await proxy.listen();
    observer = await startClient({
      service: prosody.wsUrl,
      username: 'agent1',
      password: 'agent1-pw',
      resource: 'observer',
    });
    // Only available resources receive the presence of the account's other resources.
    await observer.send(xml('presence'));
    ({ client: agent, session: agentSession } = await proxied('agent1', 'desktop'));
  });
  after(async () => {
    gate?.releaseAll();
    await agent?.stop().catch(() => undefined);
    await observer?.stop().catch(() => undefined);
    await proxy?.close();
    await prosody?.dispose();
  });
  afterEach(() => {
    gate.resume();
    gate.setBreakpoints([]);
    gate.setReplaceRules([]);
    gate.setHoldTimeout(0);
  });

  it('a held presence is edited in the editor form and arrives edited; the store keeps both texts', async () => {
    gate.pause('out');
    const held = nextHeld(gate, (h) => h.frame.session === agentSession && h.frame.raw.includes('<presence'));
    await agent.send(xml('presence', {}, xml('show', {}, 'away'), xml('status', {}, 'away')));
    const { frame } = await held;
    assert.equal(store.get(frame.id)?.flags.held, true);

    const editor = toEditable(frame.raw).replace(/away/g, 'dnd');
    const wire = fromEditable(editor, { escapeUpdates: escapesUpdates(frame.raw) });
    assert.ok(wire.ok);
    const seen = receive(observer, (s) => s.name === 'presence' && s.attrs.from === agentJid);
    gate.forward(frame.id, wire.raw);
    const presence = await seen;
    assert.equal(presence.getChildText('show'), 'dnd');
    assert.equal(presence.getChildText('status'), 'dnd');

    const stored = store.get(frame.id) as Frame;
    assert.match(stored.raw, /<show>dnd<\/show>/);
    assert.match(stored.original ?? '', /<show>away<\/show>/);
    assert.equal(stored.flags.edited, true);
    assert.notEqual(stored.flags.held, true);
  });

  it('a dropped message never arrives; a later one does', async () => {
    gate.setBreakpoints([{ stanza: 'message', match: 'drop-me' }]);
    const bodies: string[] = [];
    const collect = (s: Stanza) => {
      if (s.name === 'message' && s.attrs.from === agentJid) bodies.push(s.getChildText('body') ?? '');
    };
    observer.on('stanza', collect);
    try {
      const held = nextHeld(gate);
      await agent.send(message(observerJid, 'drop-me'));
      const { frame } = await held;
      gate.drop(frame.id);
      const later = receive(observer, (s) => s.name === 'message' && s.getChildText('body') === 'later');
      await agent.send(message(observerJid, 'later'));
      await later;
      assert.deepEqual(bodies, ['later'], 'the dropped message would have arrived first');
      assert.equal(store.get(frame.id)?.flags.dropped, true);
    } finally {
      observer.off('stanza', collect);
    }
  });

  it('an injected pubsub subscribe (template) gets its result, seen by the capture on the client side; the subscription works', async () => {
    const publisher = await Publisher.start(prosody.wsUrl);
    try {
      const node = nodes.teamUsers('42');
      await publisher.createNode(node);
      const identity = sessionIdentity(store, agentSession);
      assert.equal(identity.jid, agentJid);
      const template = buildTemplate('subscribe', { ...identity, node, id: 'inject-sub-1' });
      const result = captured(
        store,
        (f) => f.session === agentSession && f.dir === 'in' && /\bid=["']inject-sub-1["']/.test(f.raw),
      );
      const injected = gate.inject(agentSession, template.dir, template.raw);
      assert.equal(injected.flags.injected, true);
      const answer = await result;
      const parsed = parseXml(answer.raw);
      assert.ok(parsed.ok);
      assert.equal(parsed.element.attrs.type, 'result');
      assert.match(answer.raw, /subscription=["']subscribed["']/);

      // Prosody now delivers the node's items to the proxied client.
      const update = receive(agent, (s) => s.name === 'message');
      await publisher.publish(node, userUpdate({ id: 'agent9', loginName: 'agent9' }, 'TALKING'));
      const delivered = parseXml((await update).toString());
      assert.ok(delivered.ok);
      assert.equal(decodeUpdate(delivered.element)?.state, 'TALKING');
    } finally {
      await publisher.stop();
    }
  });

  it('an injected Finesse Update reaches the client, as from the notification server', async () => {
    const template = buildTemplate('finesseUpdate', { ...sessionIdentity(store, agentSession), state: 'NOT_READY' });
    const got = receive(agent, (s) => s.name === 'message' && (s.toString() as string).includes('NOT_READY'));
    gate.inject(agentSession, template.dir, template.raw);
    const parsed = parseXml((await got).toString());
    assert.ok(parsed.ok);
    const update = decodeUpdate(parsed.element);
    assert.equal(update?.node, nodes.user('agent1'));
    assert.equal(update?.state, 'NOT_READY');
  });

  it('resend: a captured frame sent again arrives again', async () => {
    const first = receive(observer, (s) => s.name === 'message' && s.getChildText('body') === 'say it twice');
    const sent = captured(
      store,
      (f) => f.session === agentSession && f.dir === 'out' && f.raw.includes('say it twice'),
    );
    await agent.send(message(observerJid, 'say it twice'));
    await first;
    const frame = await sent;
    const again = receive(observer, (s) => s.name === 'message' && s.getChildText('body') === 'say it twice');
    const copy = gate.resend(frame.id);
    await again;
    assert.deepEqual(copy.flags, { injected: true });
  });

  it('other sessions keep flowing while one session is held', async () => {
    const other = await proxied('agent2', 'desktop');
    try {
      gate.setBreakpoints([{ session: agentSession }]);
      const firstHeld = nextHeld(gate, (h) => h.frame.raw.includes('from the held session'));
      const secondHeld = nextHeld(gate, (h) => h.frame.raw.includes('second, behind it'));
      await agent.send(message(observerJid, 'from the held session'));
      await agent.send(message(observerJid, 'second, behind it'));
      await Promise.all([firstHeld, secondHeld]);
      const fromOther = receive(
        observer,
        (s) => s.name === 'message' && s.getChildText('body') === 'from the other session',
      );
      await other.client.send(message(observerJid, 'from the other session'));
      await fromOther;
      assert.equal(gate.held().filter((h) => h.frame.session === agentSession).length >= 1, true);

      // Both matched the breakpoint; Resume lets them go, in order.
      assert.deepEqual(
        gate
          .held()
          .filter((h) => h.frame.session === agentSession)
          .map((h) => h.reason),
        ['breakpoint', 'breakpoint'],
      );
      gate.setBreakpoints([]);
      const bodies: string[] = [];
      const both = new Promise<void>((resolve) => {
        const on = (s: Stanza) => {
          if (s.name !== 'message' || s.attrs.from !== agentJid) return;
          bodies.push(s.getChildText('body') ?? '');
          if (bodies.length === 2) {
            observer.off('stanza', on);
            resolve();
          }
        };
        observer.on('stanza', on);
      });
      gate.resume();
      await both;
      assert.deepEqual(bodies, ['from the held session', 'second, behind it']);
    } finally {
      await other.client.stop().catch(() => undefined);
    }
  });

  it('replace rules rewrite passing frames on the fly', async () => {
    gate.setReplaceRules([{ match: 'colour', replace: 'color', direction: 'out' }]);
    const got = receive(observer, (s) => s.name === 'message' && (s.getChildText('body') ?? '').startsWith('the col'));
    const sent = captured(store, (f) => f.session === agentSession && f.raw.includes('the col'));
    await agent.send(message(observerJid, 'the colour'));
    assert.equal((await got).getChildText('body'), 'the color');
    const frame = await sent;
    assert.equal(store.get(frame.id)?.flags.edited, true);
    assert.match(store.get(frame.id)?.original ?? '', /the colour/);
  });

  it('a forgotten hold warns, then is forwarded when the timeout passes', async () => {
    gate.setHoldTimeout(400, 300);
    gate.pause('out');
    const warned = once(gate, 'warn');
    const released = once(gate, 'released');
    const got = receive(observer, (s) => s.name === 'message' && s.getChildText('body') === 'forgotten');
    await agent.send(message(observerJid, 'forgotten'));
    const [held] = (await warned) as [HeldFrame, number];
    assert.match(held.frame.raw, /forgotten/);
    const [frame, how] = await released;
    assert.equal(how, 'timeout');
    assert.equal(frame.id, held.frame.id);
    await got;
  });
  it('our own Finesse session: Pause holds what the server sends before the session acts on it; its keepalive answers pass; Resume delivers in order', async () => {
    const own = new FinesseSession(
      store,
      {
        url: prosody.wsUrl,
        domain: DOMAIN,
        user: 'agent2',
        password: 'agent2-pw',
        resource: 'gadget',
        keepaliveMs: 100,
        gate,
      },
      live,
    );
    await own.start();
    try {
      const to = `agent2@${DOMAIN}/gadget`;
      const ping = (id: string) => xml('iq', { type: 'get', to, id }, xml('ping', { xmlns: 'urn:xmpp:ping' }));
      gate.pause('in');
      const first = nextHeld(gate, (h) => h.frame.session === own.id && h.frame.raw.includes('hold-1'));
      await observer.send(ping('hold-1'));
      const held1 = (await first).frame;
      const second = nextHeld(gate, (h) => h.frame.session === own.id && h.frame.raw.includes('hold-2'));
      await observer.send(ping('hold-2'));
      const held2 = (await second).frame;
      // Two keepalive round trips later the session is still online (their answers were not
      // held), and it has not answered the held pings: it never saw them.
      for (let n = 0; n < 2; n++)
        await captured(store, (f) => f.session === own.id && f.dir === 'in' && /id=["']ping\d+["']/.test(f.raw));
      assert.equal(own.state, 'online');
      assert.ok(
        ![...store].some((f) => f.session === own.id && f.dir === 'out' && /hold-[12]/.test(f.raw)),
        'no answer while held',
      );

      const answers: string[] = [];
      const got = new Promise<void>((resolve) => {
        const on = (st: Stanza) => {
          if (st.name !== 'iq' || !/^hold-/.test(st.attrs.id ?? '')) return;
          answers.push(st.attrs.id);
          if (answers.length === 2) {
            observer.off('stanza', on);
            resolve();
          }
        };
        observer.on('stanza', on);
      });
      // The first goes edited (the session answers the edit), the second follows it in order.
      gate.forward(held1.id, held1.raw.replace('hold-1', 'hold-1-edited'));
      gate.resume('in');
      await got;
      assert.deepEqual(answers, ['hold-1-edited', 'hold-2']);
      assert.equal(store.get(held1.id)?.flags.edited, true);
      assert.notEqual(store.get(held2.id)?.flags.held, true);
    } finally {
      gate.resume();
      await own.stop();
    }
  });

  describe('what a breakpoint does with the frames behind the one it holds (the Finesse server publishing)', () => {
    const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
    const agent2 = { id: 'agent2', loginName: 'agent2' };
    const call = { id: '16777236', from: '1001', to: '6001' };
    let publisher: Publisher;
    let client: XmppClient;
    let session: string;
    /** "EVENT STATE" of every Finesse Update the proxied client received, in order. */
    const received: string[] = [];
    let arrivals: (() => void)[] = [];
    const receivedCount = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (received.length >= n ? resolve() : arrivals.push(check));
        check();
      });

    before(async () => {
      publisher = await Publisher.start(prosody.wsUrl);
      // Finesse subscribes every agent to its own User and Dialogs nodes.
      for (const node of [nodes.user('agent2'), nodes.userDialogs('agent2')]) {
        await publisher.createNode(node);
        await publisher.autoSubscribe(node, 'agent2');
      }
      ({ client, session } = await proxied('agent2', 'desktop'));
      client.on('stanza', (s: Stanza) => {
        if (s.name !== 'message') return;
        const parsed = parseXml(s.toString() as string);
        const update = parsed.ok ? decodeUpdate(parsed.element) : undefined;
        if (!update) return;
        received.push(`${update.event} ${update.state}`);
        const waiting = arrivals;
        arrivals = [];
        for (const w of waiting) w();
      });
      // Online once Prosody has taken the presence (it sends it back to the resource, RFC 6121
      // 4.2.2): a notification to the bare JID published before that reaches no resource.
      const online = captured(store, (f) => f.session === session && f.dir === 'in' && f.raw.includes('<presence'));
      await client.send(xml('presence'));
      await online;
    });
    after(async () => {
      await client?.stop().catch(() => undefined);
      await publisher?.stop().catch(() => undefined);
    });
    beforeEach(() => {
      received.length = 0;
    });

    /** A Dialog DELETE, then five User changes, published as the Finesse server does. */
    async function deleteThenUserChanges(): Promise<Frame> {
      const held = nextHeld(gate, (h) => h.frame.session === session);
      await publisher.publish(nodes.userDialogs('agent2'), dialogUpdate(agent2, call, 'DROPPED', 'DELETE', { t: T0 }));
      const { frame } = await held;
      for (let n = 0; n < 5; n++)
        await publisher.publish(
          nodes.user('agent2'),
          userUpdate(agent2, n % 2 ? 'READY' : 'NOT_READY', { t: T0 + (n + 1) * 1000 }),
        );
      return frame;
    }
    const userChanges = ['PUT NOT_READY', 'PUT READY', 'PUT NOT_READY', 'PUT READY', 'PUT NOT_READY'];
    const ofSession = () => gate.held().filter((h) => h.frame.session === session);

    it('lets the rest pass by default: the User changes reach the client while the DELETE is held; forwarded, it arrives last, flagged reordered', async () => {
      gate.setBreakpoints([{ id: 'b1', filter: 'dir:in event:DELETE' }]);
      const held = await deleteThenUserChanges();
      await receivedCount(5);
      assert.deepEqual(received, userChanges);
      assert.deepEqual(
        ofSession().map((h) => [h.frame.id, h.reason, h.aside]),
        [[held.id, 'breakpoint', true]],
      );
      gate.forward(held.id);
      await receivedCount(6);
      assert.deepEqual(received, [...userChanges, 'DELETE DROPPED']);
      assert.equal(store.get(held.id)?.flags.reordered, true);
      assert.deepEqual(
        [...store].filter((f) => f.session === session && f.id >= held.id && f.flags.reordered).map((f) => f.id),
        [held.id],
        'only the held frame went out of order',
      );
    });

    it('hold in order: the User changes wait behind the held DELETE and arrive after it, in order', async () => {
      gate.setBreakpoints([{ id: 'b1', filter: 'dir:in event:DELETE', rest: 'wait' }]);
      const waiting = new Promise<void>((resolve) => {
        const check = () =>
          gate.waitingBehind(ofSession()[0]?.frame.id ?? -1) === 5 ? resolve() : gate.once('held', check);
        check();
      });
      const held = await deleteThenUserChanges();
      await waiting;
      assert.deepEqual(received, [], 'nothing overtook the held frame');
      assert.deepEqual(
        gate.waitingQueues().map((q) => [q.session, q.dir, q.head.frame.id, q.head.rule?.id, q.waiting]),
        [[session, 'in', held.id, 'b1', 5]],
      );
      gate.forward(held.id);
      await receivedCount(6);
      assert.deepEqual(received, ['DELETE DROPPED', ...userChanges]);
      assert.equal(gate.heldCount, 0);
      assert.deepEqual(
        [...store].filter((f) => f.session === session && f.id >= held.id && f.flags.reordered),
        [],
      );
    });
  });
});
