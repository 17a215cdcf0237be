import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import type { Frame } from '../../../../src/core/capture/frame';
import { DESKTOP, GadgetMember, Hub } from '../../../../src/core/desktop/hub';
import { MasterPublisher, PublisherPorts } from '../../../../src/core/desktop/masterPublisher';
import type { FrameGate } from '../../../../src/core/intercept/gate';
import { parseHubFrame } from '../../../../src/core/hub/hubFrame';
import { Interceptor } from '../../../../src/core/intercept/interceptor';

interface Got {
  subId: string;
  topic: string;
  data: unknown;
}

function gadget(mid: string, title: string): GadgetMember & { got: Got[] } {
  const got: Got[] = [];
  return { mid, label: `${mid} ${title}`, got, deliver: (subId, topic, data) => got.push({ subId, topic, data }) };
}

function hubFrames(store: FrameStore) {
  const out = [];
  for (let id = 1; id <= store.lastId; id++) {
    const f = store.get(id);
    if (f?.kind === 'hub') out.push({ dir: f.dir, ...parseHubFrame(f.raw)! });
  }
  return out;
}

describe('desktop Hub', () => {
  let store: FrameStore;
  beforeEach(() => {
    store = new FrameStore(1000);
    store.openSession({ id: 'hub', label: 'hub', target: 'test' });
  });

  it('delivers a publish to every matching subscription, the publisher included, and captures it once', () => {
    const hub = new Hub({ store, session: 'hub' });
    const a = gadget('1', 'A');
    const b = gadget('2', 'B');
    assert.equal(hub.subscribe(a, 's1', 'sample.*'), undefined);
    assert.equal(hub.subscribe(b, 's2', 'sample.**'), undefined);
    assert.equal(hub.subscribe(b, 's3', 'other'), undefined);
    const frame = hub.publish(a, 'sample.greeting', { hi: 1 }) as Frame;
    assert.equal(frame.kind, 'hub');
    assert.deepEqual(a.got, [{ subId: 's1', topic: 'sample.greeting', data: { hi: 1 } }]);
    assert.deepEqual(b.got, [{ subId: 's2', topic: 'sample.greeting', data: { hi: 1 } }]);
    assert.deepEqual(hubFrames(store), [
      {
        dir: 'out',
        topic: 'sample.greeting',
        from: '1 A',
        to: ['1 A', '2 B'],
        payload: { hi: 1 },
        causedBy: undefined,
      },
    ]);
    hub.unsubscribe(b, 's2');
    hub.publish(DESKTOP, 'sample.x', 2, 41);
    assert.equal(b.got.length, 1);
    assert.deepEqual(hubFrames(store)[1], {
      dir: 'in',
      topic: 'sample.x',
      from: 'desktop',
      to: ['1 A'],
      payload: 2,
      causedBy: 41,
    });
  });

  it('refuses bad topics without capturing anything', () => {
    const hub = new Hub({ store, session: 'hub' });
    const a = gadget('1', 'A');
    assert.match(hub.subscribe(a, 's', 'a.**.b') ?? '', /last token/);
    assert.match(String(hub.publish(a, 'a.*', 1)), /may not contain/);
    assert.equal(hubFrames(store).length, 0);
  });

  it('holds delivery while the gate holds, delivers the edited payload on send, and nothing when dropped', () => {
    const held: ((raw: string) => void)[] = [];
    const gate: FrameGate = { admit: (_f, send) => (held.push(send), 'hold') };
    const hub = new Hub({ store, session: 'hub', gate });
    const a = gadget('1', 'A');
    hub.subscribe(a, 's', 't');
    const f1 = hub.publish(DESKTOP, 't', { n: 1 }) as Frame;
    hub.publish(DESKTOP, 't', { n: 2 });
    assert.equal(a.got.length, 0, 'nothing before the gate lets it go');
    held[0](f1.raw.replace('"n":1', '"n":10'));
    assert.deepEqual(
      a.got.map((g) => g.data),
      [{ n: 10 }],
    );
    // the second is dropped: its send is never called
    assert.equal(a.got.length, 1);
  });
});

describe('desktop MasterPublisher', () => {
  function setup() {
    const store = new FrameStore(1000);
    store.openSession({ id: 'hub', label: 'hub', target: 'test' });
    const hub = new Hub({ store, session: 'hub' });
    const calls: string[] = [];
    const pending: ((err?: string) => void)[] = [];
    const ports: PublisherPorts = {
      subscribeNode: (node) => (calls.push(`sub ${node}`), new Promise((r) => pending.push(r))),
      unsubscribeNode: (node) => (calls.push(`unsub ${node}`), new Promise((r) => pending.push(r))),
      activeTab: () => 'home',
      activateTab: (id) => id === 'home',
      reloadGadget: (mid) => calls.push(`reload ${mid}`),
      log: () => undefined,
    };
    const pub = new MasterPublisher(hub, ports);
    const g = gadget('1', 'Team');
    hub.subscribe(g, 'r', 'finesse.info.responses.*');
    hub.subscribe(g, 'c', 'finesse.info.connection');
    hub.subscribe(g, 'u', 'finesse.api.User.agent1');
    hub.subscribe(g, 't', 'finesse.containerservices.activeTab');
    return { hub, pub, g, calls, pending, store };
  }

  it('publishes an Update on its node topic as {content, object}, linked to its XMPP frame', () => {
    const { pub, g, store } = setup();
    const xml = '<Update><data><user><state>READY</state></user></data><event>PUT</event></Update>';
    pub.relayUpdate('/finesse/api/User/agent1', xml, 7);
    assert.deepEqual(g.got.at(-1), {
      subId: 'u',
      topic: 'finesse.api.User.agent1',
      data: {
        content: `/finesse/api/User/agent1${xml}`,
        object: { Update: { data: { user: { state: 'READY' } }, event: 'PUT' } },
      },
    });
    assert.equal(parseHubFrame(store.get(store.lastId)!.raw)?.causedBy, 7);
    const before = g.got.length;
    pub.relayUpdate('/finesse/api/User/agent1', '<Update><data>', 8);
    assert.equal(g.got.length, before, 'a malformed payload is not published');
  });

  it('answers ConnectionInfoReq with the cached status and the invokeID', () => {
    const { hub, pub, g } = setup();
    pub.setConnection({ status: 'connected', resourceID: 'desktop' });
    hub.publish(g, 'finesse.info.requests', { type: 'ConnectionInfoReq', data: {}, invokeID: 5 });
    assert.deepEqual(g.got.at(-1)?.data, { status: 'connected', resourceID: 'desktop', invokeID: 5 });
  });

  it('subscribes a node once for many requesters and unsubscribes after the last, answering each on its response topic', async () => {
    const { hub, pub, g, calls, pending } = setup();
    const req = (type: string, id: string) =>
      hub.publish(g, 'finesse.info.requests', { type, data: { node: '/finesse/api/Team/1/Users' }, invokeID: id });
    req('SubscribeNodeReq', 'x1');
    const refused = g.got.at(-1);
    assert.deepEqual(refused?.topic, 'finesse.info.responses.x1');
    assert.deepEqual(refused?.data, {
      error: { errorType: 'Not connected', errorMessage: 'Cannot subscribe without connection.' },
    });
    pub.setConnection({ status: 'connected', resourceID: 'desktop' });
    req('SubscribeNodeReq', 'a');
    req('SubscribeNodeReq', 'b');
    assert.deepEqual(calls, ['sub /finesse/api/Team/1/Users']);
    pending.shift()!(undefined);
    await new Promise((r) => setImmediate(r));
    const answers = g.got.filter(
      (x) => x.topic === 'finesse.info.responses.a' || x.topic === 'finesse.info.responses.b',
    );
    assert.deepEqual(
      answers.map((x) => [x.topic, x.data]),
      [
        ['finesse.info.responses.a', undefined],
        ['finesse.info.responses.b', undefined],
      ],
    );
    req('SubscribeNodeReq', 'c');
    assert.equal(g.got.at(-1)?.topic, 'finesse.info.responses.c', 'an active node answers at once');
    req('UnsubscribeNodeReq', 'a');
    req('UnsubscribeNodeReq', 'b');
    assert.equal(calls.length, 1, 'others still subscribed');
    req('UnsubscribeNodeReq', 'c');
    assert.deepEqual(calls.at(-1), 'unsub /finesse/api/Team/1/Users');
    pending.shift()!('<error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error>');
    await new Promise((r) => setImmediate(r));
    const failed = g.got.at(-1)?.data as { subscribe: { content: string; object: unknown } };
    assert.match(failed.subscribe.content, /item-not-found/);
    assert.deepEqual(failed.subscribe.object, {
      error: { '@type': 'cancel', 'item-not-found': { '@xmlns': 'urn:ietf:params:xml:ns:xmpp-stanzas' } },
    });
  });

  it('answers container-services requests: the active tab, and a reload of the gadget asked for', () => {
    const { hub, g, calls } = setup();
    hub.publish(g, 'finesse.containerservices.requests', { type: 'ActiveTabReq', data: {}, invokeID: 1 });
    assert.deepEqual(g.got.at(-1), { subId: 't', topic: 'finesse.containerservices.activeTab', data: 'home' });
    hub.publish(g, 'finesse.containerservices.requests', {
      type: 'ReloadGadgetReq',
      data: { gadgetId: '1' },
      invokeID: 2,
    });
    assert.deepEqual(calls, ['reload 1']);
  });
});

describe('desktop Hub behind the Interceptor', () => {
  it('holds hub deliveries while paused and delivers the edited payload when forwarded', () => {
    const store = new FrameStore(1000);
    store.openSession({ id: 'hub', label: 'hub', target: 'test' });
    const interceptor = new Interceptor(store, undefined, { holdTimeoutMs: 0 });
    const hub = new Hub({ store, session: 'hub', gate: interceptor });
    const a = gadget('1', 'A');
    hub.subscribe(a, 's', 'finesse.api.User.agent1');
    interceptor.pause('in');
    const f = hub.publish(DESKTOP, 'finesse.api.User.agent1', { object: { state: 'READY' } }) as Frame;
    hub.publish(DESKTOP, 'finesse.api.User.agent1', { object: { state: 'TALKING' } });
    assert.equal(a.got.length, 0, 'paused: nothing delivered');
    assert.equal(store.get(f.id)?.flags.held, true);
    interceptor.forward(f.id, f.raw.replace('READY', 'NOT_READY'));
    assert.deepEqual(
      a.got.map((g) => g.data),
      [{ object: { state: 'NOT_READY' } }],
    );
    interceptor.resume('in');
    assert.deepEqual(
      a.got.map((g) => g.data),
      [{ object: { state: 'NOT_READY' } }, { object: { state: 'TALKING' } }],
    );
  });
});
