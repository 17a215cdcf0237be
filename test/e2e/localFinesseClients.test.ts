// Standard XMPP libraries in Node against the local Finesse, as Cisco's sample clients use
// Finesse: stanza (npm) and @xmpp/client bind their own resource, send presence and never
// subscribe, and receive the Updates of their own User/Dialogs nodes; a second `desktop` signs the
// first out with a <conflict/> stream error, as Openfire does; Team nodes need a subscribe.
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import * as Stanza from 'stanza';
import { FinesseSimulator } from '../../src/core/simulator/simulator';
import { idleScenario } from '../../src/core/simulator/scenario';
import { decodeUpdates } from '../../src/core/finesse/update';
import { nodes } from '../../src/core/finesse/nodes';
import { parseXml } from '../../src/core/xmpp/xml';
import { startClient, xmppModule, XmppClient } from '../support/xmpp';
import { is, restClient, UpdateLog, validateUpdates } from './localFinesseSupport';

(globalThis as unknown as { WebSocket: unknown }).WebSocket ??= WebSocket;

const USER = nodes.user('agent1');

/** Feeds every Finesse Update in a raw stanza text into a log. */
function logRaw(log: UpdateLog, raw: string): void {
  const parsed = parseXml(raw);
  if (!parsed.ok) return;
  for (const u of decodeUpdates(parsed.element)) log.push(u.node, u.xml);
}

describe('local Finesse with stanza and @xmpp/client (Node)', () => {
  let sim: FinesseSimulator;
  let validation: ReturnType<typeof validateUpdates>;
  const rest = () => restClient(sim.endpoints?.rest as string, 'agent1', 'agent1');
  const stanzas: Stanza.Agent[] = [];
  const xmpps: XmppClient[] = [];

  before(async () => {
    sim = new FinesseSimulator({ users: { agent1: 'agent1', agent2: 'agent2' }, scenario: idleScenario() });
    validation = validateUpdates(sim);
    await sim.listen();
  });
  after(async () => {
    for (const c of stanzas) c.disconnect();
    for (const c of xmpps) {
      c.reconnect.stop();
      await c.stop().catch(() => undefined);
    }
    await sim.close();
  });

  async function stanzaClient(resource: string, log: UpdateLog): Promise<Stanza.Agent> {
    const client = Stanza.createClient({
      jid: 'agent1@finesse.test',
      password: 'agent1',
      resource,
      transports: { websocket: sim.url as string, bosh: false },
    });
    stanzas.push(client);
    client.on('raw:incoming', (raw: string) => logRaw(log, raw));
    const online = new Promise<void>((resolve, reject) => {
      client.on('session:started', () => resolve());
      client.on('auth:failed', () => reject(new Error('stanza: auth failed')));
    });
    client.connect();
    await online;
    return client;
  }

  it('stanza binds (the bind result is jabber:client), sends presence and gets the REST sign-in Updates unsubscribed', async () => {
    const log = new UpdateLog();
    const client = await stanzaClient('stanza', log);
    assert.equal(client.jid, 'agent1@finesse.test/stanza');
    const online = new Promise((resolve) => sim.once('online', resolve));
    client.sendPresence();
    await online;
    assert.equal(
      (await rest()('PUT', 'User/agent1', '<User><state>LOGIN</state><extension>1001</extension></User>', 'st-1'))
        .status,
      202,
    );
    await log.next(is(USER, 'LOGIN', 'st-1'));
    await log.next(is(USER, 'NOT_READY', 'st-1'));
  });

  it('@xmpp/client, logged in beside it, receives the same READY Update; Team Updates only after a subscribe', async () => {
    const { xml } = await xmppModule();
    const log = new UpdateLog();
    const agent = await startClient({
      service: sim.url as string,
      domain: 'finesse.test',
      username: 'agent1',
      password: 'agent1',
      resource: 'xmppjs',
    });
    xmpps.push(agent);
    agent.on('stanza', (s: { toString(): string }) => logRaw(log, s.toString()));
    const online = new Promise((resolve) => sim.once('online', resolve));
    await agent.send(xml('presence'));
    await online;
    assert.equal((await rest()('PUT', 'User/agent1', '<User><state>READY</state></User>', 'x-1')).status, 202);
    await log.next(is(USER, 'READY', 'x-1'));
    assert.ok(!log.all.some((u) => u.node.startsWith('/finesse/api/Team/')), 'no Team Update without a subscribe');

    const team = nodes.teamUsers('1');
    const sub = (op: string) =>
      agent.iqCaller.request(
        xml(
          'iq',
          { type: 'set', to: sim.pubsubJid },
          xml(
            'pubsub',
            { xmlns: 'http://jabber.org/protocol/pubsub' },
            xml(op, { node: team, jid: agent.jid?.toString() }),
          ),
        ),
      );
    await sub('subscribe');
    const rest2 = restClient(sim.endpoints?.rest as string, 'agent2', 'agent2');
    assert.equal(
      (await rest2('PUT', 'User/agent2', '<User><state>LOGIN</state><extension>1002</extension></User>', 'mate'))
        .status,
      202,
    );
    const mate = await log.next((u) => u.node === team && u.requestId === 'mate');
    assert.match(mate.xml, /<loginId>agent2<\/loginId>/);
    await sub('unsubscribe');
    // agent2's own node is not agent1's feed: nothing of it reaches agent1's clients.
    assert.ok(!log.all.some((u) => u.node === nodes.user('agent2')));
  });

  it('a second `desktop` kicks the first with a <conflict/> stream error; the newer one keeps the feed', async () => {
    const older = await startClient({
      service: sim.url as string,
      domain: 'finesse.test',
      username: 'agent1',
      password: 'agent1',
      resource: 'desktop',
    });
    xmpps.push(older);
    older.reconnect.stop(); // a real desktop signed out this way does not fight back
    const kicked = new Promise<string | undefined>((resolve) =>
      older.on(
        'nonza',
        (el: { name: string; getChildElements(): { name: string }[] }) =>
          el.name === 'stream:error' && resolve(el.getChildElements()[0]?.name),
      ),
    );
    const conflict = new Promise((resolve) => sim.once('conflict', resolve));
    const log = new UpdateLog();
    const newer = await stanzaClient('desktop', log);
    assert.equal(await kicked, 'conflict');
    assert.deepEqual(await conflict, { jid: 'agent1@finesse.test/desktop' });
    newer.sendPresence();
    await new Promise((resolve) => sim.once('online', resolve));
    assert.equal(
      (
        await rest()(
          'PUT',
          'User/agent1',
          '<User><state>NOT_READY</state><reasonCodeId>23</reasonCodeId></User>',
          'nr-1',
        )
      ).status,
      202,
    );
    const nr = await log.next(is(USER, 'NOT_READY', 'nr-1'));
    assert.match(nr.xml, /<reasonCodeId>23<\/reasonCodeId>/);
  });

  it('every Update sent validates against schemas/', async () => {
    assert.ok((await validation.check()) > 5);
  });
});
