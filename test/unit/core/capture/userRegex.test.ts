import { strict as assert } from 'node:assert';
import { compileUserRegex } from '../../../../src/core/capture/userRegex';

describe('core/capture/userRegex', () => {
  it('finds a pattern anywhere in the text, with flags', () => {
    assert.equal(compileUserRegex('ready').test('<state>READY</state>'), false);
    assert.equal(compileUserRegex('ready', 'i').test('<state>READY</state>'), true);
    assert.equal(compileUserRegex('^b', 'm').test('a\nb'), true);
    assert.equal(compileUserRegex('a.b', 's').test('a\nb'), true);
  });

  it('answers a catastrophic-backtracking pattern on a long input (linear engine)', () => {
    const re = compileUserRegex('(a+)+$');
    assert.equal(re.test(`${'a'.repeat(100_000)}!`), false);
    assert.equal(re.test('aaa'), true);
  });

  it('replaces every match with groups', () => {
    assert.equal(
      compileUserRegex('<state>(\\w+)</state>').replaceAll('<state>TALKING</state>', '<state>X$1</state>'),
      '<state>XTALKING</state>',
    );
  });

  it('refuses a broken pattern or an unknown flag with a message saying why', () => {
    assert.throws(() => compileUserRegex('('), /invalid regular expression \/\(\/: .*missing closing \)/);
    assert.throws(() => compileUserRegex('a', 'x'), /unknown regular expression flag "x"/);
  });
});
