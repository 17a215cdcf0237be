// Calls between agents of the local Finesse and the Queue feed, seen as gadgets see them: REST
// requests over HTTP and the Updates each agent's own WebSocket session receives (own feeds
// without subscribing; Queue only after a subscribe). Every Update received validates against
// schemas/.
import assert from 'node:assert/strict';
import { FinesseSimulator } from '../../../../src/core/simulator/simulator';
import { idleScenario } from '../../../../src/core/simulator/scenario';
import { decodeUpdate, FinesseUpdate } from '../../../../src/core/finesse/update';
import { validateXml } from '../../../../src/core/validation/validator';
import { formatDiagnostic } from '../../../../src/core/validation/diagnostic';
import { Element } from '../../../../src/core/xmpp/xml';
import { RawXmppClient } from '../replay/rawXmppClient';

const EXT: Record<string, string> = { agent1: '1001', agent2: '1002', agent3: '1003' };

/** One agent's session: reads its Updates in order, keeping every stanza for the schema check. */
class AgentFeed {
  constructor(
    readonly client: RawXmppClient,
    readonly jid: string,
    private readonly stanzas: Element[],
  ) {}

  /** The next Update; anything else (iq results, presence) fails the test. */
  async next(): Promise<FinesseUpdate> {
    const el = await this.client.nextElement();
    this.stanzas.push(el);
    const u = decodeUpdate(el);
    assert.ok(u, `expected an Update, got ${el.toString()}`);
    return u;
  }

  /** The next `n` Updates as "node-tail event state requestId" lines. */
  async lines(n: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const u = await this.next();
      out.push(`${u.node.replace(/^\/finesse\/api\//, '')} ${u.event} ${u.state ?? ''} ${u.requestId ?? ''}`.trim());
    }
    return out;
  }
}

describe('simulator calls between agents and Queue statistics', () => {
  let sim: FinesseSimulator;
  let stanzas: Element[];
  const clients: RawXmppClient[] = [];

  const rest = async (user: string, method: string, path: string, body?: string, requestId?: string) => {
    const headers: Record<string, string> = { Authorization: `Basic ${Buffer.from(`${user}:pw`).toString('base64')}` };
    if (requestId) headers.requestId = requestId;
    const res = await fetch(`${sim.endpoints?.rest}${path}`, { method, body, headers });
    return { status: res.status, text: await res.text() };
  };
  const state = async (user: string, to: string, requestId: string) => {
    const ext = to === 'LOGIN' ? `<extension>${EXT[user]}</extension>` : '';
    assert.equal(
      (await rest(user, 'PUT', `User/${user}`, `<User><state>${to}</state>${ext}</User>`, requestId)).status,
      202,
    );
  };
  const dialogAction = async (user: string, id: string, action: string, requestId: string, toAddress = '') => {
    const to = toAddress ? `<toAddress>${toAddress}</toAddress>` : '';
    const res = await rest(
      user,
      'PUT',
      `Dialog/${id}`,
      `<Dialog><requestedAction>${action}</requestedAction>${to}<targetMediaAddress>${EXT[user]}</targetMediaAddress></Dialog>`,
      requestId,
    );
    assert.equal(res.status, 202, res.text);
  };
  /** Binds a session for `user`, sends presence (own feeds flow from then on) and signs in. */
  const online = async (user: string, resource = 'desktop'): Promise<AgentFeed> => {
    const c = await RawXmppClient.connect(sim.url as string);
    clients.push(c);
    const jid = await c.login(user, 'pw', resource);
    c.send('<presence xmlns="jabber:client"/>');
    assert.equal((await c.nextElement()).name, 'presence');
    return new AgentFeed(c, jid, stanzas);
  };
  const signIn = async (feed: AgentFeed, user: string, ready: boolean) => {
    await state(user, 'LOGIN', `${user}-in`);
    assert.deepEqual(await feed.lines(2), [
      `User/${user} PUT LOGIN ${user}-in`,
      `User/${user} PUT NOT_READY ${user}-in`,
    ]);
    if (!ready) return;
    await state(user, 'READY', `${user}-ready`);
    assert.deepEqual(await feed.lines(1), [`User/${user} PUT READY ${user}-ready`]);
  };
  const dialogIdOf = (u: FinesseUpdate) => /<id>(\d+)<\/id>/.exec(u.xml)?.[1] as string;

  beforeEach(async () => {
    stanzas = [];
    sim = new FinesseSimulator({ users: { agent1: 'pw', agent2: 'pw', agent3: 'pw' }, scenario: idleScenario() });
    await sim.listen();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    await sim.close();
    const problems: string[] = [];
    for (const s of stanzas)
      for (const d of await validateXml(s.toString()))
        if (d.severity === 'error') problems.push(`${formatDiagnostic(d)}\n${s.toString()}`);
    assert.deepEqual(problems, []);
  });

  it("MAKE_CALL to an agent's extension rings that agent; answer makes both ACTIVE; a drop ends both sides", async () => {
    const a1 = await online('agent1');
    const a2 = await online('agent2');
    await signIn(a1, 'agent1', false);
    await signIn(a2, 'agent2', true);

    const made = await rest(
      'agent1',
      'POST',
      'User/agent1/Dialogs',
      '<Dialog><requestedAction>MAKE_CALL</requestedAction><fromAddress>1001</fromAddress><toAddress>1002</toAddress></Dialog>',
      'mc',
    );
    assert.equal(made.status, 202, made.text);
    const posted = await a1.next();
    assert.deepEqual([posted.event, posted.state, posted.requestId], ['POST', 'INITIATED', 'mc']);
    const id = dialogIdOf(posted);
    // The callee's desk rings with the same dialog: it is ALERTING there, the caller INITIATED.
    const rung = await a2.next();
    assert.deepEqual(
      [rung.node, rung.event, rung.state, dialogIdOf(rung)],
      ['/finesse/api/User/agent2/Dialogs', 'POST', 'ALERTING', id],
    );
    assert.match(rung.xml, /<fromAddress>1001<\/fromAddress>/);
    assert.match(
      rung.xml,
      /<mediaAddress>1002<\/mediaAddress>.*<state>ALERTING<\/state>.*<mediaAddress>1001<\/mediaAddress>.*<state>INITIATED<\/state>/s,
    );
    assert.deepEqual(await a2.lines(1), ['User/agent2 PUT RESERVED mc']);
    assert.deepEqual(await a1.lines(2), ['User/agent1/Dialogs PUT ALERTING mc', 'User/agent1 PUT TALKING mc']);
    // Nobody answered for the callee.
    const callerView = await rest('agent1', 'GET', `Dialog/${id}`);
    assert.match(
      callerView.text,
      /<participants><Participant><actions><action>DROP<\/action><\/actions><mediaAddress>1001<\/mediaAddress>.*<state>INITIATED<\/state>.*<mediaAddress>1002<\/mediaAddress>.*<state>ALERTING<\/state>/,
    );

    await dialogAction('agent2', id, 'ANSWER', 'ans');
    assert.deepEqual(await a2.lines(2), ['User/agent2/Dialogs PUT ACTIVE ans', 'User/agent2 PUT TALKING ans']);
    const active = await a1.next();
    assert.deepEqual([active.event, active.state, active.requestId], ['PUT', 'ACTIVE', 'ans']);
    assert.equal(
      (active.xml.match(/<state>ACTIVE<\/state>/g) ?? []).length,
      3,
      'the dialog and both participants are ACTIVE',
    );

    await dialogAction('agent2', id, 'DROP', 'bye');
    assert.deepEqual(await a2.lines(2), ['User/agent2/Dialogs DELETE DROPPED bye', 'User/agent2 PUT WORK bye']);
    assert.deepEqual(await a1.lines(2), ['User/agent1/Dialogs DELETE DROPPED bye', 'User/agent1 PUT WORK bye']);
    assert.equal((await rest('agent1', 'GET', `Dialog/${id}`)).status, 404);
  });

  it('a call the caller drops while it rings leaves the callee where it was, without wrap-up', async () => {
    const a1 = await online('agent1');
    const a2 = await online('agent2');
    await signIn(a1, 'agent1', false);
    await signIn(a2, 'agent2', true);
    assert.equal(
      (
        await rest(
          'agent1',
          'POST',
          'User/agent1/Dialogs',
          '<Dialog><requestedAction>MAKE_CALL</requestedAction><toAddress>1002</toAddress></Dialog>',
          'mc',
        )
      ).status,
      202,
    );
    const id = dialogIdOf(await a1.next());
    await a1.lines(2);
    await a2.lines(2);
    await dialogAction('agent1', id, 'DROP', 'cancel');
    assert.deepEqual(await a1.lines(2), ['User/agent1/Dialogs DELETE DROPPED cancel', 'User/agent1 PUT WORK cancel']);
    assert.deepEqual(await a2.lines(2), ['User/agent2/Dialogs DELETE DROPPED cancel', 'User/agent2 PUT READY cancel']);
  });

  it("TRANSFER_SST to an agent's extension rings that agent with the call and its variables; the transferring agent wraps up", async () => {
    const a1 = await online('agent1');
    const a3 = await online('agent3');
    await signIn(a1, 'agent1', true);
    await signIn(a3, 'agent3', true);
    const offered = sim.desk.ring('agent1', {
      from: '5551234',
      variables: [{ name: 'callVariable1', value: 'case-4711' }],
    });
    assert.ok(offered.ok && offered.dialogId);
    const id = offered.dialogId;
    assert.deepEqual(await a1.lines(2), ['User/agent1/Dialogs POST ALERTING', 'User/agent1 PUT RESERVED']);
    await dialogAction('agent1', id, 'ANSWER', 'ans');
    assert.deepEqual(await a1.lines(2), ['User/agent1/Dialogs PUT ACTIVE ans', 'User/agent1 PUT TALKING ans']);

    await dialogAction('agent1', id, 'TRANSFER_SST', 'tx', '1003');
    const rung = await a3.next();
    assert.deepEqual(
      [rung.node, rung.event, rung.state, rung.requestId, dialogIdOf(rung)],
      ['/finesse/api/User/agent3/Dialogs', 'POST', 'ALERTING', 'tx', id],
    );
    assert.match(rung.xml, /<fromAddress>5551234<\/fromAddress>/);
    assert.match(rung.xml, /<CallVariable><name>callVariable1<\/name><value>case-4711<\/value><\/CallVariable>/);
    assert.deepEqual(await a3.lines(1), ['User/agent3 PUT RESERVED tx']);
    assert.deepEqual(await a1.lines(2), ['User/agent1/Dialogs DELETE DROPPED tx', 'User/agent1 PUT WORK tx']);
    await dialogAction('agent3', id, 'ANSWER', 'ans3');
    assert.deepEqual(await a3.lines(2), ['User/agent3/Dialogs PUT ACTIVE ans3', 'User/agent3 PUT TALKING ans3']);
    // The caller outside the desk is no participant on Finesse's side: one participant listed.
    assert.equal(((await rest('agent3', 'GET', `Dialog/${id}`)).text.match(/<Participant>/g) ?? []).length, 1);
  });

  it('publishes Queue statistics only to subscribers, as calls ring and are answered', async () => {
    const a1 = await online('agent1');
    const watcher = await online('agent2', 'stats');
    watcher.client.send(watcher.client.subscribeIq('/finesse/api/Queue/1', watcher.jid, 'q'));
    assert.equal((await watcher.client.nextElement()).attrs.id, 'q');
    await signIn(a1, 'agent1', true);
    const stat = (u: FinesseUpdate, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(u.xml)?.[1];
    const queueUpdate = async () => {
      const u = await watcher.next();
      assert.deepEqual([u.node, u.event, u.kind], ['/finesse/api/Queue/1', 'PUT', 'Queue']);
      return u;
    };
    // Sign-in and READY changed the statistics; the watcher's own User feed is silent (not signed in).
    assert.equal(stat(await queueUpdate(), 'agentsLoggedOn'), '1');
    assert.equal(stat(await queueUpdate(), 'agentsNotReady'), '1', 'NOT_READY after LOGIN');
    assert.equal(stat(await queueUpdate(), 'agentsReady'), '1');

    const offered = sim.desk.ring('agent1', { from: '5551234' });
    assert.ok(offered.ok && offered.dialogId);
    const ringing = await queueUpdate();
    assert.deepEqual(
      [stat(ringing, 'callsInQueue'), stat(ringing, 'agentsReady'), stat(ringing, 'agentsBusyOther')],
      ['1', '0', '1'],
    );
    assert.match(stat(ringing, 'startTimeOfLongestCallInQueue') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await dialogAction('agent1', offered.dialogId, 'ANSWER', 'ans');
    const talking = await queueUpdate();
    assert.deepEqual(
      [
        stat(talking, 'callsInQueue'),
        stat(talking, 'agentsTalkingInbound'),
        stat(talking, 'startTimeOfLongestCallInQueue'),
        talking.requestId,
      ],
      ['0', '1', undefined, 'ans'],
    );
    const body = await rest('agent2', 'GET', 'Queue/1');
    assert.equal(body.status, 200);
    assert.match(
      body.text,
      /^<Queue><uri>\/finesse\/api\/Queue\/1<\/uri><name>Sales<\/name><statistics><callsInQueue>0<\/callsInQueue>/,
    );
    assert.equal((await rest('agent2', 'GET', 'Queue/99')).status, 404);

    // agent1 never subscribed: its feed carried its own nodes only.
    const own = await a1.lines(4);
    assert.deepEqual(own, [
      'User/agent1/Dialogs POST ALERTING',
      'User/agent1 PUT RESERVED',
      'User/agent1/Dialogs PUT ACTIVE ans',
      'User/agent1 PUT TALKING ans',
    ]);
    const pong = await a1.client.iq('<iq type="get" id="p" xmlns="jabber:client"><ping xmlns="urn:xmpp:ping"/></iq>');
    assert.equal(pong.attrs.id, 'p', 'no Queue Update was waiting for agent1');
  });
});
