// The gadget desktop in a real Chromium against a real local Finesse: Cisco's Learning Sample
// Gadget, unmodified (copied from the shared samples into a temp folder, never into the
// repository), signs in, shows the agent, changes state through REST and shows the Updates,
// makes a call; two gadgets of our own talk over the hub and one subscribes a Team node; every
// hub publish is in the store, linked to the XMPP Update it relays. Then the same desktop
// against a TLS local Finesse standing in for a lab server.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { FrameStore } from '../../src/core/capture/frameStore';
import type { Frame } from '../../src/core/capture/frame';
import { startLabDesktop, type LabDesktop } from '../../src/core/desktop/labDesktop';
import { parseHubFrame, type HubMessage } from '../../src/core/hub/hubFrame';
import { parseHttpMessage, headerValue } from '../../src/core/http/message';
import { idleScenario } from '../../src/core/simulator/scenario';
import { FinesseSimulator } from '../../src/core/simulator/simulator';
import { launchChromium } from '../support/chromium';
import { learningSampleDir, NO_SAMPLE } from '../support/learningSample';
import { xml2JsObj } from '../../src/core/desktop/xml2JsObj';
import { buildCli, spawnCli, type CliProcess } from '../support/cli';
import WebSocket from 'ws';

const SAMPLE = learningSampleDir() ?? '';

/** A gadget spec of our own: the html loads `script` from its folder. */
function spec(title: string, body: string, script: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Module><ModulePrefs title="${title}"><Require feature="pubsub-2"/><Require feature="dynamic-height"/></ModulePrefs>
<Content type="html"><![CDATA[${body}<script src="${script}"></script>]]></Content></Module>`;
}

/** Two gadgets that talk over the hub; the listener also subscribes the agent's Team node. */
function writeHubGadgets(dir: string): void {
  const d = join(dir, 'HubPair');
  mkdirSync(d);
  writeFileSync(
    join(d, 'Talker.xml'),
    spec('Talker', '<button id="say">Say</button> <span id="status"></span>', 'talker.js'),
  );
  writeFileSync(
    join(d, 'talker.js'),
    `gadgets.HubSettings.onConnect = function () {
  document.getElementById('status').textContent = 'connected';
  document.getElementById('say').onclick = function () {
    gadgets.Hub.publish('sample.chat', { text: 'hello from the talker' });
  };
};`,
  );
  writeFileSync(
    join(d, 'Listener.xml'),
    spec(
      'Listener',
      '<p>heard: <span id="heard"></span></p><p>team: <span id="team"></span></p><p>team update: <span id="teamUpdate"></span></p>',
      'listener.js',
    ),
  );
  writeFileSync(
    join(d, 'listener.js'),
    `gadgets.HubSettings.onConnect = function () {
  gadgets.Hub.subscribe('sample.*', function (topic, data) {
    document.getElementById('heard').textContent = topic + ': ' + data.text;
  });
  gadgets.Hub.subscribe('finesse.info.responses.team-1', function (topic, data) {
    document.getElementById('team').textContent = data && data.error ? 'refused ' + data.error.errorType : 'subscribed';
  });
  gadgets.Hub.subscribe('finesse.api.Team.1.Users', function (topic, data) {
    var u = data.object.Update;
    document.getElementById('teamUpdate').textContent = u.event + ' ' + u.data.user.loginId + ' ' + u.data.user.state;
  });
  gadgets.Hub.publish('finesse.info.requests', { type: 'SubscribeNodeReq', data: { node: '/finesse/api/Team/1/Users' }, invokeID: 'team-1' });
};`,
  );
}

function framesOf(store: FrameStore): Frame[] {
  const out: Frame[] = [];
  for (let id = 1; id <= store.lastId; id++) {
    const f = store.get(id);
    if (f) out.push(f);
  }
  return out;
}

function hubOf(store: FrameStore): (HubMessage & { id: number })[] {
  return framesOf(store)
    .filter((f) => f.kind === 'hub')
    .map((f) => ({ id: f.id, ...parseHubFrame(f.raw)! }));
}

async function text(frame: FrameLocator, selector: string, want: string | RegExp): Promise<void> {
  // Attached, not visible: a gadget in another tab is laid out but hidden.
  await frame.locator(selector).filter({ hasText: want }).waitFor({ state: 'attached', timeout: 15_000 });
}

describe('gadget desktop on the local Finesse, in Chromium', function () {
  this.timeout(90_000);
  let dir: string;
  let sim: FinesseSimulator;
  let store: FrameStore;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async function () {
    if (!SAMPLE) {
      console.warn(`      skipped: ${NO_SAMPLE}`);
      return this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'ffd-desktop-'));
    cpSync(SAMPLE, join(dir, 'LearningSample'), { recursive: true });
    writeHubGadgets(dir);
    store = new FrameStore(50_000);
    sim = new FinesseSimulator({ serve: dir, store, desktop: {}, scenario: idleScenario() });
    await sim.listen();
    sim.desktop!.on('error', (e) => errors.push(`${e.mid} ${e.message}`));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(sim.desktop!.url!);
    await page.locator('#agent-state').filter({ hasText: 'Not Ready' }).waitFor({ timeout: 20_000 });
  });
  after(async () => {
    await browser?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const midOf = (title: string, file: string) => {
    const g = sim.desktop!.gadgets().find((x) => x.title === title && x.specUrl.endsWith(file));
    assert.ok(g, `${file} is a gadget of the desktop`);
    return g.mid;
  };

  it('lists a tab per gadget spec of the served folder and signs the agent in', async () => {
    const specs = sim.desktop!.gadgets().map((g) => g.specUrl.split('/').slice(-2).join('/'));
    assert.deepEqual(specs, [
      'HubPair/Listener.xml',
      'HubPair/Talker.xml',
      'LearningSample/SampleGadget.xml',
      'LearningSample/SampleGadget_Final.xml',
    ]);
    assert.equal(await page.locator('div.tab-panel').count(), 4);
    assert.match((await page.locator('.agent-ids').textContent()) ?? '', /agent1 · Extension 1001/);
    assert.equal(
      await page.evaluate(() => sessionStorage.getItem('userFinesseAuth')),
      Buffer.from('agent1:agent1').toString('base64'),
    );
    // The desktop's one XMPP stream is in the store once: its own session, not the server's copy.
    const streams = [
      ...new Set(
        framesOf(store)
          .filter((f) => f.kind === 'open')
          .map((f) => f.session),
      ),
    ];
    assert.equal(streams.length, 1, `one XMPP stream captured: ${streams.join(', ')}`);
    assert.equal(store.sessions.get(streams[0])?.label, 'agent1@finesse.test');
  });

  it('runs the Learning Sample Gadget: the agent, READY and NOT_READY through REST, the Updates shown', async () => {
    const mid = midOf('Sample Gadget', 'SampleGadget_Final.xml');
    await page.click('#tab_SampleGadget_Final');
    const g = page.frameLocator(`#finesse_gadget_${mid}`);
    await text(g, '#userId', 'agent1');
    await text(g, '#firstName', 'Agent');
    await text(g, '#lastName', 'agent1');
    await text(g, '#extension', '1001');
    await text(g, '#userState', 'NOT_READY');
    await g.locator('#goReady button').click();
    await text(g, '#userState', /^READY$/);
    await page
      .locator('#agent-state')
      .filter({ hasText: /^Ready$/ })
      .waitFor();
    await g.locator('#goNotReady button').click();
    await text(g, '#userState', 'NOT_READY');
    // The gadget's PUT went through makeRequest to the REST API, captured once with its requestId,
    // and the Update echoing it reached the gadget as a hub frame relaying that XMPP frame.
    const puts = framesOf(store)
      .filter((f) => f.kind === 'http' && f.dir === 'out')
      .map((f) => parseHttpMessage(f.raw)!)
      .filter((m) => m.method === 'PUT' && /<state>NOT_READY<\/state>/.test(m.body));
    assert.equal(puts.length, 1, 'the NOT_READY PUT is captured once');
    const requestId = headerValue(puts[0].headers, 'requestId');
    assert.ok(requestId);
    const relay = hubOf(store).find(
      (h) =>
        h.topic === 'finesse.api.User.agent1' &&
        JSON.stringify(h.payload).includes(requestId) &&
        /NOT_READY/.test(JSON.stringify(h.payload)),
    );
    assert.ok(relay, 'the Update is published on the hub');
    assert.ok(relay.to.includes(`${mid} Sample Gadget`), `delivered to the gadget: ${relay.to.join(', ')}`);
    const xmpp = store.get(relay.causedBy!);
    assert.equal(xmpp?.kind, 'stanza');
    assert.match(xmpp!.raw, new RegExp(requestId));
    const payload = relay.payload as {
      content: string;
      object: { Update: { event: string; data: { user: { state: string } } } };
    };
    assert.ok(payload.content.startsWith('/finesse/api/User/agent1<Update>'));
    assert.equal(payload.object.Update.event, 'PUT');
    assert.equal(payload.object.Update.data.user.state, 'NOT_READY');
  });

  it('converts Updates exactly as the finesse.js in the gadget does (xml2JsObj)', async () => {
    const g = page.frames().find((f) => f.url().includes('SampleGadget_Final.xml'));
    assert.ok(g, 'the sample gadget frame');
    const captured = hubOf(store)
      .filter((h) => h.causedBy !== undefined)
      .map((h) => (h.payload as { content: string }).content.replace(/^[^<]*/, ''))
      .slice(0, 6);
    const samples = [
      ...captured,
      '<l><i>1</i><i>2</i><i/><j/><j>x</j></l>',
      '<a x="1" y="">t<b/></a>',
      '<a>x<b>y</b>z<c/></a>',
      '<a><b/><![CDATA[<raw>]]></a>',
      '<a>one\ntwo\tthree &amp; "q" \\ end</a>',
      '<Update xmlns="urn:x"><data><dialogs><Dialog><id>1</id></Dialog><Dialog><id>2</id></Dialog></dialogs></data></Update>',
    ];
    assert.ok(captured.length >= 3, 'Updates were relayed');
    const theirs = await g.evaluate(
      (xs) =>
        xs.map((x) =>
          (
            window as unknown as { finesse: { utilities: { Utilities: { xml2JsObj(x: string): unknown } } } }
          ).finesse.utilities.Utilities.xml2JsObj(x),
        ),
      samples,
    );
    assert.deepEqual(
      samples.map((x) => xml2JsObj(x)),
      theirs,
    );
  });

  it('carries a publish between two gadgets of our own, and a Team subscribe through the master publisher', async () => {
    const talker = midOf('Talker', 'Talker.xml');
    const listener = midOf('Listener', 'Listener.xml');
    await page.click('#tab_Talker');
    const t = page.frameLocator(`#finesse_gadget_${talker}`);
    const l = page.frameLocator(`#finesse_gadget_${listener}`);
    await text(t, '#status', 'connected');
    await text(l, '#team', 'subscribed');
    await t.locator('#say').click();
    await text(l, '#heard', 'sample.chat: hello from the talker');
    const chat = hubOf(store).find((h) => h.topic === 'sample.chat');
    assert.deepEqual(
      { from: chat?.from, to: chat?.to, payload: chat?.payload },
      { from: `${talker} Talker`, to: [`${listener} Listener`], payload: { text: 'hello from the talker' } },
    );
    // The Team node is subscribed on the desktop's XMPP connection with its full JID.
    const sub = framesOf(store).find(
      (f) =>
        f.kind === 'stanza' && f.dir === 'out' && /<subscribe [^>]*node="\/finesse\/api\/Team\/1\/Users"/.test(f.raw),
    );
    assert.ok(sub, 'a pubsub subscribe for the Team node was sent');
    assert.match(sub.raw, /jid="agent1@finesse\.test\/desktop"/);
    // The agent's own state changes from the header's menu reach the listener as Team Users Updates.
    await text(l, '#teamUpdate', 'PUT agent1 NOT_READY');
    await page.click('#state-button');
    await page.click('#state-menu button[data-state="READY"]');
    await text(l, '#teamUpdate', 'PUT agent1 READY');
    await page
      .locator('#agent-state')
      .filter({ hasText: /^Ready$/ })
      .waitFor();
    await page.click('#state-button');
    const reason = page.locator('#state-menu button[data-state="NOT_READY"][data-reason]').first();
    const label = ((await reason.textContent()) ?? '').replace(/^Not Ready – /, '');
    await reason.click();
    await text(l, '#teamUpdate', 'PUT agent1 NOT_READY');
    await page
      .locator('#agent-state')
      .filter({ hasText: `Not Ready – ${label}` })
      .waitFor();
    assert.deepEqual(errors, [], 'no gadget reported an error');
  });

  it('makes a call from the sample gadget and shows the dialog', async () => {
    await page.click('#tab_SampleGadget_Final');
    const g = page.frameLocator(`#finesse_gadget_${midOf('Sample Gadget', 'SampleGadget_Final.xml')}`);
    await text(g, '#userState', 'NOT_READY');
    await g.locator('#makeCallButton button').click();
    await text(g, '#toAddress', '1001002');
    await text(g, '#fromAddress', '1001');
    await text(g, '#callState', /\S/);
    await text(g, '#userState', 'TALKING');
  });
  it('reloads only the frames of the gadget whose folder holds a changed file; the agent stays signed in', async () => {
    const talker = midOf('Talker', 'Talker.xml');
    const sample = midOf('Sample Gadget', 'SampleGadget_Final.xml');
    const mark = (mid: string) =>
      page.evaluate((m) => {
        const w = (document.getElementById(`finesse_gadget_${m}`) as HTMLIFrameElement).contentWindow as unknown as {
          ffdMark?: number;
        };
        w.ffdMark = 1;
      }, mid);
    const marked = (mid: string) =>
      page.evaluate(
        (m) =>
          (
            (document.getElementById(`finesse_gadget_${m}`) as HTMLIFrameElement).contentWindow as unknown as {
              ffdMark?: number;
            }
          ).ffdMark === 1,
        mid,
      );
    await mark(talker);
    await mark(sample);
    const opens = framesOf(store).filter((f) => f.kind === 'open').length;
    assert.equal(sim.desktop!.reloadGadget(join(dir, 'HubPair', 'talker.js')), 2, 'the two gadgets of HubPair');
    // The old document goes (its mark with it), and the new one connects to the hub again.
    await page.waitForFunction(
      (m) =>
        (
          (document.getElementById(`finesse_gadget_${m}`) as HTMLIFrameElement).contentWindow as unknown as {
            ffdMark?: number;
          }
        ).ffdMark !== 1,
      talker,
    );
    await text(page.frameLocator(`#finesse_gadget_${talker}`), '#status', 'connected');
    assert.equal(await marked(sample), true, 'the sample gadget was left alone');
    assert.equal(framesOf(store).filter((f) => f.kind === 'open').length, opens, 'no new XMPP stream: still signed in');
  });
});

describe('gadget desktop with a finesseLayout, and a spec with an error', function () {
  this.timeout(60_000);
  let dir: string;
  let sim: FinesseSimulator;
  let browser: Browser;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ffd-layout-desktop-'));
    writeHubGadgets(dir);
    // A spec that does not parse: its frame shows why, and the desktop reports it with the line.
    writeFileSync(
      join(dir, 'HubPair', 'Broken.xml'),
      '<Module>\n<ModulePrefs title="Broken">\n<Content type="html"><![CDATA[x]]></Content>\n</Module>',
    );
    writeFileSync(
      join(dir, 'layout.xml'),
      `<finesseLayout xmlns="http://www.cisco.com/vtg/finesse"><layout><role>Agent</role>
        <page><gadget>/desktop/scripts/js/callcontrol.js</gadget></page>
        <tabs>
          <tab><id>home</id><label>finesse.container.tabs.agent.homeLabel</label>
            <gadgets><gadget>/3rdpartygadget/files/HubPair/Talker.xml</gadget><gadget>/3rdpartygadget/files/HubPair/Listener.xml</gadget></gadgets></tab>
          <tab><id>broken</id><label>Broken one</label>
            <gadgets><gadget>/3rdpartygadget/files/HubPair/Broken.xml</gadget></gadgets></tab>
        </tabs></layout></finesseLayout>`,
    );
    sim = new FinesseSimulator({ serve: dir, desktop: { layout: join(dir, 'layout.xml') }, scenario: idleScenario() });
    await sim.listen();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the tabs of the layout with both hub gadgets in one panel, and reports the broken spec with its line', async () => {
    const reported = new Promise<{ message: string; line?: number }>((resolve) =>
      sim.desktop!.on('error', (e) => {
        if (e.mid === '3') resolve({ message: e.message, line: e.source?.line });
      }),
    );
    assert.deepEqual(
      sim.desktop!.gadgets().map((g) => [g.mid, g.title]),
      [
        ['1', 'Talker'],
        ['2', 'Listener'],
        ['3', 'Broken'],
      ],
    );
    const page = await browser.newPage();
    await page.goto(sim.desktop!.url!);
    await page.locator('#agent-state').filter({ hasText: 'Not Ready' }).waitFor({ timeout: 20_000 });
    assert.deepEqual(await page.locator('.tab').allTextContents(), ['Home', 'Broken one']);
    assert.equal(await page.locator('#panel_home iframe.gadget-frame').count(), 2);
    await text(page.frameLocator('#finesse_gadget_1'), '#status', 'connected');
    await page.frameLocator('#finesse_gadget_1').locator('#say').click();
    await text(page.frameLocator('#finesse_gadget_2'), '#heard', 'hello from the talker');
    const broken = await reported;
    assert.match(broken.message, /does not parse/);
    assert.equal(typeof broken.line, 'number');
    await page.close();
  });
});

describe('gadget desktop against a lab server (a TLS local Finesse), in Chromium', function () {
  this.timeout(90_000);
  let dir: string;
  let certDir: string;
  let lab: FinesseSimulator;
  let desktop: LabDesktop | undefined;
  let browser: Browser;
  const store = new FrameStore(50_000);

  before(async function () {
    if (!SAMPLE) {
      console.warn(`      skipped: ${NO_SAMPLE}`);
      return this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'ffd-lab-desktop-'));
    certDir = mkdtempSync(join(tmpdir(), 'ffd-lab-cert-'));
    cpSync(SAMPLE, join(dir, 'LearningSample'), { recursive: true });
    lab = new FinesseSimulator({ tls: { certDir }, users: { agent7: 'secret7' }, scenario: idleScenario() });
    await lab.listen();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await desktop?.close();
    await lab?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  it('refuses a lab server whose certificate is not the pinned one', async () => {
    await assert.rejects(
      startLabDesktop({
        finesse: new URL(lab.origin!),
        user: 'agent7',
        password: 'secret7',
        serve: dir,
        fingerprint: '00'.repeat(32),
        store: new FrameStore(100),
      }),
      /fingerprint/i,
    );
  });

  it('signs in to the lab, runs the sample gadget there, and captures REST, XMPP and hub frames', async () => {
    desktop = await startLabDesktop({
      finesse: new URL(lab.origin!),
      user: 'agent7',
      password: 'secret7',
      serve: dir,
      ca: lab.certificate!.certFile,
      // The lab agent is signed out: the desktop signs it in on this extension.
      extension: '1001',
      store,
    });
    assert.equal(desktop.desktop.domain, 'finesse.test', 'the domain comes from SystemInfo');
    const page = await browser.newPage();
    await page.goto(desktop.url);
    await page.locator('#agent-state').filter({ hasText: 'Not Ready' }).waitFor({ timeout: 20_000 });
    await page.click('#tab_SampleGadget_Final');
    const mid = desktop.desktop.gadgets().find((g) => g.specUrl.endsWith('SampleGadget_Final.xml'))!.mid;
    const g = page.frameLocator(`#finesse_gadget_${mid}`);
    await text(g, '#userId', 'agent7');
    await text(g, '#userState', 'NOT_READY');
    await g.locator('#goReady button').click();
    await text(g, '#userState', /^READY$/);
    assert.equal(lab.desk.stateOf('agent7'), 'READY', 'the lab server changed state');
    const sessions = [...store.sessions.values()].map((s) => s.label);
    assert.ok(
      sessions.some((l) => /^REST https:\/\/127\.0\.0\.1:\d+ \(gadget desktop\)$/.test(l)),
      sessions.join(' | '),
    );
    const rest = framesOf(store)
      .filter((f) => f.kind === 'http')
      .map((f) => parseHttpMessage(f.raw)!);
    const put = rest.find((m) => m.method === 'PUT' && /<state>READY<\/state>/.test(m.body));
    assert.ok(put, 'the gadget PUT is captured');
    assert.equal(headerValue(put.headers, 'Authorization'), 'Basic [redacted]');
    assert.ok(
      rest.some((m) => m.status === 202),
      'its answer too',
    );
    assert.ok(hubOf(store).some((h) => h.topic === 'finesse.api.User.agent7' && h.causedBy !== undefined));
    await page.close();
  });
});

describe('simulate with the gadget desktop (the CLI as a user runs it)', function () {
  this.timeout(90_000);
  let dir: string;
  let certDir: string;
  let browser: Browser;
  const running: CliProcess[] = [];

  before(async function () {
    if (!SAMPLE) {
      console.warn(`      skipped: ${NO_SAMPLE}`);
      return this.skip();
    }
    await buildCli();
    dir = mkdtempSync(join(tmpdir(), 'ffd-cli-desktop-'));
    certDir = mkdtempSync(join(tmpdir(), 'ffd-cli-cert-'));
    cpSync(SAMPLE, join(dir, 'LearningSample'), { recursive: true });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    for (const p of running) await p.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  it('prints the desktop URL, serves the page under a strict CSP, and prints hub and makeRequest frames as JSON lines', async () => {
    const sim = spawnCli(['simulate', '--serve', dir, '--scenario', 'idle']);
    running.push(sim);
    const first = await sim.waitFor(() => true, 'the listening line');
    const origin = new URL(first.rest as string).origin;
    assert.equal(first.desktop, `${origin}/desktop/`);
    assert.equal(Object.keys(first).at(-1), 'desktop');
    const pageRes = await fetch(first.desktop as string);
    assert.equal(pageRes.status, 200);
    assert.match(pageRes.headers.get('content-security-policy') ?? '', /script-src 'self';/);
    assert.match(await (await fetch(`${origin}/desktop/assets/js/jquery.min.js`)).text(), /jQuery v3\./);
    assert.match(await (await fetch(`${origin}/desktop/assets/js/finesse.js`)).text(), /finesse\.clientservices/);
    // A page of another site cannot drive the desktop's control channel.
    const refused = await new Promise<number>((done) => {
      const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/desktop/hub`, {
        headers: { Origin: 'https://evil.example' },
      });
      ws.on('unexpected-response', (_req, res) => done(res.statusCode ?? 0));
      ws.on('open', () => done(101));
      ws.on('error', () => undefined);
    });
    assert.equal(refused, 403);

    const page = await browser.newPage();
    await page.goto(first.desktop as string);
    await page.click('#tab_SampleGadget_Final');
    const g = page.frameLocator('iframe[src*="SampleGadget_Final.xml"]');
    await text(g, '#userState', 'NOT_READY');
    await g.locator('#goReady button').click();
    await text(g, '#userState', /^READY$/);
    const relay = await sim.waitFor(
      (l) =>
        l.kind === 'hub' &&
        l.hub?.topic === 'finesse.api.User.agent1' &&
        /READY/.test(l.raw) &&
        !/NOT_READY/.test(l.raw),
      'the READY Update relayed on the hub',
    );
    assert.equal(typeof relay.hub.causedBy, 'number');
    const update = sim.lines().find((l) => l.id === relay.hub.causedBy);
    assert.equal(update?.kind, 'stanza', 'the relayed XMPP Update is a line of its own');
    const put = sim
      .lines()
      .find(
        (l) => l.kind === 'http' && l.http?.method === 'PUT' && l.dir === 'out' && /<state>READY<\/state>/.test(l.raw),
      );
    assert.ok(put, 'the gadget PUT is a line');
    assert.equal(update?.finesse?.causedBy, put.id, 'the Update it caused links back to it');
    await page.close();
  });

  it('runs against a real Finesse with --finesse URL --user ID, the password only from the environment', async () => {
    const lab = spawnCli([
      'simulate',
      '--tls',
      '--cert-dir',
      certDir,
      '--user',
      'agent7:secret7',
      '--scenario',
      'idle',
      '--quiet',
    ]);
    running.push(lab);
    const labFirst = await lab.waitFor(() => true, 'the lab listening line');
    const finesse = new URL(labFirst.rest as string).origin;
    const args = ['simulate', '--finesse', finesse, '--user', 'agent7', '--serve', dir, '--extension', '1001'];

    const noPassword = spawnCli([...args, '--ca', join(certDir, 'reverse-proxy.crt')], { FINESSE_PASSWORD: undefined });
    assert.equal((await noPassword.exit).code, 2);
    assert.match(noPassword.stderrLines.join('\n'), /FINESSE_PASSWORD/);

    const untrusted = spawnCli(args, { FINESSE_PASSWORD: 'secret7' });
    assert.equal((await untrusted.exit).code, 1, 'an unverified certificate is refused');
    assert.match(untrusted.stderrLines.join('\n'), /--fingerprint [0-9A-F:]{95}/);

    const desk = spawnCli([...args, '--ca', join(certDir, 'reverse-proxy.crt')], { FINESSE_PASSWORD: 'secret7' });
    running.push(desk);
    const first = await desk.waitFor((l) => typeof l.desktop === 'string', 'the desktop line');
    assert.deepEqual([first.finesse, first.domain], [finesse, 'finesse.test']);
    const page = await browser.newPage();
    await page.goto(first.desktop as string);
    await page.locator('#agent-state').filter({ hasText: 'Not Ready' }).waitFor({ timeout: 20_000 });
    await page.click('#tab_SampleGadget_Final');
    await text(page.frameLocator('iframe[src*="SampleGadget_Final.xml"]'), '#userId', 'agent7');
    await desk.waitFor((l) => l.kind === 'hub' && l.hub?.topic === 'finesse.info.connection', 'a hub line');
    assert.ok(!desk.lines().some((l) => JSON.stringify(l).includes('secret7')), 'the password is in no line');
    await page.close();
  });
});
