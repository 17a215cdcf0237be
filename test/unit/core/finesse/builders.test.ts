import assert from 'node:assert/strict';
import {
  dialogUpdate,
  eventMessage,
  notificationXml,
  userUpdate,
  PUBSUB_NS,
} from '../../../../src/core/finesse/builders';
import { parseXml } from '../../../../src/core/xmpp/xml';

const agent = { id: '1001001', loginName: 'agent1', extension: '1001' };

describe('Finesse Update builders', () => {
  it('build well-formed Update documents', () => {
    for (const raw of [
      userUpdate(agent, 'READY'),
      dialogUpdate(agent, { id: '1', from: 'a', to: 'b' }, 'ACTIVE', 'PUT'),
    ]) {
      const r = parseXml(raw);
      assert.ok(r.ok, raw);
      assert.equal(r.element.name, 'Update');
    }
  });

  it('escape the Update inside <notification>, as Finesse publishes it', () => {
    const n = notificationXml('<Update><event>PUT</event></Update>');
    assert.equal(
      n,
      `<notification xmlns="${PUBSUB_NS}">&lt;Update&gt;&lt;event&gt;PUT&lt;/event&gt;&lt;/Update&gt;</notification>`,
    );
  });

  it('escape attribute values of the event message', () => {
    const r = parseXml(
      eventMessage({ from: 'p"s', to: 'a<b', node: 'n&1', itemId: 'i', updateXml: '<Update/>', id: 'm1' }),
    );
    assert.ok(r.ok);
    assert.deepEqual(r.element.attrs, { from: 'p"s', to: 'a<b', id: 'm1', xmlns: 'jabber:client' });
  });
});
