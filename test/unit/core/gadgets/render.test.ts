import assert from 'node:assert/strict';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { renderGadget, type RenderInput } from '../../../../src/core/gadgets/render';
import { readSpec } from '../../../../src/core/gadgets/spec';
import { GADGET_CONFIG_ID, type GadgetRuntimeConfig } from '../../../../src/protocol/gadgetConfig';

const SPEC_URL = new URL('http://127.0.0.1:9999/3rdpartygadget/files/Agent/Agent.xml');

async function render(xml: string, query = 'mid=4', messages: Record<string, string> = {}) {
  const input: RenderInput = {
    spec: await readSpec(xml),
    specUrl: SPEC_URL,
    specParam: '/3rdpartygadget/files/Agent/Agent.xml',
    params: new URLSearchParams(query),
    messages,
    runtimeSrc: '/gadgets/js/gadget-runtime.js',
    makeRequestUrl: '/gadgets/makeRequest',
  };
  return renderGadget(input);
}

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

/** The document a browser builds from the page (parse5 is the HTML standard's tree builder). */
function browserDom(html: string) {
  const doc = parse(html);
  const isEl = (n: Node): n is Element => 'tagName' in n;
  const htmlEl = doc.childNodes.find(isEl) as Element;
  const [head, body] = htmlEl.childNodes.filter(isEl);
  const attr = (el: Element, name: string) => el.attrs.find((a) => a.name === name)?.value;
  const text = (n: Node): string =>
    n.nodeName === '#text'
      ? (n as DefaultTreeAdapterMap['textNode']).value
      : 'childNodes' in n
        ? n.childNodes.map(text).join('')
        : '';
  const all = (n: Node): Element[] =>
    'childNodes' in n ? n.childNodes.flatMap((c) => (isEl(c) ? [c, ...all(c)] : all(c))) : [];
  return {
    doctype: doc.childNodes[0]?.nodeName === '#documentType',
    quirks: doc.mode !== 'no-quirks',
    htmlEl,
    head,
    body,
    attr,
    text,
    /** Elements of head or body as `tag[attr]` labels, to compare orders. */
    labels: (parent: Element) =>
      parent.childNodes
        .filter(isEl)
        .map((e) => e.tagName + (attr(e, 'src') ? `[${attr(e, 'src')}]` : attr(e, 'id') ? `#${attr(e, 'id')}` : '')),
    byId: (id: string) => all(doc).find((e) => attr(e, 'id') === id),
  };
}

function configOf(html: string): GadgetRuntimeConfig {
  const m = new RegExp(`<script type="application/json" id="${GADGET_CONFIG_ID}">(.*?)</script>`).exec(html);
  assert.ok(m, 'the runtime config is in the page');
  return JSON.parse(m[1]) as GadgetRuntimeConfig;
}

/** Cisco's samples write a whole page inside the CDATA, as this one (from the Learning Sample). */
const CISCO_STYLE = `<?xml version="1.0" encoding="UTF-8"?>
<Module>
<ModulePrefs title="__MSG_title__">
    <Require feature="settitle" />
    <Require feature="pubsub-2" />
</ModulePrefs>
<UserPref name="scheme" default_value="http"/>
<UserPref name="host" default_value=""/>
<UserPref name="hostPort" default_value=""/>
<Content type="html">
<![CDATA[
	<!DOCTYPE html>
	<!-- Styling -->
    <link rel="stylesheet" href="Agent.css" type="text/css" />
    <script type="text/javascript" src="__UP_scheme__://__UP_host__:__UP_hostPort__/desktop/assets/js/finesse.js"></script>
    <script type="text/javascript" src="Agent.js"></script>
    <body class="claro">
      <span id="mid">__MODULE_ID__</span>
      <button onClick="go('READY');">Ready</button>
    </body>
    <script type="text/javascript">gadgets.HubSettings.onConnect = function () {};</script>
]]>
</Content>
</Module>`;

describe('gadget renderer', () => {
  it('wraps a fragment into one document: base first in head, the runtime before any gadget script, onload last', async () => {
    const r = await render(CISCO_STYLE, 'mid=4&up_host=127.0.0.1&up_hostPort=9999', { title: 'Agent' });
    assert.ok(r.ok);
    assert.match(
      r.html,
      /^<!DOCTYPE html><html><head><base href="http:\/\/127\.0\.0\.1:9999\/3rdpartygadget\/files\/Agent\/Agent\.xml">/,
    );
    const dom = browserDom(r.html);
    assert.ok(dom.doctype && !dom.quirks, 'standards mode: the gadget doctype stays first');
    assert.deepEqual(dom.labels(dom.head), [
      'base',
      'title',
      'style',
      `script#${GADGET_CONFIG_ID}`,
      'script[/gadgets/js/gadget-runtime.js]',
      'link',
      'script[http://127.0.0.1:9999/desktop/assets/js/finesse.js]',
      'script[Agent.js]',
    ]);
    assert.equal(dom.text(dom.head.childNodes[1]), 'Agent');
    assert.equal(dom.attr(dom.body, 'class'), 'claro');
    const button = dom.body.childNodes.find((n) => n.nodeName === 'button') as Element;
    assert.equal(dom.attr(button, 'onclick'), "go('READY');");
    // The script written after </body> stays in body, and runOnLoadHandlers comes after it.
    const bodyScripts = dom.body.childNodes.filter((n) => n.nodeName === 'script').map((n) => dom.text(n).trim());
    assert.deepEqual(bodyScripts, [
      'gadgets.HubSettings.onConnect = function () {};',
      'gadgets.util.runOnLoadHandlers();',
    ]);
    const mid = dom.byId('mid');
    assert.ok(mid);
    assert.equal(dom.text(mid), '4');
    assert.deepEqual(
      r.scripts.map((s) => s.href),
      [
        'http://127.0.0.1:9999/desktop/assets/js/finesse.js',
        'http://127.0.0.1:9999/3rdpartygadget/files/Agent/Agent.js',
      ],
    );
    assert.deepEqual(r.problems, []);
  });

  it('keeps the runtime first when the gadget writes a whole page, and skips commented-out scripts', async () => {
    const page =
      '<!-- a gadget --><!doctype html><html lang="fr" class="g"><head><title>own</title><script src="a.js"></script></head>' +
      '<body><!-- <script src="finesse-old.js"></script> --><p>x</p></body></html>';
    const r = await render(
      `<Module><ModulePrefs title="t"/><Content><![CDATA[${page}]]></Content></Module>`,
      'mid=1&lang=de',
    );
    assert.ok(r.ok);
    const dom = browserDom(r.html);
    assert.ok(dom.doctype && !dom.quirks);
    assert.deepEqual(dom.labels(dom.head), [
      'base',
      'title',
      'style',
      `script#${GADGET_CONFIG_ID}`,
      'script[/gadgets/js/gadget-runtime.js]',
      'title',
      'script[a.js]',
    ]);
    assert.equal(dom.attr(dom.htmlEl, 'lang'), 'de', 'the frame locale wins, as Shindig sets it');
    assert.equal(dom.attr(dom.htmlEl, 'class'), 'g', 'the gadget html attributes are kept');
    assert.deepEqual(dom.labels(dom.body), ['p', 'script']);
    assert.deepEqual(
      r.scripts.map((u) => u.pathname),
      ['/3rdpartygadget/files/Agent/a.js'],
    );
  });

  it('gives the runtime the prefs defaults, mid, spec URL, title, view, features and messages', async () => {
    const r = await render(CISCO_STYLE, 'mid=4&up_host=h', { title: 'Agent' });
    const c = configOf(r.html);
    assert.equal(c.mid, '4');
    assert.equal(c.specUrl, '/3rdpartygadget/files/Agent/Agent.xml');
    assert.equal(c.title, 'Agent');
    assert.equal(c.view, 'default');
    assert.deepEqual(Object.keys(c.features).sort(), ['core', 'pubsub-2', 'settitle']);
    assert.deepEqual(c.defaultPrefs, { scheme: 'http', host: '', hostPort: '' });
    assert.deepEqual(c.messages, { title: 'Agent' });
    assert.equal(c.makeRequestUrl, '/gadgets/makeRequest');
  });

  it('keeps a value in the config from closing its script element', async () => {
    const r = await render(CISCO_STYLE, 'mid=4', { title: '</script><script>alert(1)</script>' });
    assert.equal(configOf(r.html).title, '</script><script>alert(1)</script>');
    assert.ok(!r.html.includes('<script>alert(1)'));
  });

  it('adds Shindig default styles when the html has no doctype, and renders the home view as default', async () => {
    const r = await render(
      '<Module><ModulePrefs title="t"/><Content view="home"><![CDATA[<p>hi</p>]]></Content></Module>',
    );
    assert.ok(r.ok);
    assert.match(
      r.html,
      /^<html><head><base [^>]+><title>t<\/title><style>body\{overflow-x:auto;overflow-y:auto;\}body,td,div,span,p\{font-family:arial,sans-serif;\}/,
    );
    const dom = browserDom(r.html);
    assert.ok(!dom.doctype);
    assert.deepEqual(dom.labels(dom.body), ['p', 'script']);
    assert.equal(dom.text(dom.body.childNodes[0]), 'hi');
  });

  it('joins the Content sections of the view asked, in order', async () => {
    const xml =
      '<Module><ModulePrefs title="t"/><Content view="canvas">c1</Content><Content view="default">d</Content><Content view="canvas,home">c2</Content></Module>';
    const canvas = await render(xml, 'view=canvas');
    const bodyText = (html: string) => {
      const dom = browserDom(html);
      return dom.body.childNodes
        .filter((n) => n.nodeName === '#text')
        .map((n) => dom.text(n))
        .join('');
    };
    assert.equal(bodyText(canvas.html), 'c1c2');
    assert.equal(bodyText((await render(xml, '')).html), 'd');
  });

  it('stops at a required feature the container lacks, naming its line, and skips an optional one', async () => {
    const xml =
      '<Module>\n<ModulePrefs title="t">\n<Optional feature="opensocial-data"/>\n<Require feature="minimessage"/>\n</ModulePrefs><Content>x</Content></Module>';
    const r = await render(xml);
    assert.equal(r.ok, false);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0].kind, 'feature');
    assert.equal(r.problems[0].line, 4);
    assert.match(r.problems[0].message, /Unsupported feature "minimessage" \(required at line 4\)/);
    assert.match(
      r.html,
      /<li>Unsupported feature &quot;minimessage&quot; \(required at line 4\): the container has no such feature<\/li>/,
    );
    assert.match(r.html, /<script src="\/gadgets\/js\/gadget-runtime.js"><\/script>/);
    assert.equal(configOf(r.html).problem?.line, 4);
    const optional = await render(
      '<Module><ModulePrefs title="t"><Optional feature="opensocial-data"/></ModulePrefs><Content>x</Content></Module>',
    );
    assert.ok(optional.ok);
    assert.ok(!('opensocial-data' in configOf(optional.html).features));
  });

  it('says Content type="url" is not supported, with its line', async () => {
    const r = await render(
      '<Module>\n<ModulePrefs title="t"/>\n<Content type="url" href="http://x.invalid/"/></Module>',
    );
    assert.equal(r.ok, false);
    assert.equal(r.problems[0].line, 3);
    assert.match(r.problems[0].message, /Content type="url" \(line 3\) is not supported/);
  });

  it('warns of __UP_x__ the spec declares no UserPref for, and escapes text on the error page', async () => {
    const r = await render(
      '<Module><ModulePrefs title="&lt;i&gt;"/><Content><![CDATA[<script src="__UP_host__/f.js"></script>]]></Content></Module>',
    );
    assert.ok(r.ok);
    assert.equal(r.problems[0].kind, 'substitution');
    assert.match(r.problems[0].message, /__UP_host__ is left as written/);
    const bad = await render(
      '<Module><ModulePrefs title="&lt;i&gt;"><Require feature="x&lt;b&gt;"/></ModulePrefs><Content>x</Content></Module>',
    );
    assert.ok(!bad.html.includes('<i>') && !bad.html.includes('x<b>'));
    assert.match(bad.html, /&lt;i&gt;: the gadget cannot run/);
  });
});
