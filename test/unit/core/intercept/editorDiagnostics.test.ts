// What the frame editor shows of a validation (src/core/intercept/editorDiagnostics.ts), over the
// real validator: one typo is one place to fix, not a cascade down to the root.
import assert from 'node:assert/strict';
import { withoutCascade } from '../../../../src/core/intercept/editorDiagnostics';
import { toEditable } from '../../../../src/core/intercept/editable';
import { eventMessage, userUpdate } from '../../../../src/core/finesse/builders';
import { nodes } from '../../../../src/core/finesse/nodes';
import { validateXml } from '../../../../src/core/validation/validator';

const agent = { id: 'agent1', loginName: 'agent1' };
const update = toEditable(
  eventMessage({
    from: 'pubsub.finesse.test',
    to: 'agent1@finesse.test/desktop',
    node: nodes.user('agent1'),
    itemId: 'i1',
    updateXml: userUpdate(agent, 'READY', { t: Date.UTC(2025, 0, 6, 9) }),
  }),
);

describe('frame editor diagnostics', () => {
  it('a missing > deep in an Update is reported on its line only, saying how many errors followed', async () => {
    const typo = update.replace('<state>', '<state');
    const line = typo.split('\n').findIndex((l) => l.includes('<stateREADY')) + 1;
    const all = await validateXml(typo);
    assert.ok(all.length > 5, `libxml2 cascades: ${all.length} errors`);
    const shown = withoutCascade(all);
    assert.ok(shown.length <= 2, JSON.stringify(shown));
    assert.deepEqual([...new Set(shown.map((d) => d.line))], [line]);
    assert.match(
      shown[shown.length - 1].message,
      new RegExp(`\\(${all.length - shown.length} more errors follow from it\\)$`),
    );
  });

  it('keeps a single error, and protocol findings, as they are', async () => {
    const one = await validateXml(update.replace('</state>', '</stat>'));
    assert.deepEqual(withoutCascade(one), one);
    const rules = await validateXml('<iq xmlns="jabber:client" type="get">\n  <ping xmlns="urn:xmpp:ping"/>\n</iq>');
    assert.ok(rules.some((d) => d.code === 'iq-id'));
    assert.deepEqual(withoutCascade(rules), rules);
  });
});
