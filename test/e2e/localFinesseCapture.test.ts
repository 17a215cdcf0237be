// The local Finesse's own traffic in the store: real clients (@xmpp/client over /ws/, a gadget it
// serves running strophe.js over BOSH in Chromium) and REST calls with Node's fetch against a FinesseSimulator given a store, then the CLI
// (`finesse-frames simulate`) printing the same frames as JSON lines. Each REST call is a request
// and a response frame (credentials redacted, requestId kept), each client a session of its own
// labelled with its JID, and the Update a call caused is linked to it as through reverse mode.
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import type { Frame } from '../../src/core/capture/frame';
import { FrameStore, SessionInfo } from '../../src/core/capture/frameStore';
import { frameView } from '../../src/core/capture/frameView';
import { callLabel, Correlator } from '../../src/core/finesse/correlation';
import { FinesseSimulator } from '../../src/core/simulator/simulator';
import { ownConnectSessions } from '../../src/core/simulator/capture';
import { FinesseSession } from '../../src/core/session/finesseSession';
import { idleScenario } from '../../src/core/simulator/scenario';
import { buildCli, JsonLine, spawnCli } from '../support/cli';
import { startClient, xmppModule, XmppClient } from '../support/xmpp';
import { restClient } from './localFinesseSupport';

(globalThis as unknown as { WebSocket: unknown }).WebSocket ??= WebSocket;

const ROOT = join(__dirname, '..', '..');

/** A gadget as a developer writes it against Finesse: REST with fetch and Basic auth, strophe.js. */
const GADGET_JS = `
window.rest = async (method, path, body, requestId) => {
  const headers = { Authorization: 'Basic ' + btoa('agent2:agent2'), 'Content-Type': 'application/xml' };
  if (requestId) headers.requestId = requestId;
  const res = await fetch('/finesse/api/' + path, { method, headers, body });
  return { status: res.status, text: await res.text() };
};
window.connect = (transport) => new Promise((resolve, reject) => {
  const url = transport === 'bosh'
    ? new URL('/http-bind', location.href).href
    : new URL('/ws/', location.href).href.replace(/^http/, 'ws');
  const conn = new Strophe.Connection(url);
  conn.connect('agent2@finesse.test/gadget', 'agent2', (status, condition) => {
    if (status === Strophe.Status.CONNECTED) {
      conn.send($pres());
      resolve(conn.jid);
    } else if (status === Strophe.Status.AUTHFAIL || status === Strophe.Status.CONNFAIL) {
      reject(new Error('strophe status ' + status + ' ' + condition));
    }
  });
});
`;
const PAGE = `<!doctype html><meta charset="utf-8"><title>Gadget</title><script src="strophe.umd.min.js"></script><script src="gadget.js"></script><p>gadget</p>`;

interface Gadget {
  connect(transport: 'ws' | 'bosh'): Promise<string>;
  rest(method: string, path: string, body: string, requestId: string): Promise<{ status: number; text: string }>;
}

const LOGIN = '<User><state>LOGIN</state><extension>1001</extension></User>';
/** What must never appear: agent1:agent1 as Basic credentials, and as a SASL PLAIN payload. */
const SECRETS = [Buffer.from('agent1:agent1').toString('base64'), Buffer.from('\0agent1\0agent1').toString('base64')];

/** Resolves once `holds()` is true, checked after each batch the store announces. */
function until(store: FrameStore, holds: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!holds()) return;
      store.off('append', check);
      store.off('session', check);
      resolve();
    };
    store.on('append', check);
    store.on('session', check);
    check();
  });
}

const framesOf = (store: FrameStore, session: string): Frame[] => [...store].filter((f) => f.session === session);
const sessionLabelled = (store: FrameStore, label: string): SessionInfo | undefined =>
  [...store.sessions.values()].find((s) => s.label === label);

describe('local Finesse: its own REST calls and client sessions are captured', function () {
  this.timeout(60_000);
  let store: FrameStore;
  let sim: FinesseSimulator;
  const xmpps: XmppClient[] = [];
  let browser: Browser;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'finesse-capture-'));
    copyFileSync(join(ROOT, 'node_modules/strophe.js/dist/strophe.umd.min.js'), join(dir, 'strophe.umd.min.js'));
    writeFileSync(join(dir, 'gadget.js'), GADGET_JS);
    writeFileSync(join(dir, 'index.html'), PAGE);
    store = new FrameStore();
    sim = new FinesseSimulator({
      users: { agent1: 'agent1', agent2: 'agent2' },
      scenario: idleScenario(),
      store,
      serve: dir,
    });
    await sim.listen();
    browser = await launchChromium();
  });
  after(async () => {
    for (const c of xmpps) {
      c.reconnect.stop();
      await c.stop().catch(() => undefined);
    }
    await browser?.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a /ws/ client is a session labelled with its JID, its frames both ways; a REST call is two http frames linked to its Update', async () => {
    const { xml } = await xmppModule();
    const agent = await startClient({
      service: sim.url as string,
      domain: 'finesse.test',
      username: 'agent1',
      password: 'agent1',
      resource: 'xmppjs',
    });
    xmpps.push(agent);
    const online = new Promise((resolve) => sim.once('online', resolve));
    await agent.send(xml('presence'));
    await online;
    const rest = restClient(sim.endpoints!.rest, 'agent1', 'agent1');
    assert.equal((await rest('PUT', 'User/agent1', LOGIN, 'cap-1')).status, 202);

    const echoes = (f: Frame) => f.kind === 'stanza' && frameView(f).finesse?.requestId === 'cap-1';
    await until(store, () => [...store].filter(echoes).length >= 2);
    const session = sessionLabelled(store, 'agent1@finesse.test/xmppjs');
    assert.ok(session, `a session named after the bound JID: ${[...store.sessions.values()].map((s) => s.label)}`);
    assert.equal(session.target, `${sim.origin}/ws/`);
    const frames = framesOf(store, session.id);
    assert.deepEqual(
      frames.slice(0, 2).map((f) => `${f.dir} ${f.kind}`),
      ['out open', 'in open'],
    );
    assert.ok(frames.some((f) => f.dir === 'out' && f.raw.includes('<auth')));
    assert.ok(frames.some((f) => f.dir === 'out' && f.raw.startsWith('<presence')));
    const [loginUpdate, notReady] = frames.filter(echoes);
    assert.equal(loginUpdate.dir, 'in');
    assert.equal(frameView(notReady).finesse?.state, 'NOT_READY');

    const http = [...store].filter((f) => f.kind === 'http');
    const request = http.find((f) => f.dir === 'out' && f.raw.includes('requestId: cap-1'))!;
    assert.match(request.raw, /^PUT \/finesse\/api\/User\/agent1 HTTP\/1\.1\n/);
    assert.match(request.raw, /\nAuthorization: Basic \[redacted\]\n/);
    assert.ok(request.raw.endsWith(`\n\n${LOGIN}`), 'the body as sent');
    const response = http.find((f) => f.answers === request.id)!;
    assert.match(response.raw, /^HTTP\/1\.1 202 Accepted\n/);
    assert.equal(store.sessions.get(request.session)?.label, `REST ${sim.origin}`);
    assert.ok(request.t <= response.t && response.t <= loginUpdate.t, 'request, response, then its Updates');
    // The store keeps the SASL exchange as the wire had it (views mask it); Basic credentials never.
    assert.ok(![...store].some((f) => f.raw.includes(SECRETS[0])), 'no Authorization value is stored');

    const correlation = new Correlator();
    correlation.observe(store);
    assert.deepEqual(correlation.causeOf(notReady.id), { request: request.id, guess: false });
    assert.match(callLabel(correlation.effectsOf(request.id)!), /^PUT User\/agent1 → 202 · LOGIN in \d+ ms$/);

    await agent.stop();
    xmpps.splice(xmpps.indexOf(agent), 1);
    await until(store, () => store.sessions.get(session.id)?.ended !== undefined);
    const last = framesOf(store, session.id).slice(-2);
    assert.deepEqual(
      last.map((f) => `${f.dir} ${f.kind}`),
      ['out close', 'in close'],
    );
  });

  it('a gadget served by the local Finesse (strophe.js over BOSH in Chromium): its session and REST calls, linked', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${sim.origin}/3rdpartygadget/files/index.html`);
    // Online once its presence is in: the Updates of its REST calls go to available sessions.
    const online = new Promise((resolve) => sim.once('online', resolve));
    assert.equal(
      await page.evaluate(() => (window as unknown as Gadget).connect('bosh')),
      'agent2@finesse.test/gadget',
    );
    await online;
    const put = (body: string, requestId: string) =>
      page.evaluate(([b, r]) => (window as unknown as Gadget).rest('PUT', 'User/agent2', b, r), [body, requestId]);
    assert.equal((await put(LOGIN.replace('1001', '1002'), 'gadget-0')).status, 202);
    assert.equal((await put('<User><state>READY</state></User>', 'gadget-1')).status, 202);
    const ready = (f: Frame) => f.kind === 'stanza' && frameView(f).finesse?.requestId === 'gadget-1';
    await until(store, () => [...store].some(ready));
    const session = sessionLabelled(store, 'agent2@finesse.test/gadget')!;
    assert.equal(session.target, `${sim.origin}/http-bind`);
    const frames = framesOf(store, session.id);
    assert.equal(`${frames[0].dir} ${frames[0].kind}`, 'out open', 'the session-creation request is its <open/>');
    assert.ok(frames.some((f) => f.dir === 'out' && f.raw.includes('<bind')));
    const update = frames.find(ready)!;
    const request = [...store].find((f) => f.kind === 'http' && f.raw.includes('requestId: gadget-1'))!;
    assert.match(request.raw, /\nAuthorization: Basic \[redacted\]\n/);
    const correlation = new Correlator();
    correlation.observe(store);
    assert.deepEqual(correlation.causeOf(update.id), { request: request.id, guess: false });
    assert.match(callLabel(correlation.effectsOf(request.id)!), /^PUT User\/agent2 → 202 · READY in \d+ ms$/);
  });
});

describe('local Finesse capture beside our own Connect session in the same store (VS Code)', function () {
  this.timeout(60_000);

  it('our session is captured once, from its own side; another client of the same agent still is', async () => {
    const store = new FrameStore();
    const sim: FinesseSimulator = new FinesseSimulator({
      scenario: idleScenario(),
      store,
      alreadyCaptured: ownConnectSessions(store, () => sim.url),
    });
    await sim.listen();
    const session = new FinesseSession(store, {
      url: sim.url!,
      domain: 'finesse.test',
      user: 'agent1',
      password: 'agent1',
    });
    let gadget: XmppClient | undefined;
    try {
      await session.start();
      gadget = await startClient({
        service: sim.url!,
        domain: 'finesse.test',
        username: 'agent1',
        password: 'agent1',
        resource: 'gadget',
      });
      await until(store, () => !!sessionLabelled(store, 'agent1@finesse.test/gadget'));
      const served = [...store.sessions.values()].filter(
        (s) => s.id.startsWith('local-') && !s.id.startsWith('local-rest'),
      );
      assert.deepEqual(
        served.map((s) => s.label),
        ['agent1@finesse.test/gadget'],
        'the Connect session is not captured a second time from the server side',
      );
      const frames = framesOf(store, served[0].id);
      assert.equal(`${frames[0].dir} ${frames[0].kind}`, 'out open', 'the frames before the bind were kept');
      assert.ok(frames.some((f) => f.dir === 'in' && f.raw.includes('<bind')));
      assert.ok(framesOf(store, session.id).length > 5, "our session's own capture");
    } finally {
      gadget?.reconnect.stop();
      await gadget?.stop().catch(() => undefined);
      await session.stop();
      await sim.close();
    }
  });
});

describe('finesse-frames simulate prints what the local Finesse serves as JSON lines', function () {
  this.timeout(60_000);
  before(() => buildCli());

  it('REST calls as http frames and a client session, the Update with finesse.causedBy, no credentials', async () => {
    const run = spawnCli(['simulate', '--scenario', 'idle']);
    const xmpps: XmppClient[] = [];
    try {
      const first = await run.waitFor(() => true, 'the listening line');
      assert.deepEqual(Object.keys(first).slice(0, 4), ['listening', 'rest', 'bosh', 'domain']);
      const { xml } = await xmppModule();
      const agent = await startClient({
        service: first.listening as string,
        domain: 'finesse.test',
        username: 'agent1',
        password: 'agent1',
        resource: 'cli',
      });
      xmpps.push(agent);
      await agent.send(xml('presence'));
      const rest = restClient(first.rest as string, 'agent1', 'agent1');
      assert.equal((await rest('PUT', 'User/agent1', LOGIN, 'cli-cap')).status, 202);

      const request = await run.waitFor(
        (l) => l.kind === 'http' && l.dir === 'out' && l.http?.requestId === 'cli-cap',
        'the request frame',
      );
      assert.deepEqual(request.http, { method: 'PUT', path: '/finesse/api/User/agent1', requestId: 'cli-cap' });
      assert.match(request.raw as string, /\nAuthorization: Basic \[redacted\]\n/);
      const response = await run.waitFor((l) => l.kind === 'http' && l.answers === request.id, 'the response');
      assert.equal(response.http.status, 202);
      const update = await run.waitFor(
        (l: JsonLine) => l.kind === 'stanza' && l.finesse?.requestId === 'cli-cap' && l.finesse?.state === 'NOT_READY',
        'the Update it caused',
      );
      assert.equal(update.dir, 'in');
      assert.equal(update.finesse.causedBy, request.id);
      const open = run.lines().find((l) => l.session === update.session && l.kind === 'open');
      assert.equal(open?.dir, 'out', 'the client session is printed from its first frame');
      const raw = JSON.stringify(run.lines());
      for (const secret of SECRETS) assert.ok(!raw.includes(secret), 'no credential is printed');
    } finally {
      for (const c of xmpps) {
        c.reconnect.stop();
        await c.stop().catch(() => undefined);
      }
      await run.kill('SIGINT');
    }
  });

  it('--quiet prints only the listening line', async () => {
    const run = spawnCli(['simulate', '--scenario', 'idle', '--quiet']);
    const first = await run.waitFor(() => true, 'the listening line');
    const rest = restClient(first.rest as string, 'agent1', 'agent1');
    assert.equal((await rest('PUT', 'User/agent1', LOGIN, 'quiet-1')).status, 202);
    const { code } = await run.kill('SIGINT');
    assert.equal(code, 0);
    assert.equal(run.lines().length, 1);
  });
});
