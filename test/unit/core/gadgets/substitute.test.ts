import assert from 'node:assert/strict';
import { substitute, substitutions, undeclaredPrefs } from '../../../../src/core/gadgets/substitute';

describe('hangman variables', () => {
  const subs = substitutions({
    userPrefs: [
      { name: 'host', defaultValue: 'finesse.test' },
      { name: 'scheme', defaultValue: 'http' },
      { name: 'note' },
    ],
    prefValues: { scheme: 'https', note: '<b>"x"</b>', undeclared: 'nope' },
    messages: { hello: 'Hello __UP_host__', loop: 'a __MSG_hello__ b' },
    moduleId: '7',
  });

  it('substitutes declared UserPrefs from up_ values, else their defaults, HTML-escaped', () => {
    assert.equal(substitute('__UP_scheme__://__UP_host__/', subs), 'https://finesse.test/');
    assert.equal(substitute('[__UP_note__]', subs), '[&lt;b&gt;&quot;x&quot;&lt;/b&gt;]');
  });

  it('leaves a pref the spec does not declare as written, and names it', () => {
    assert.equal(substitute('__UP_undeclared__', subs), '__UP_undeclared__');
    assert.deepEqual(undeclaredPrefs('__UP_host__ __UP_undeclared__ __UP_hostPort__', subs), [
      'undeclared',
      'hostPort',
    ]);
  });

  it('substitutes messages, with variables inside them but no message inside a message', () => {
    assert.equal(substitute('__MSG_hello__!', subs), 'Hello finesse.test!');
    assert.equal(substitute('__MSG_loop__', subs), 'a __MSG_hello__ b');
  });

  it('substitutes __MODULE_ID__ and BIDI, keeping an extra leading underscore (Shindig scans one at a time)', () => {
    assert.equal(substitute('id-__MODULE_ID__ ___MODULE_ID__', subs), 'id-7 _7');
    assert.equal(substitute('__BIDI_START_EDGE__/__BIDI_DIR__', subs), 'left/ltr');
    assert.equal(substitute('a__b__c __UNKNOWN__', subs), 'a__b__c __UNKNOWN__');
  });
});
