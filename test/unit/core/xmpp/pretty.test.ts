import assert from 'node:assert/strict';
import {
  MAX_NESTING,
  nestedDeeperThan,
  nestingNotice,
  prettyXml,
  serializeFlat,
} from '../../../../src/core/xmpp/pretty';
import { parseXml } from '../../../../src/core/xmpp/xml';
import { eventMessage, userUpdate } from '../../../../src/core/finesse/builders';
import { decodeUpdate } from '../../../../src/core/finesse/update';

describe('pretty printer', () => {
  it('indents nested elements, one per line', () => {
    assert.equal(
      prettyXml('<iq type="set"><bind xmlns="b"><resource>desktop</resource></bind></iq>'),
      '<iq type="set">\n  <bind xmlns="b">\n    <resource>desktop</resource>\n  </bind>\n</iq>',
    );
  });

  it('drops only the whitespace between elements', () => {
    assert.equal(prettyXml('<a>\n   <b/>\n   <c>  x  </c>\n</a>', '\t'), '<a>\n\t<b/>\n\t<c>  x  </c>\n</a>');
  });

  it('keeps whitespace-only text of a leaf', () => {
    assert.equal(prettyXml('<a><b> </b></a>'), '<a>\n  <b> </b>\n</a>');
  });

  it('prints mixed content inline so its text does not change', () => {
    assert.equal(prettyXml('<body>Hello <b>world</b>!</body>'), '<body>Hello <b>world</b>!</body>');
    assert.equal(prettyXml('<x><body>a <i>b</i> c</body></x>'), '<x>\n  <body>a <i>b</i> c</body>\n</x>');
  });

  it('escapes text and attributes so the output is the same document', () => {
    const raw = eventMessage({
      from: 'pubsub.finesse.test',
      to: 'agent1@finesse.test',
      node: '/finesse/api/User/agent1',
      itemId: 'i1',
      updateXml: userUpdate({ id: 'agent1', loginName: 'agent1' }, 'READY', { requestId: 'r&1' }),
    });
    const pretty = prettyXml(raw);
    assert.match(pretty, /&lt;Update&gt;/);
    const a = parseXml(raw);
    const b = parseXml(pretty);
    assert.ok(a.ok && b.ok);
    assert.deepEqual(decodeUpdate(b.element)?.requestId, 'r&1');
    assert.equal(decodeUpdate(b.element)?.xml, decodeUpdate(a.element)?.xml);
  });

  it('returns malformed input unchanged', () => {
    assert.equal(prettyXml('<a><b></a>'), '<a><b></a>');
    assert.equal(prettyXml('hello'), 'hello');
  });
});

describe('pretty printer on hostile nesting', () => {
  const deep = '<message>' + '<a x="1">'.repeat(10_000) + 't&amp;' + '</a>'.repeat(10_000) + '</message>';

  it('a 10,000-deep frame: no recursion, the same XML back unindented', () => {
    const p = parseXml(deep);
    assert.ok(p.ok);
    assert.equal(nestedDeeperThan(p.element), true);
    assert.equal(prettyXml(deep), deep);
    assert.equal(serializeFlat(p.element), deep);
  });

  it('counts depth exactly at the limit', () => {
    const at = (n: number) => parseXml('<a>'.repeat(n) + '</a>'.repeat(n));
    const limit = at(MAX_NESTING);
    const over = at(MAX_NESTING + 1);
    assert.ok(limit.ok && over.ok);
    assert.equal(nestedDeeperThan(limit.element), false);
    assert.equal(nestedDeeperThan(over.element), true);
    assert.match(nestingNotice(), /more than 200 levels/);
  });
});
