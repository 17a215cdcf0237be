// Every inject template is a stanza our own validator accepts, filled in for the session.
import assert from 'node:assert/strict';
import { buildTemplate, TEMPLATE_NAMES } from '../../../../src/core/intercept/templates';
import { validateXml } from '../../../../src/core/validation/validator';
import { formatDiagnostic } from '../../../../src/core/validation/diagnostic';
import { parseXml } from '../../../../src/core/xmpp/xml';
import { decodeUpdate } from '../../../../src/core/finesse/update';

const ctx = { jid: 'agent1@finesse.test/desktop', domain: 'finesse.test' };

describe('inject templates', () => {
  for (const name of TEMPLATE_NAMES) {
    it(`${name} validates clean`, async () => {
      const t = buildTemplate(name, ctx);
      assert.deepEqual((await validateXml(t.raw)).map(formatDiagnostic), []);
    });
  }

  it('subscribe goes to the pubsub service with the agent node and JID', () => {
    const t = buildTemplate('subscribe', { ...ctx, node: '/finesse/api/Team/1/Users' });
    assert.equal(t.dir, 'out');
    const p = parseXml(t.raw);
    assert.ok(p.ok);
    assert.equal(p.element.attrs.to, 'pubsub.finesse.test');
    assert.equal(p.element.attrs.type, 'set');
    const sub = p.element.getChildElements()[0].getChildElements()[0];
    assert.deepEqual(
      [sub.name, sub.attrs.node, sub.attrs.jid],
      ['subscribe', '/finesse/api/Team/1/Users', 'agent1@finesse.test/desktop'],
    );
    assert.notEqual(buildTemplate('ping', ctx).raw, buildTemplate('ping', ctx).raw, 'fresh ids');
  });

  it('the Finesse Update goes to the client, on the agent node', () => {
    const t = buildTemplate('finesseUpdate', { ...ctx, state: 'NOT_READY' });
    assert.equal(t.dir, 'in');
    const p = parseXml(t.raw);
    assert.ok(p.ok);
    const u = decodeUpdate(p.element);
    assert.equal(u?.node, '/finesse/api/User/agent1');
    assert.equal(u?.state, 'NOT_READY');
    assert.equal(p.element.attrs.to, 'agent1@finesse.test/desktop');
  });
});
