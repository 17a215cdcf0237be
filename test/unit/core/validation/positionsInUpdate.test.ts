// Diagnostics inside a decoded Finesse Update land where the mistake is in the editor's text:
// the held-frame editor shows the Update decoded inline, and a stray character there must be
// reported on its own line, not on the line of the element libxml2 names.
import assert from 'node:assert/strict';
import { dialogUpdate, eventMessage } from '../../../../src/core/finesse/builders';
import { toEditable } from '../../../../src/core/intercept/editable';
import { formatDiagnostic } from '../../../../src/core/validation/diagnostic';
import { directTextRange, scanTags } from '../../../../src/core/validation/positions';
import { validateXml } from '../../../../src/core/validation/validator';

const agent = { id: 'agent1', loginName: 'agent1' };
const call = { id: '16777236', from: '1000', to: '2000' };
const notification = eventMessage({
  from: 'pubsub.finesse.test',
  to: 'agent1@finesse.test/desktop',
  node: '/finesse/api/User/agent1/Dialogs',
  itemId: 'item-1',
  updateXml: dialogUpdate(agent, call, 'ACTIVE', 'PUT'),
});

describe('positions inside a decoded Update', () => {
  it('directTextRange finds text between children, not inside them', () => {
    const text = '<a>\n  <b>x</b>\n  > <c/>\n</a>';
    const [a, b, c] = scanTags(text);
    const r = directTextRange(text, a, [b, c]);
    assert.ok(r);
    assert.equal(text.slice(r.start, r.end), '>');
    assert.equal(
      directTextRange('<a> <b>x</b> </a>', scanTags('<a> <b>x</b> </a>')[0], [scanTags('<a> <b>x</b> </a>')[1]]),
      undefined,
    );
  });

  for (const line of [10, 24, 30]) {
    it(`a stray ">" after an element on line ${line} is reported on line ${line}, on the ">"`, async () => {
      const lines = toEditable(notification).split('\n');
      assert.match(lines[line - 1], /^\s*<\w+>[^<]*<\/\w+>$/, `line ${line} holds one leaf element`);
      lines[line - 1] += '>';
      const text = lines.join('\n');
      const ds = await validateXml(text);
      assert.equal(ds.length, 1, ds.map(formatDiagnostic).join('\n'));
      const [d] = ds;
      assert.match(d.message, /Character content other than whitespace/);
      assert.deepEqual(
        [d.line, d.column, d.endLine, d.endColumn],
        [line, lines[line - 1].length, line, lines[line - 1].length + 1],
      );
    });
  }

  it('the same stray ">" in the escaped wire form points at its escaped text', async () => {
    const text = notification.replace('&lt;/mediaType&gt;', '&lt;/mediaType&gt;&gt;');
    const [d] = await validateXml(text);
    assert.match(d.message, /Character content other than whitespace/);
    assert.equal(text.slice(d.column - 1, d.endColumn - 1), '&gt;');
  });
});
