// Compare with Original's two sides (src/core/intercept/compareTexts.ts): like with like, so one
// changed value is one changed line.
import assert from 'node:assert/strict';
import { compareTexts } from '../../../../src/core/intercept/compareTexts';
import { toEditable } from '../../../../src/core/intercept/editable';
import { eventMessage, userUpdate } from '../../../../src/core/finesse/builders';
import { nodes } from '../../../../src/core/finesse/nodes';

const agent = { id: 'agent1', loginName: 'agent1' };
const notify = (updateXml: string) =>
  eventMessage({
    from: 'pubsub.finesse.test',
    to: 'agent1@finesse.test/desktop',
    node: nodes.user('agent1'),
    itemId: 'i1',
    updateXml,
  });
const ready = notify(userUpdate(agent, 'READY', { t: Date.UTC(2025, 0, 6, 9) }));

/** Lines that differ between the two sides, position by position. */
function changedLines([a, b]: [string, string]): number {
  const x = a.split('\n');
  const y = b.split('\n');
  let n = Math.abs(x.length - y.length);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) n++;
  return n;
}

describe('Compare with Original: the two sides', () => {
  it('both in the editor form when both can be: one changed value is one changed line', () => {
    const sides = compareTexts(ready, ready.replace('READY', 'NOT_READY'));
    assert.equal(sides[0], toEditable(ready));
    assert.equal(changedLines(sides), 1);
  });

  it('an Update the edit left undecodable: neither side is decoded, the change is still one line', () => {
    // The edit broke the escaped Update (an unclosed tag inside the notification's text).
    const broken = ready.replace('&lt;/state&gt;', '&lt;/stat&gt;');
    assert.notEqual(broken, ready);
    const decodedAgainstNot = [toEditable(ready), toEditable(broken)] as [string, string];
    assert.ok(changedLines(decodedAgainstNot) > 10, 'what the diff showed before');
    assert.equal(changedLines(compareTexts(ready, broken)), 1);
  });

  it('a side that is not XML at all: both compared as sent', () => {
    const sent = ready.replace('</message>', ''); // sent anyway with the error
    const sides = compareTexts(ready, sent);
    assert.deepEqual(sides, [ready, sent]);
    assert.equal(changedLines(sides), 1);
  });
});
