// The harness itself against real Prosody: a Finesse-shaped node, an agent subscribed to it
// with an independent client, and an escaped Update that arrives and decodes.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Prosody } from '../support/prosody';
import { Publisher, startClient, subscribe, XmppClient } from '../support/xmpp';
import { userUpdate } from '../../src/core/finesse/builders';
import { nodes } from '../../src/core/finesse/nodes';
import { decodeUpdate } from '../../src/core/finesse/update';
import { parseXml } from '../../src/core/xmpp/xml';

describe('Prosody harness', () => {
  let prosody: Prosody;
  let publisher: Publisher;
  let agent: XmppClient;
  const agent1 = { id: 'agent1', loginName: 'agent1' };

  before(async () => {
    prosody = await Prosody.start({ users: [{ user: 'agent1', password: 'pw1' }] });
    publisher = await Publisher.start(prosody.wsUrl);
    await publisher.createNode(nodes.user('agent1'));
    agent = await startClient({ service: prosody.wsUrl, username: 'agent1', password: 'pw1', resource: 'desktop' });
  });
  after(async () => {
    await agent?.stop();
    await publisher?.stop();
    await prosody?.dispose();
  });

  it('delivers a published Finesse Update to a subscribed agent, escaped as Finesse sends it', async () => {
    await subscribe(agent, nodes.user('agent1'));
    const received = once(agent, 'stanza');
    await publisher.publish(nodes.user('agent1'), userUpdate(agent1, 'READY', { requestId: 'req-1' }));
    const [stanza] = await received;
    const raw = stanza.toString();
    assert.match(raw, /&lt;Update&gt;/);
    const parsed = parseXml(raw);
    assert.ok(parsed.ok);
    const update = decodeUpdate(parsed.element);
    assert.equal(update?.node, '/finesse/api/User/agent1');
    assert.equal(update?.event, 'PUT');
    assert.equal(update?.state, 'READY');
    assert.equal(update?.requestId, 'req-1');
  });
});
