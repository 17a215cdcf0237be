import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import type { Direction } from '../../../../src/core/capture/frame';
import { compileReplaceRules } from '../../../../src/core/intercept/replace';
import { RuleError } from '../../../../src/core/intercept/breakpoints';

const store = new FrameStore(10);
const frame = (dir: Direction) => store.append({ session: 's', dir, kind: 'stanza', raw: '' });

describe('replace rules', () => {
  it('replace every literal occurrence, regex characters included', () => {
    const rw = compileReplaceRules([{ match: 'a.b', replace: 'X' }])!;
    assert.equal(rw(frame('in'), 'a.b axb a.b'), 'X axb X');
  });

  it('regex rules use groups and flags, global implied', () => {
    const rw = compileReplaceRules([
      { match: '<state>(\\w+)</state>', replace: '<state>NOT_$1</state>', regex: true, flags: 'i' },
    ])!;
    assert.equal(
      rw(frame('in'), '<STATE>READY</STATE><state>x</state>'),
      '<state>NOT_READY</state><state>NOT_x</state>',
    );
  });

  it('apply in their direction only, in list order, disabled ones skipped', () => {
    const rw = compileReplaceRules([
      { match: 'a', replace: 'b', direction: 'out' },
      { match: 'b', replace: 'c' },
      { match: 'c', replace: 'z', enabled: false },
    ])!;
    assert.equal(rw(frame('out'), 'a'), 'c');
    assert.equal(rw(frame('in'), 'a'), 'a');
  });

  it('no active rule → no rewriter', () => {
    assert.equal(compileReplaceRules([]), undefined);
    assert.equal(compileReplaceRules([{ match: 'a', replace: 'b', enabled: false }]), undefined);
  });

  it('refuse bad rules', () => {
    assert.throws(() => compileReplaceRules([{ match: '', replace: 'x' }]), RuleError);
    assert.throws(() => compileReplaceRules([{ id: 'r', match: '(', replace: '', regex: true }]), /replace rule "r"/);
  });

  it('regex rules run on the linear-time engine: a catastrophic pattern rewrites at once', () => {
    const rw = compileReplaceRules([{ match: '(a+)+$', replace: 'x', regex: true }]);
    const text = 'a'.repeat(5000) + '!';
    assert.equal(rw?.(frame('in'), text), text);
    assert.equal(
      compileReplaceRules([{ match: '(a+)+!', replace: '<$1>', regex: true }])?.(frame('in'), 'aa!'),
      '<aa>',
    );
  });
});
