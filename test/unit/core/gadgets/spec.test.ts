import assert from 'node:assert/strict';
import { readSpec, SpecError } from '../../../../src/core/gadgets/spec';

const SPEC = `<?xml version="1.0" encoding="UTF-8"?>
<Module>
  <ModulePrefs title="__MSG_title__" description="Agent view" height="300">
    <Require feature="settitle" />
    <Require feature="dynamic-height pubsub-2"/>
    <Optional feature="loadingindicator">
      <Param name="manual-dismiss">true</Param>
      <Param name="loading-timeout">20</Param>
    </Optional>
    <Locale messages="en.xml"/>
    <Locale lang="de"><msg name="title">Agentenansicht</msg></Locale>
  </ModulePrefs>
  <UserPref name="scheme" display_name="scheme" default_value="http"/>
  <UserPref name="host" datatype="hidden" required="true"/>
  <Content type="html" view="default, home"><![CDATA[<p>one</p>]]></Content>
  <Content type="html" view="canvas">two</Content>
  <Content type="url" href="http://example.invalid/x" view="preview"/>
</Module>`;

describe('gadget spec reader', () => {
  it('reads ModulePrefs, features with params and lines, UserPrefs, Locales and Content sections', async () => {
    const spec = await readSpec(SPEC);
    assert.equal(spec.title, '__MSG_title__');
    assert.deepEqual(spec.modulePrefs, { title: '__MSG_title__', description: 'Agent view', height: '300' });
    assert.deepEqual(
      spec.features.map((f) => [f.name, f.required, f.line]),
      [
        ['settitle', true, 4],
        ['dynamic-height', true, 5],
        ['pubsub-2', true, 5],
        ['loadingindicator', false, 6],
      ],
    );
    assert.deepEqual(spec.features[3].params, { 'manual-dismiss': ['true'], 'loading-timeout': ['20'] });
    assert.deepEqual(
      spec.userPrefs.map((p) => [p.name, p.defaultValue, p.datatype, p.required]),
      [
        ['scheme', 'http', 'string', false],
        ['host', undefined, 'hidden', true],
      ],
    );
    assert.deepEqual(
      spec.locales.map((l) => [l.lang, l.country, l.messages, l.inline]),
      [
        ['all', 'ALL', 'en.xml', {}],
        ['de', 'ALL', undefined, { title: 'Agentenansicht' }],
      ],
    );
    assert.deepEqual(
      spec.contents.map((c) => [c.type, c.views, c.body, c.href, c.line]),
      [
        ['html', ['default', 'home'], '<p>one</p>', undefined, 15],
        ['html', ['canvas'], 'two', undefined, 16],
        ['url', ['preview'], '', 'http://example.invalid/x', 17],
      ],
    );
  });

  it('gives a Content without a view the default view', async () => {
    const spec = await readSpec('<Module><ModulePrefs title="t"/><Content><![CDATA[x]]></Content></Module>');
    assert.deepEqual(spec.contents[0].views, ['default']);
    assert.equal(spec.contents[0].type, 'html');
  });

  it('names the line of a spec that does not parse', async () => {
    const bad = '<?xml version="1.0"?>\n<Module>\n<ModulePrefs title="x">\n</Module>\n';
    await assert.rejects(readSpec(bad), (e: unknown) => {
      assert.ok(e instanceof SpecError);
      assert.equal(e.line, 4);
      assert.match(e.message, /^line 4(:\d+)?: .*ModulePrefs/);
      return true;
    });
  });

  it('refuses a document that is not a Module, or has no Content, naming the line', async () => {
    await assert.rejects(
      readSpec('<?xml version="1.0"?>\n<html/>'),
      /line 2: the root element is <html>, not <Module>/,
    );
    await assert.rejects(
      readSpec('<Module>\n<ModulePrefs title="x"/></Module>'),
      /line 1: the spec has no <Content> section/,
    );
    await assert.rejects(
      readSpec('<Module>\n<ModulePrefs>\n<Require/></ModulePrefs><Content/></Module>'),
      /line 3: <Require> without a feature/,
    );
  });

  it('never expands external entities', async () => {
    const dtd = '<!DOCTYPE Module [<!ENTITY e SYSTEM "file:///etc/hostname">]>';
    const spec = await readSpec(`${dtd}<Module><ModulePrefs title="t"/><Content>a&e;b</Content></Module>`);
    assert.equal(spec.contents[0].body, 'ab');
    await assert.rejects(
      readSpec(`${dtd}<Module><ModulePrefs title="&e;"/><Content/></Module>`),
      /line 1:\d+: .*external entity/,
    );
  });
});
