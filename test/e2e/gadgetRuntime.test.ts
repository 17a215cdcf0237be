// The gadgets.* runtime (dist/gadget-runtime.js) in a gadget frame rendered by the local Finesse's
// /gadgets/ifr, in Chromium, inside a minimal container page written here: it answers the frame's
// postMessage protocol (src/protocol/gadgetHub.ts) with an OpenAjax-style hub and records every
// message. The gadget exercises what finesse.js and Cisco's samples use: Prefs, util, json,
// io.makeRequest against the real local REST, the Hub with onConnect, window, loadingindicator,
// and its console and errors reaching the container with their file and line.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { FinesseSimulator } from '../../src/core/simulator/simulator';
import type { GadgetProblem } from '../../src/core/gadgets/problem';
import type { RestForwarder } from '../../src/core/gadgets/restForwarder';
import type { FromGadget } from '../../src/protocol/gadgetHub';

/** The container: one frame, a hub (OpenAjax wildcards), every message kept in `window.got`. */
const PARENT = `<!doctype html><meta charset="utf-8"><title>container</title><body>
<script>
window.got = [];
var subs = {};
function matches(pattern, topic) {
  var p = pattern.split('.'), t = topic.split('.');
  for (var i = 0; i < p.length; i++) {
    if (p[i] === '**') return t.length > i;
    if (i >= t.length || (p[i] !== '*' && p[i] !== t[i])) return false;
  }
  return p.length === t.length;
}
function frameWin() { return document.getElementById('g').contentWindow; }
function post(msg) { msg.ffd = 1; frameWin().postMessage(msg, location.origin); }
window.publish = function (topic, data) {
  Object.keys(subs).forEach(function (id) { if (matches(subs[id], topic)) post({ type: 'deliver', subId: id, topic: topic, data: data }); });
};
window.deliverTo = function (subId, topic, data) { post({ type: 'deliver', subId: subId, topic: topic, data: data }); };
window.reloadGadget = function () { post({ type: 'reload' }); };
addEventListener('message', function (e) {
  if (e.source !== frameWin() || e.origin !== location.origin || !e.data || e.data.ffd !== 1) return;
  var m = e.data;
  window.got.push(m);
  if (m.type === 'hello') post({ type: 'connected' });
  if (m.type === 'subscribe') { subs[m.subId] = m.topic; post({ type: 'subscribed', subId: m.subId }); }
  if (m.type === 'unsubscribe') delete subs[m.subId];
  if (m.type === 'publish') window.publish(m.topic, m.data);
});
var f = document.createElement('iframe');
f.id = 'g';
f.src = '/gadgets/ifr?container=default&mid=5&view=default&lang=de&country=CH&up_id=agent1&up_n=42&up_flag=true' +
  '&up_list=' + encodeURIComponent('a|b%7Cc') + '&up_html=' + encodeURIComponent('<i>') +
  '&up_restHost=127.0.0.1&up_localhostPort=' + location.port +
  '&url=' + encodeURIComponent(location.origin + '/3rdpartygadget/files/' + (new URLSearchParams(location.search).get('spec') || 'T/T.xml'));
document.body.appendChild(f);
</script>`;

const SPEC = `<?xml version="1.0" encoding="UTF-8"?>
<Module>
  <ModulePrefs title="Runtime __MSG_hello__">
    <Require feature="settitle"/>
    <Require feature="dynamic-height"/>
    <Require feature="pubsub-2"/>
    <Require feature="setprefs"/>
    <Require feature="loadingindicator"><Param name="manual-dismiss">true</Param></Require>
    <Locale lang="de"><msg name="hello">Hallo</msg></Locale>
  </ModulePrefs>
  <UserPref name="id" default_value="nobody"/>
  <UserPref name="color" default_value="blue"/>
  <Content type="html"><![CDATA[
    <!DOCTYPE html>
    <script type="text/javascript" src="T.js"></script>
    <body>
      <p id="hangman">__UP_id__/__MSG_hello__/__MODULE_ID__</p>
      <div style="height:180px">tall</div>
    </body>
    <script type="text/javascript">
      gadgets.HubSettings.onConnect = function () { window.onHub(); };
    </script>
  ]]></Content>
</Module>`;

/** The gadget's own script (T.js); line numbers matter: the log test names line 3. */
const GADGET_JS = `var prefs = new gadgets.Prefs();
window.hubBeforeLoad = typeof gadgets.Hub;
console.log('gadget says', { x: 1 });
window.results = {
  id: prefs.getString('id'), n: prefs.getInt('n'), flag: prefs.getBool('flag'), list: prefs.getArray('list'),
  color: prefs.getString('color'), html: prefs.getString('html'), msg: prefs.getMsg('hello'),
  lang: prefs.getLang(), country: prefs.getCountry(), same: new gadgets.Prefs() === prefs,
  mid: gadgets.util.getUrlParameters().mid, json: gadgets.json.parse('{"a":[1]}'), badJson: gadgets.json.parse('{'),
  str: gadgets.json.stringify({ a: 1, b___: 2 }), esc: gadgets.util.escapeString('<a href="x">'),
  unesc: gadgets.util.unescapeString('&#60;b&#62;'), closure: gadgets.util.makeClosure(null, function (a, b) { return a + b; }, 2)(3),
  hasPubsub: gadgets.util.hasFeature('pubsub-2'), loadingParams: gadgets.util.getFeatureParameters('loadingindicator'),
  enumGet: gadgets.io.MethodType.GET, headersParam: gadgets.io.RequestParameters.HEADERS,
  viewport: gadgets.window.getViewportDimensions().width > 0
};
prefs.set('authorization', 'YWdlbnQxOmFnZW50MQ==');
window.results.auth = prefs.getString('authorization');
var P = gadgets.io.RequestParameters;
window.request = function (method, path, body, extra) {
  return new Promise(function (resolve) {
    var params = {};
    params[P.METHOD] = method;
    params[P.HEADERS] = { Authorization: 'Basic ' + prefs.getString('authorization') };
    if (body) { params[P.HEADERS]['Content-Type'] = 'application/xml'; params[P.HEADERS].requestId = 'rq-1'; params[P.POST_DATA] = body; params[P.GET_FULL_HEADERS] = 'true'; }
    var url = (extra || ('http://' + prefs.getString('restHost') + ':' + prefs.getString('localhostPort'))) + path;
    gadgets.io.makeRequest(url, resolve, params);
  });
};
window.onHub = function () {
  var scope = { name: 'scope' };
  window.hub = { connected: gadgets.Hub.isConnected(), deliveries: [], completes: [] };
  try { gadgets.Hub.subscribe('a.**.b', function () {}); } catch (e) { window.hub.badTopic = e.message; }
  window.hub.subId = gadgets.Hub.subscribe('test.echo.*', function (topic, data, subscriberData) {
    window.hub.deliveries.push({ topic: topic, data: data, subscriberData: subscriberData, self: this.name });
  }, scope, function (id, ok, err) { window.hub.completes.push([id, ok, err]); }, { mine: true });
  gadgets.Hub.publish('test.echo.one', { n: 1, fn: function () {} });
  gadgets.window.setTitle('Retitled');
  gadgets.window.adjustHeight();
  gadgets.loadingindicator.dismiss();
  setTimeout(function () { throw new Error('boom'); }, 0);
  Promise.reject(new Error('nope'));
};
`;

describe('gadgets.* runtime in Chromium (a rendered gadget frame in a container page)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let dir: string;
  let sim: FinesseSimulator;
  let page: Page;
  let frame: Frame;
  const problems: GadgetProblem[] = [];
  const consoleTexts: string[] = [];
  const got = () => page.evaluate(() => (window as unknown as { got: FromGadget[] }).got);
  const waitGot = (pred: string) =>
    page.waitForFunction(`window.got.some(function (m) { return ${pred}; })`, undefined, { timeout: 10_000 });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'finesse-runtime-'));
    mkdirSync(join(dir, 'T'));
    writeFileSync(join(dir, 'parent.html'), PARENT);
    writeFileSync(join(dir, 'T', 'T.xml'), SPEC);
    writeFileSync(join(dir, 'T', 'T.js'), GADGET_JS);
    writeFileSync(
      join(dir, 'T', 'Broken.xml'),
      '<?xml version="1.0"?>\n<Module>\n<ModulePrefs title="x">\n<Content/>\n</Module>\n',
    );
    writeFileSync(
      join(dir, 'T', 'Wants.xml'),
      '<Module>\n<ModulePrefs title="Wants">\n<Require feature="opensocial-0.9"/>\n</ModulePrefs>\n<Content>x</Content></Module>',
    );
    const rest: RestForwarder = async (req) => {
      const res = await fetch(new URL(req.url.pathname + req.url.search, sim.origin), {
        method: req.method,
        headers: req.headers,
        body: req.body,
      });
      return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
    };
    sim = new FinesseSimulator({
      serve: dir,
      scenario: { name: 'idle', start: 'immediately', steps: [] },
      gadgets: { rest, onProblem: (p) => problems.push(p) },
    });
    await sim.listen();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('console', (m) => consoleTexts.push(m.text()));
    await page.goto(`${sim.origin}/3rdpartygadget/files/parent.html`);
    await waitGot("m.type === 'hello'");
    const f = page.frames().find((x) => x.url().includes('/gadgets/ifr'));
    assert.ok(f, 'the gadget frame');
    frame = f;
    await frame.waitForFunction('window.hub && window.hub.deliveries.length === 1');
  });
  after(async () => {
    await browser?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders the spec: hangman variables, relative script from the spec folder, the title', async () => {
    assert.equal(await frame.textContent('#hangman'), 'agent1/Hallo/5');
    assert.equal(await frame.title(), 'Runtime Hallo');
    assert.deepEqual(problems, []);
  });

  it('gives gadgets.Prefs, util and json as Shindig does', async () => {
    const r = await frame.evaluate(() => (window as unknown as { results: Record<string, unknown> }).results);
    assert.deepEqual(r, {
      id: 'agent1',
      n: 42,
      flag: true,
      list: ['a', 'b|c'],
      color: 'blue',
      html: '&#60;i&#62;',
      msg: 'Hallo',
      lang: 'de',
      country: 'CH',
      same: true,
      mid: '5',
      json: { a: [1] },
      badJson: false,
      str: '{"a":1}',
      esc: '&#60;a href=&#34;x&#34;&#62;',
      unesc: '<b>',
      closure: 5,
      hasPubsub: true,
      loadingParams: { 'manual-dismiss': ['true'] },
      enumGet: 'GET',
      headersParam: 'HEADERS',
      viewport: true,
      auth: 'YWdlbnQxOmFnZW50MQ==',
    });
  });

  it('creates gadgets.Hub only on load, connects, and keeps OpenAjax semantics', async () => {
    assert.equal(
      await frame.evaluate(() => (window as unknown as { hubBeforeLoad: string }).hubBeforeLoad),
      'undefined',
    );
    const hub = await frame.evaluate(() => (window as unknown as { hub: Record<string, unknown> }).hub);
    assert.equal(hub.connected, true);
    assert.equal(hub.badTopic, 'OpenAjax.hub.Error.BadParameters');
    assert.deepEqual(hub.completes, [[hub.subId, true, '']]);
    assert.deepEqual(hub.deliveries, [
      { topic: 'test.echo.one', data: { n: 1 }, subscriberData: { mine: true }, self: 'scope' },
    ]);
    const sent = await got();
    assert.ok(sent.every((m) => m.mid === '5'));
    assert.ok(sent.some((m) => m.type === 'subscribe' && m.topic === 'test.echo.*' && m.subId === hub.subId));
    assert.ok(sent.some((m) => m.type === 'publish' && m.topic === 'test.echo.one'));
    // A publish from the container reaches the subscription; after unsubscribe, none does.
    await page.evaluate(() =>
      (window as unknown as { publish: (t: string, d: unknown) => void }).publish('test.echo.two', 'x'),
    );
    await frame.waitForFunction('window.hub.deliveries.length === 2');
    await frame.evaluate(() => {
      const w = window as unknown as { gadgets: { Hub: { unsubscribe(id: string): void } }; hub: { subId: string } };
      w.gadgets.Hub.unsubscribe(w.hub.subId);
    });
    await waitGot("m.type === 'unsubscribe'");
    // A delivery already on its way to the old subscription is dropped; one to a live one arrives.
    await frame.evaluate(() => {
      const w = window as unknown as {
        gadgets: { Hub: { subscribe(t: string, f: () => void): string } };
        barrier: boolean;
        barrierId: string;
      };
      w.barrierId = w.gadgets.Hub.subscribe('test.barrier', () => (w.barrier = true));
    });
    const barrierId = await frame.evaluate(() => (window as unknown as { barrierId: string }).barrierId);
    await page.evaluate(
      ([old, barrier]) => {
        const w = window as unknown as { deliverTo: (id: string, t: string, d: unknown) => void };
        w.deliverTo(old, 'test.echo.three', 'late');
        w.deliverTo(barrier, 'test.barrier', 'b');
      },
      [hub.subId as string, barrierId] as const,
    );
    await frame.waitForFunction('window.barrier === true');
    assert.equal(
      await frame.evaluate(() => (window as unknown as { hub: { deliveries: unknown[] } }).hub.deliveries.length),
      2,
    );
  });

  it('sends setTitle, adjustHeight and the loading indicator to the container', async () => {
    const sent = await got();
    assert.ok(sent.some((m) => m.type === 'setTitle' && m.title === 'Retitled'));
    const height = sent.find((m) => m.type === 'adjustHeight');
    assert.ok(
      height && height.type === 'adjustHeight' && height.height >= 180,
      `adjustHeight ${JSON.stringify(height)}`,
    );
    assert.deepEqual(
      sent.filter((m) => m.type === 'loading').map((m) => m.type === 'loading' && m.shown),
      [true, false],
    );
  });

  it('forwards console calls with the gadget file and line, and leaves the browser console as it was', async () => {
    const sent = await got();
    const log = sent.find((m) => m.type === 'log' && m.text.startsWith('gadget says'));
    assert.ok(log && log.type === 'log');
    assert.equal(log.text, 'gadget says {"x":1}');
    assert.equal(log.level, 'log');
    assert.equal(log.source?.url, `${sim.origin}/3rdpartygadget/files/T/T.js`);
    assert.equal(log.source?.line, 3);
    assert.ok(
      consoleTexts.some((t) => t.startsWith('gadget says')),
      'the browser console still shows it',
    );
  });

  it('forwards uncaught errors and unhandled rejections with their source', async () => {
    await waitGot("m.type === 'error' && /boom/.test(m.message)");
    await waitGot("m.type === 'error' && /nope/.test(m.message)");
    const sent = await got();
    const boom = sent.find((m) => m.type === 'error' && m.message.includes('boom'));
    assert.ok(boom && boom.type === 'error');
    assert.equal(boom.source?.url, `${sim.origin}/3rdpartygadget/files/T/T.js`);
    assert.match(boom.stack ?? '', /T\.js/);
    const nope = sent.find((m) => m.type === 'error' && m.message.includes('nope'));
    assert.ok(nope && nope.type === 'error');
    assert.equal(nope.message, 'Unhandled promise rejection: nope');
  });

  it('makes REST requests through /gadgets/makeRequest to the local Finesse', async () => {
    type Rsp = { rc: number; text: string; data: unknown; headers?: Record<string, string[]>; errors: string[] };
    const call = (m: string, p: string, b?: string, extra?: string) =>
      frame.evaluate(
        ([m, p, b, e]) => (window as unknown as { request: (...a: unknown[]) => Promise<Rsp> }).request(m, p, b, e),
        [m, p, b, extra] as const,
      );
    const user = await call('GET', '/finesse/api/User/agent1');
    assert.equal(user.rc, 200);
    assert.match(user.text, /<loginId>agent1<\/loginId>/);
    assert.equal(user.data, user.text);
    assert.deepEqual(user.errors, []);
    const login = await call(
      'PUT',
      '/finesse/api/User/agent1',
      '<User><state>LOGIN</state><extension>1001</extension></User>',
    );
    assert.equal(login.rc, 202);
    assert.ok(login.headers && Array.isArray(login.headers['content-type'] ?? login.headers['content-length']));
    assert.equal(sim.desk.stateOf('agent1'), 'NOT_READY');
  });

  it('answers a request off the REST host with an error, reported once (by the proxy)', async () => {
    type Rsp = { rc: number; text: string; errors: string[] };
    const rsp = await frame.evaluate(() =>
      (window as unknown as { request: (...a: unknown[]) => Promise<Rsp> }).request(
        'GET',
        '/x',
        undefined,
        'http://example.invalid',
      ),
    );
    assert.equal(rsp.rc, 400);
    assert.match(rsp.errors[0], /^400 example\.invalid is not the Finesse REST host/);
    // The proxy reported the refusal itself; the frame does not send it a second time.
    assert.ok(problems.some((p) => p.kind === 'request' && p.url === 'http://example.invalid/x'));
    assert.ok(!(await got()).some((m) => m.type === 'error' && m.message.includes('example.invalid')));
  });

  for (const [name, file, line, text] of [
    ['a spec that does not parse', 'Broken.xml', 5, /the gadget spec does not parse: line 5/],
    [
      'a required feature the container lacks',
      'Wants.xml',
      3,
      /Unsupported feature "opensocial-0\.9" \(required at line 3\)/,
    ],
  ] as const) {
    it(`shows ${name} in the frame, reported once with the spec line`, async () => {
      const other = await browser.newPage();
      try {
        await other.goto(`${sim.origin}/3rdpartygadget/files/parent.html?spec=T/${file}`);
        // The error page says hello (the container forgets the frame's old subscriptions) and
        // sends nothing else: the server reported the problem through onProblem.
        await other.waitForFunction("window.got.some(function (m) { return m.type === 'hello'; })", undefined, {
          timeout: 10_000,
        });
        const f = other.frames().find((x) => x.url().includes('/gadgets/ifr'));
        assert.match((await f?.textContent('ul.problems')) ?? '', text);
        const reported = problems.find((p) => p.line === line && text.test(p.message));
        assert.ok(reported, 'reported through onProblem');
        assert.equal(reported.spec, `${sim.origin}/3rdpartygadget/files/T/${file}`);
        assert.ok(
          !(await other.evaluate(() => (window as unknown as { got: FromGadget[] }).got)).some(
            (m) => m.type === 'error',
          ),
        );
      } finally {
        await other.close();
      }
    });
  }

  it('reloads the frame when the container says reload', async () => {
    const hellos = (await got()).filter((m) => m.type === 'hello').length;
    await page.evaluate(() => (window as unknown as { reloadGadget: () => void }).reloadGadget());
    await waitGot(
      `m.type === 'hello' && window.got.filter(function (x) { return x.type === 'hello'; }).length === ${hellos + 1}`,
    );
  });
});
