import assert from 'node:assert/strict';
import { embeddedUpdates, unescapeWithMap } from '../../../../src/core/validation/updates';
import { buildTree } from '../../../../src/core/validation/tree';
import { eventMessage, userUpdate } from '../../../../src/core/finesse/builders';
import { toEditable } from '../../../../src/core/intercept/editable';

describe('embedded Finesse Updates', () => {
  it('unescapes entities, character references and CDATA with a map back to the source', () => {
    const src = 'x&lt;a b=&quot;1&quot;&#62;<![CDATA[<c>]]>&#x26;y';
    const { text, map } = unescapeWithMap(src, 1, src.length - 1);
    assert.equal(text, '<a b="1"><c>&');
    assert.equal(src.slice(map[0], map[0] + 4), '&lt;');
    assert.equal(src[map[text.indexOf('<c>')]], '<');
    assert.equal(map[text.length], src.length - 1);
  });

  const raw = eventMessage({
    from: 'pubsub.finesse.test',
    to: 'agent1@finesse.test',
    node: '/finesse/api/User/agent1',
    itemId: 'i',
    updateXml: userUpdate({ id: 'agent1', loginName: 'agent1' }, 'READY'),
  });

  it('finds the escaped Update of a notification and maps its offsets into the stanza', () => {
    const tree = buildTree(raw);
    assert.ok(tree.ok);
    const [u] = embeddedUpdates(tree.root, raw);
    assert.equal(u.escaped, true);
    assert.equal(u.node, '/finesse/api/User/agent1');
    assert.match(u.text, /^<Update><data><user>/);
    const at = u.text.indexOf('READY');
    assert.equal(raw.slice(u.toOuter(at), u.toOuter(at + 5)), 'READY');
  });

  it('finds the inline Update of the editor form', () => {
    const text = toEditable(raw);
    const tree = buildTree(text);
    assert.ok(tree.ok);
    const [u] = embeddedUpdates(tree.root, text);
    assert.equal(u.escaped, false);
    assert.match(u.text, /^<Update xmlns="">/);
    assert.equal(text.slice(u.toOuter(0), u.toOuter(7)), '<Update');
  });
});
