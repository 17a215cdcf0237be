// Scenario playback: what each subscribed client receives, in which order, decoded as Finesse
// Updates. Speed is Infinity (no delays) and every wait is on a frame or an event.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { FinesseSimulator, StepEvent } from '../../../../src/core/replay/simulator';
import { defaultScenario } from '../../../../src/core/replay/scenario';
import { decodeUpdate, FinesseUpdate } from '../../../../src/core/finesse/update';
import { Element } from '../../../../src/core/xmpp/xml';
import { RawXmppClient } from './rawXmppClient';

const USER = '/finesse/api/User/agent1';
const DIALOGS = '/finesse/api/User/agent1/Dialogs';
const TEAM = '/finesse/api/Team/1/Users';

/** The default scenario as [node, event, state] — the agent's shift described in scenario.ts. */
const EXPECTED: [string, string, string][] = [
  [USER, 'PUT', 'LOGIN'],
  [USER, 'PUT', 'NOT_READY'],
  [USER, 'PUT', 'READY'],
  [TEAM, 'PUT', 'READY'],
  [DIALOGS, 'POST', 'ALERTING'],
  [USER, 'PUT', 'RESERVED'],
  [DIALOGS, 'PUT', 'ACTIVE'],
  [USER, 'PUT', 'TALKING'],
  [USER, 'PUT', 'Invalid State'],
  [DIALOGS, 'DELETE', 'DROPPED'],
  [USER, 'PUT', 'WORK'],
  [USER, 'PUT', 'READY'],
  [TEAM, 'PUT', 'NOT_READY'],
];

async function nextUpdate(c: RawXmppClient): Promise<{ stanza: Element; update: FinesseUpdate }> {
  const stanza = await c.nextElement();
  const update = decodeUpdate(stanza);
  if (!update) throw new Error(`expected a Finesse event, got ${stanza.toString()}`);
  return { stanza, update };
}

async function subscribed(c: RawXmppClient, jid: string, nodes: string[]): Promise<void> {
  for (const node of nodes) {
    const reply = await c.iq(c.subscribeIq(node, jid));
    assert.equal(reply.attrs.type, 'result', `subscribe ${node}: ${reply.toString()}`);
  }
}

describe('FinesseSimulator scenario', () => {
  const sims: FinesseSimulator[] = [];
  const clients: RawXmppClient[] = [];
  async function start(opts: ConstructorParameters<typeof FinesseSimulator>[0] = {}) {
    const sim = new FinesseSimulator({ speed: Infinity, ...opts });
    sims.push(sim);
    const url = await sim.listen();
    const client = async () => {
      const c = await RawXmppClient.connect(url);
      clients.push(c);
      return { c, jid: await c.login() };
    };
    return { sim, client };
  }
  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    await Promise.all(sims.splice(0).map((s) => s.close()));
  });

  it('plays the whole default scenario in order to a client subscribed to all its nodes', async () => {
    const { client } = await start();
    const { c, jid } = await client();
    await subscribed(c, jid, [TEAM, USER, DIALOGS]);
    const got: [string, string, string][] = [];
    for (let i = 0; i < EXPECTED.length; i++) {
      const { stanza, update } = await nextUpdate(c);
      assert.equal(stanza.attrs.from, 'pubsub.finesse.test');
      assert.equal(stanza.attrs.to, jid);
      assert.match(stanza.toString(), /&lt;Update&gt;/, 'the Update is escaped inside <notification>, as Finesse sends it');
      got.push([update.node, update.event ?? '', update.state ?? '']);
    }
    assert.deepEqual(got, EXPECTED);
  });

  it('carries the requestId of the failed request in the apiErrors Update', async () => {
    const { client } = await start();
    const { c, jid } = await client();
    await subscribed(c, jid, [USER, DIALOGS]);
    let update: FinesseUpdate;
    do update = (await nextUpdate(c)).update;
    while (update.kind !== 'apiErrors');
    assert.equal(update.requestId, 'req-err-0');
    assert.equal(update.state, 'Invalid State');
  });

  it('starts only once the required nodes are subscribed, so no event precedes a subscription result', async () => {
    const { client } = await start();
    const { c, jid } = await client();
    c.send(c.subscribeIq(USER, jid, 'a'));
    assert.equal((await c.nextElement()).attrs.id, 'a');
    c.send(c.subscribeIq(DIALOGS, jid, 'b'));
    // With no delays, an early start would put the LOGIN event before this result.
    assert.equal((await c.nextElement()).attrs.id, 'b');
    assert.equal((await nextUpdate(c)).update.state, 'LOGIN');
  });

  it('skips steps for nodes the client did not subscribe to, and says so', async () => {
    const { sim, client } = await start();
    const steps: StepEvent[] = [];
    sim.on('step', (s) => steps.push(s));
    const { c, jid } = await client();
    await subscribed(c, jid, [USER, DIALOGS]);
    await once(sim, 'done');
    const delivered = steps.filter((s) => s.delivered);
    assert.deepEqual(steps.filter((s) => !s.delivered).map((s) => s.node), [TEAM, TEAM]);
    for (const step of delivered) assert.equal((await nextUpdate(c)).update.node, step.node);
    assert.deepEqual(steps.map((s) => s.index), EXPECTED.map((_, i) => i));
    assert.equal(steps[2].label, 'User agent1 PUT → READY');
  });

  it('plays each client its own scenario, addressed to its own nodes', async () => {
    const { sim, client } = await start({ users: { agent1: 'agent1', agent7: 'pw7' } });
    const one = await client();
    const seven = await RawXmppClient.connect(sim.url as string);
    clients.push(seven);
    const jid7 = await seven.login('agent7', 'pw7');
    await subscribed(one.c, one.jid, [USER, DIALOGS]);
    await subscribed(seven, jid7, ['/finesse/api/User/agent7', '/finesse/api/User/agent7/Dialogs']);
    assert.equal((await nextUpdate(one.c)).update.node, USER);
    const first7 = await nextUpdate(seven);
    assert.equal(first7.update.node, '/finesse/api/User/agent7');
    assert.equal(first7.stanza.attrs.to, jid7);
  });

  it('gives two clients of one simulator a full scenario each', async () => {
    const { client } = await start();
    const a = await client();
    const b = await client();
    await subscribed(a.c, a.jid, [USER, DIALOGS]);
    await subscribed(b.c, b.jid, [USER, DIALOGS]);
    for (const { c } of [a, b]) {
      const states: string[] = [];
      for (let i = 0; i < 3; i++) states.push((await nextUpdate(c)).update.state ?? '');
      assert.deepEqual(states, ['LOGIN', 'NOT_READY', 'READY']);
    }
  });

  it('loops with a new dialog id and requestId on each pass', async () => {
    const { sim, client } = await start({ loop: true });
    const { c, jid } = await client();
    await subscribed(c, jid, [USER, DIALOGS]);
    const alerting: string[] = [];
    const errors: string[] = [];
    while (alerting.length < 2) {
      const { update } = await nextUpdate(c);
      if (update.state === 'ALERTING') alerting.push(update.element?.getChild('data')?.getChild('dialogs')?.getChild('Dialog')?.getChildText('id') ?? '');
      if (update.kind === 'apiErrors') errors.push(update.requestId ?? '');
    }
    assert.deepEqual(alerting, ['16777236', '16777237']);
    assert.deepEqual(errors, ['req-err-0']);
    c.ws.terminate();
    await once(sim, 'disconnect');
    assert.equal(sim.clientCount, 0);
  });

  it('stops delivering a node after unsubscribe', async () => {
    const { sim, client } = await start({ loop: true });
    const { c, jid } = await client();
    await subscribed(c, jid, [USER, DIALOGS]);
    c.send(`<iq type="set" id="unsub" to="pubsub.finesse.test" xmlns="jabber:client"><pubsub xmlns="http://jabber.org/protocol/pubsub"><unsubscribe node="${DIALOGS}" jid="${jid}"/></pubsub></iq>`);
    let frame: Element;
    do frame = await c.nextElement(); // events played before the unsubscribe arrived, then its result
    while (frame.name !== 'iq');
    assert.equal(frame.attrs.id, 'unsub');
    assert.equal(frame.attrs.type, 'result');
    const skipped = new Promise((resolve) => sim.on('step', (s) => s.node === DIALOGS && !s.delivered && resolve(s)));
    // 8 User events per pass: 20 events span more than two passes, each with three Dialogs steps.
    const nodes = new Set<string>();
    for (let i = 0; i < 20; i++) nodes.add((await nextUpdate(c)).update.node);
    await skipped;
    assert.deepEqual([...nodes], [USER]);
  });

  it('the default scenario is deterministic data: 13 steps requiring User and Dialogs', () => {
    const s = defaultScenario();
    assert.equal(s.steps.length, EXPECTED.length);
    assert.deepEqual(s.requires, ['user', 'dialogs']);
    assert.ok(s.steps.every((step) => step.delayMs >= 0));
  });
});
