import { strict as assert } from 'node:assert';
import { RE2JS } from 're2js';
import { patternText, requiredText } from '../../../../src/core/capture/regexLiterals';
import { compileUserRegex } from '../../../../src/core/capture/userRegex';

describe('core/capture/regexLiterals', () => {
  it('reads the literal runs and plain alternative groups a pattern requires', () => {
    assert.deepEqual(patternText('state&gt;(READY|TALKING)&lt;'), {
      required: [['state&gt;READY&lt;', 'state&gt;TALKING&lt;']],
      exact: true,
    });
    assert.deepEqual(requiredText('agent1'), [['agent1']]);
    assert.deepEqual(requiredText('ab?c'), [['a'], ['c']]);
    assert.deepEqual(requiredText('ab+c'), [['ab'], ['c']]);
    assert.deepEqual(requiredText('a\\.b\\d+c'), [['a.b'], ['c']]);
    assert.deepEqual(requiredText('(?:x|yz)w[abc]v'), [['xw', 'yzw'], ['v']]);
    assert.deepEqual(patternText('agent1').exact, true);
    assert.deepEqual(patternText('a\\.b\\d').exact, false);
  });

  it('requires nothing of what it does not fully understand', () => {
    for (const p of ['a|b', '(?i)abc', '(?P<n>abc)', '\\Qa|b\\E', '(ab)?', '(ab)*', '(a|b.)', '(a', '[abc', '.*', ''])
      assert.deepEqual(requiredText(p), [], p);
  });

  it('never changes what a pattern matches', () => {
    const patterns = [
      'state&gt;(READY|TALKING)&lt;',
      'agent1',
      '(READY|k)s',
      'a(b|c)+d',
      'ab?c',
      'ab+c',
      'a\\.b',
      '(x|yz)w',
      'k+',
      'KELVIN',
      '[/]x',
      'a{2}b',
      'a{,b',
      'é',
      '(ab)+c',
      'a\\/b',
    ];
    const texts = [
      '',
      'state&gt;READY&lt;',
      'state&gt;WORK&lt;',
      'ac',
      'abbc',
      'a.b',
      'a/b',
      'yzw',
      'xw',
      'KK',
      '\u212a',
      'kelvin',
      '\u212aelvin',
      '/x',
      'aab',
      'a{,b',
      'É',
      'ababc',
      'READYs',
      'kS',
      '\u212a\u017f',
      'abcbd',
      'ad',
      'agent1',
      'AGENT1',
    ];
    for (const p of patterns) {
      for (const flags of ['', 'i']) {
        const engine = RE2JS.compile(p, flags ? RE2JS.CASE_INSENSITIVE : 0);
        const ours = compileUserRegex(p, flags);
        for (const t of texts) assert.equal(ours.test(t), engine.test(t), `/${p}/${flags} on ${JSON.stringify(t)}`);
      }
    }
  });
});
