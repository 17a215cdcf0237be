// See why: Chromium drives a gadget page through reverse mode (`finesse-frames proxy --reverse`,
// the CLI as a user runs it) in front of the local Finesse (`finesse-frames simulate`). The page
// signs in over REST with a requestId header, goes READY, answers the call that rings, tries an
// invalid transition, drops the call; strophe.js receives the Updates over wss:// /ws/ through
// the proxy. The capture's JSON lines link each REST call to its Updates (finesse.causedBy) and
// the invalid one to its apiErrors; the saved session keeps the REST frames without credentials,
// and the timeline built from it shows the agent's states and the dialog in order.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { FrameStore } from '../../src/core/capture/frameStore';
import { TimelineBuilder } from '../../src/core/finesse/timeline';
import { Correlator } from '../../src/core/finesse/correlation';
import { SessionReader } from '../../src/core/recording/reader';
import { buildCli, CliProcess, JsonLine, ROOT, spawnCli } from '../support/cli';

const PASSWORD = 'agent1-pw-7f3e';

/** The gadget: plain JS as a developer writes it against Finesse, same origin for REST and /ws/. */
const GADGET_JS = `
const AUTH = 'Basic ' + btoa('agent1:${PASSWORD}');
window.rest = async (method, path, body, requestId) => {
  const headers = { Authorization: AUTH };
  if (body) headers['Content-Type'] = 'application/xml';
  if (requestId) headers.requestId = requestId;
  const res = await fetch('/finesse/api/' + path, { method, headers, body });
  return { status: res.status, text: await res.text() };
};
window.updates = [];
window.connect = () => new Promise((resolve, reject) => {
  const conn = new Strophe.Connection(new URL('/ws/', location.href).href.replace(/^http/, 'ws'));
  conn.addHandler((msg) => {
    for (const n of msg.getElementsByTagName('notification')) window.updates.push(n.textContent);
    return true;
  }, null, 'message');
  conn.connect('agent1@finesse.test/gadget', '${PASSWORD}', (status, condition) => {
    if (status === Strophe.Status.CONNECTED) { conn.send($pres()); resolve(conn.jid); }
    else if (status === Strophe.Status.AUTHFAIL || status === Strophe.Status.CONNFAIL || status === Strophe.Status.ERROR) reject(new Error('strophe ' + status + ' ' + condition));
  });
});
`;
const PAGE = `<!doctype html><meta charset="utf-8"><title>Gadget</title><script src="strophe.umd.min.js"></script><script src="gadget.js"></script><p>gadget</p>`;
/** A call rings agent1 as soon as it is READY. */
const SCENARIO = `
start: immediately
steps:
  - ring: { agent: agent1, from: "5551234" }
    when: READY
`;

describe('REST calls linked to their Updates (reverse mode in front of the local Finesse, Chromium)', function () {
  this.timeout(60_000);
  let dir: string;
  let sim: CliProcess;
  let proxy: CliProcess;
  let browser: Browser;
  let page: Page;
  let savePath: string;

  const rest = (method: string, path: string, body?: string, requestId?: string) =>
    page.evaluate(
      ([m, p, b, r]) =>
        (window as unknown as { rest: (...a: unknown[]) => Promise<{ status: number; text: string }> }).rest(
          m,
          p,
          b,
          r,
        ),
      [method, path, body, requestId] as const,
    );
  /** The capture's line for the Update whose requestId and state (or apiError type) match. */
  const updateLine = (requestId: string, state: string) =>
    proxy.waitFor(
      (l) => l.finesse?.requestId === requestId && l.finesse?.state === state,
      `an Update ${state} for ${requestId}`,
    );
  const requestLine = (requestId: string) =>
    proxy.waitFor(
      (l) => l.kind === 'http' && l.dir === 'out' && l.http?.requestId === requestId,
      `the request ${requestId}`,
    );

  before(async () => {
    await buildCli();
    dir = mkdtempSync(join(tmpdir(), 'finesse-why-'));
    copyFileSync(join(ROOT, 'node_modules/strophe.js/dist/strophe.umd.min.js'), join(dir, 'strophe.umd.min.js'));
    writeFileSync(join(dir, 'gadget.js'), GADGET_JS);
    writeFileSync(join(dir, 'index.html'), PAGE);
    writeFileSync(join(dir, 'ring.yaml'), SCENARIO);
    savePath = join(dir, 'day.finesse-session');
    sim = spawnCli([
      'simulate',
      '--user',
      `agent1:${PASSWORD}`,
      '--serve',
      dir,
      '--scenario',
      join(dir, 'ring.yaml'),
      '--quiet',
    ]);
    const { rest: restUrl } = await sim.waitFor((l) => 'listening' in l, 'the simulator listening line');
    proxy = spawnCli([
      'proxy',
      '--reverse',
      new URL(restUrl).origin,
      '--cert-dir',
      join(dir, 'cert'),
      '--save',
      savePath,
    ]);
    const { listening } = await proxy.waitFor((l) => 'listening' in l, 'the proxy listening line');
    const spki = /--ignore-certificate-errors-spki-list=(\S+?)\)/.exec(
      await proxy.waitForStderr(/ignore-certificate-errors-spki-list/),
    )![1];
    // Trust exactly the listener's key, as the proxy tells the user to.
    browser = await launchChromium([`--ignore-certificate-errors-spki-list=${spki}`]);
    page = await browser.newPage();
    const res = await page.goto(new URL('/3rdpartygadget/files/', listening).href);
    assert.equal(res?.status(), 200);
  });
  after(async () => {
    await browser?.close();
    await proxy?.kill('SIGINT');
    await sim?.kill('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in over REST with a requestId: the 202 and both Updates point back at the request frame', async () => {
    assert.equal(
      await page.evaluate(() => (window as unknown as { connect: () => Promise<string> }).connect()),
      'agent1@finesse.test/gadget',
    );
    // The sign-in Updates go to available sessions only: wait until the presence went through.
    await proxy.waitFor(
      (l) => l.dir === 'out' && typeof l.raw === 'string' && l.raw.startsWith('<presence'),
      'the gadget presence',
    );
    const login = await rest(
      'PUT',
      'User/agent1',
      '<User><state>LOGIN</state><extension>1001</extension></User>',
      'req-login',
    );
    assert.equal(login.status, 202);
    const request = await requestLine('req-login');
    assert.deepEqual(request.http, { method: 'PUT', path: '/finesse/api/User/agent1', requestId: 'req-login' });
    const response = await proxy.waitFor((l) => l.kind === 'http' && l.answers === request.id, 'the response');
    assert.equal(response.http.status, 202);
    assert.equal(response.http.requestId, 'req-login');
    for (const state of ['LOGIN', 'NOT_READY']) {
      const update = await updateLine('req-login', state);
      assert.equal(update.finesse.causedBy, request.id, `${state} was caused by the sign-in request`);
    }
  });

  it('goes READY, answers the call that rings and drops it: each Update names its call', async () => {
    assert.equal((await rest('PUT', 'User/agent1', '<User><state>READY</state></User>', 'req-ready')).status, 202);
    assert.equal((await updateLine('req-ready', 'READY')).finesse.causedBy, (await requestLine('req-ready')).id);
    const alerting = await proxy.waitFor((l) => l.finesse?.state === 'ALERTING', 'the call ringing');
    assert.equal(alerting.finesse.causedBy, undefined, 'a call that rings was caused by no REST call');
    const dialogId =
      /&lt;id&gt;([^&]+)&lt;\/id&gt;/.exec(alerting.raw as string)?.[1] ??
      /<id>([^<]+)<\/id>/.exec(alerting.raw as string)![1];
    assert.equal(
      (
        await rest(
          'PUT',
          `Dialog/${dialogId}`,
          '<Dialog><requestedAction>ANSWER</requestedAction><targetMediaAddress>1001</targetMediaAddress></Dialog>',
          'req-answer',
        )
      ).status,
      202,
    );
    const answer = await requestLine('req-answer');
    assert.equal((await updateLine('req-answer', 'ACTIVE')).finesse.causedBy, answer.id);
    assert.equal((await updateLine('req-answer', 'TALKING')).finesse.causedBy, answer.id);
    assert.equal(
      (
        await rest(
          'PUT',
          `Dialog/${dialogId}`,
          '<Dialog><requestedAction>DROP</requestedAction><targetMediaAddress>1001</targetMediaAddress></Dialog>',
          'req-drop',
        )
      ).status,
      202,
    );
    const drop = await requestLine('req-drop');
    assert.equal((await updateLine('req-drop', 'DROPPED')).finesse.causedBy, drop.id);
  });

  it('an invalid transition: the 400 and the apiErrors Update point back at the request', async () => {
    // After the drop the agent is in wrap-up (WORK); TALKING cannot be asked for.
    const bad = await rest('PUT', 'User/agent1', '<User><state>TALKING</state></User>', 'req-bad');
    assert.equal(bad.status, 400);
    const request = await requestLine('req-bad');
    const response = await proxy.waitFor((l) => l.kind === 'http' && l.answers === request.id, 'the 400');
    assert.equal(response.http.status, 400);
    const error = await proxy.waitFor(
      (l) => l.finesse?.requestId === 'req-bad' && l.finesse?.kind === 'apiErrors',
      'the apiErrors Update',
    );
    assert.equal(error.finesse.causedBy, request.id);
  });

  it('never prints or saves the Basic credentials, and lists no desktop asset', async () => {
    const basic = Buffer.from(`agent1:${PASSWORD}`).toString('base64');
    const printed = proxy
      .lines()
      .map((l) => JSON.stringify(l))
      .join('\n');
    assert.ok(!printed.includes(basic) && !printed.includes(PASSWORD));
    assert.ok(
      proxy.lines().some((l: JsonLine) => l.kind === 'http' && /Authorization: Basic \[redacted\]/.test(l.raw)),
    );
    assert.ok(
      !proxy.lines().some((l: JsonLine) => l.kind === 'http' && /gadget\.js|strophe/.test(l.raw)),
      'the gadget files are counted, not listed',
    );
  });

  it('the saved session keeps the REST frames, and its timeline shows the states and the dialog in order', async () => {
    await proxy.kill('SIGINT');
    assert.match(
      proxy.stderrLines.join('\n'),
      /\d+ REST exchanges captured, [1-9]\d* other requests forwarded and counted only/,
    );
    const text = readFileSync(savePath, 'utf8');
    assert.ok(
      !text.includes(Buffer.from(`agent1:${PASSWORD}`).toString('base64')) && !text.includes(PASSWORD),
      'no credential in the file',
    );
    const store = new FrameStore();
    const reader = SessionReader.fromFile(savePath);
    for await (const frame of reader.frames()) store.append({ ...frame });
    assert.ok(
      [...store].some((f) => f.kind === 'http' && f.answers !== undefined),
      'responses still name their request',
    );
    const correlation = new Correlator();
    correlation.observe(store);
    const builder = new TimelineBuilder((id) => correlation.effectsOf(id));
    builder.add(store);
    const lane = builder.model().lanes.find((l) => l.agent === 'agent1')!;
    const states = lane.states.map((s) => s.state);
    assert.deepEqual(states.slice(0, 6), ['LOGIN', 'NOT_READY', 'READY', 'RESERVED', 'TALKING', 'WORK']);
    assert.equal(lane.dialogs.length, 1);
    assert.deepEqual(
      lane.dialogs[0].steps.map((s) => s.state),
      ['ALERTING', 'ACTIVE', 'DROPPED'],
    );
    const talking = lane.states.find((s) => s.state === 'TALKING')!;
    assert.ok(
      lane.dialogs[0].from <= talking.from && lane.dialogs[0].to! >= talking.from,
      'the call spans the talking time',
    );
    assert.ok(lane.marks.some((m) => m.kind === 'apiError'));
    assert.ok(
      lane.marks.some((m) => m.kind === 'rest' && /^PUT User\/agent1 → 202 · READY in \d+ ms$/.test(m.label)),
      lane.marks.map((m) => m.label).join('\n'),
    );
  });
});
