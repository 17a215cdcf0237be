import assert from 'node:assert/strict';
import { messagesFor } from '../../../../src/core/gadgets/messages';
import { readSpec } from '../../../../src/core/gadgets/spec';

const SPEC_URL = new URL('http://127.0.0.1:1/3rdpartygadget/files/G/G.xml');
const FILES: Record<string, string> = {
  'http://127.0.0.1:1/3rdpartygadget/files/G/all.xml':
    '<messagebundle><msg name="a">all-a</msg><msg name="b">all-b</msg></messagebundle>',
  'http://127.0.0.1:1/3rdpartygadget/files/G/de.xml': '<messagebundle><msg name="a">de-a</msg></messagebundle>',
  'http://127.0.0.1:1/3rdpartygadget/files/G/bad.xml': '<messagebundle>\n<msg name="a">',
};
const load = (u: URL) => Promise.resolve(FILES[u.href]);

const SPEC = `<Module><ModulePrefs title="t">
<Locale messages="all.xml"/>
<Locale lang="de" messages="de.xml"/>
<Locale lang="de" country="CH"><msg name="b">ch-b</msg></Locale>
<Locale lang="fr" messages="bad.xml"/>
<Locale lang="it" messages="missing.xml"/>
</ModulePrefs><Content>x</Content></Module>`;

describe('message bundles', () => {
  it('merges all, then the language, then the exact locale', async () => {
    const spec = await readSpec(SPEC);
    assert.deepEqual((await messagesFor(spec, SPEC_URL, { lang: 'en', country: 'US' }, load)).messages, {
      a: 'all-a',
      b: 'all-b',
    });
    assert.deepEqual((await messagesFor(spec, SPEC_URL, { lang: 'de', country: 'DE' }, load)).messages, {
      a: 'de-a',
      b: 'all-b',
    });
    assert.deepEqual((await messagesFor(spec, SPEC_URL, { lang: 'de', country: 'CH' }, load)).messages, {
      a: 'de-a',
      b: 'ch-b',
    });
  });

  it('reports a bundle that does not parse or is missing, with the Locale line, and keeps the others', async () => {
    const spec = await readSpec(SPEC);
    const fr = await messagesFor(spec, SPEC_URL, { lang: 'fr', country: 'FR' }, load);
    assert.deepEqual(fr.messages, { a: 'all-a', b: 'all-b' });
    assert.equal(fr.problems.length, 1);
    assert.equal(fr.problems[0].line, 5);
    assert.match(fr.problems[0].message, /^message bundle bad\.xml: line \d+: /);
    const it = await messagesFor(spec, SPEC_URL, { lang: 'it', country: 'IT' }, load);
    assert.deepEqual(
      it.problems.map((p) => [p.line, p.message]),
      [[6, 'message bundle missing.xml not found']],
    );
  });
});
