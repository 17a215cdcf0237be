// A gadget's view of the local Finesse: a page served by the simulator itself (--serve, at
// /3rdpartygadget/files/) runs strophe.js (npm, its browser bundle) in Debian Chromium, signs in
// over REST with fetch and Basic auth, connects over /ws/ (then over BOSH /http-bind) WITHOUT
// subscribing, and works a day: LOGIN/NOT_READY, READY, an incoming call answered and dropped,
// an invalid request answered 400 and evented as apiErrors, a call made. Every Update carries the
// requestId of the request that caused it, and validates against schemas/.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { FinesseSimulator } from '../../src/core/simulator/simulator';
import { parseScenario } from '../../src/core/simulator/scenario';
import { nodes } from '../../src/core/finesse/nodes';
import { dialogIdOf, is, UpdateLog, validateUpdates } from './localFinesseSupport';

const ROOT = join(__dirname, '..', '..');
const USER = nodes.user('agent1');
const DIALOGS = nodes.userDialogs('agent1');

/** The gadget: plain JS, as a developer would write it against Finesse. */
const GADGET_JS = `
const AUTH = 'Basic ' + btoa('agent1:agent1');
window.rest = async (method, path, body, requestId) => {
  const headers = { Authorization: AUTH };
  if (body) headers['Content-Type'] = 'application/xml';
  if (requestId) headers.requestId = requestId;
  const res = await fetch('/finesse/api/' + path, { method, headers, body });
  return { status: res.status, text: await res.text() };
};
window.connect = (transport) => new Promise((resolve, reject) => {
  const url = transport === 'bosh'
    ? new URL('/http-bind', location.href).href
    : new URL('/ws/', location.href).href.replace(/^http/, 'ws');
  const conn = new Strophe.Connection(url);
  window.conn = conn;
  conn.addHandler((msg) => {
    for (const items of msg.getElementsByTagName('items')) {
      for (const n of items.getElementsByTagName('notification')) window.onUpdate(items.getAttribute('node'), n.textContent);
    }
    return true;
  }, null, 'message');
  conn.connect('agent1@finesse.test/gadget', 'agent1', (status, condition) => {
    if (status === Strophe.Status.CONNECTED) {
      conn.send($pres());
      resolve(conn.jid);
    } else if (status === Strophe.Status.AUTHFAIL || status === Strophe.Status.CONNFAIL || status === Strophe.Status.ERROR) {
      reject(new Error('strophe status ' + status + ' ' + condition));
    }
  });
});
`;

const PAGE = `<!doctype html><meta charset="utf-8"><title>Gadget</title><script src="strophe.umd.min.js"></script><script src="gadget.js"></script><p>gadget</p>`;

/** Rings agent1 whenever it is READY, with call variables, as a scenario file says. */
const SCENARIO = `
start: immediately
steps:
  - ring: { agent: agent1, from: "5551234", variables: { callVariable1: case-4711, callVariable2: gold } }
    when: READY
`;

describe('local Finesse with strophe.js in Chromium (a gadget on the simulator origin)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'finesse-gadget-'));
    copyFileSync(join(ROOT, 'node_modules/strophe.js/dist/strophe.umd.min.js'), join(dir, 'strophe.umd.min.js'));
    writeFileSync(join(dir, 'gadget.js'), GADGET_JS);
    writeFileSync(join(dir, 'index.html'), PAGE);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const transport of ['websocket', 'bosh'] as const) {
    describe(`over ${transport === 'bosh' ? 'BOSH (/http-bind)' : 'WebSocket (/ws/)'}`, () => {
      let sim: FinesseSimulator;
      let page: Page;
      let log: UpdateLog;
      let validation: ReturnType<typeof validateUpdates>;
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

      before(async () => {
        sim = new FinesseSimulator({
          serve: dir,
          scenario: parseScenario(SCENARIO, 'ring-when-ready'),
          speed: Infinity,
        });
        validation = validateUpdates(sim);
        await sim.listen();
        page = await browser.newPage();
        log = new UpdateLog();
        await page.exposeFunction('onUpdate', (node: string, text: string) => log.push(node, text));
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        const res = await page.goto(`${sim.origin}/3rdpartygadget/files/`);
        assert.equal(res?.status(), 200);
        assert.deepEqual(errors, []);
      });
      after(async () => {
        await page?.close();
        await sim?.close();
      });

      it('reads the agent over REST with Basic auth (same origin, no CORS)', async () => {
        const user = await rest('GET', 'User/agent1');
        assert.equal(user.status, 200);
        assert.match(user.text, /<state>LOGOUT<\/state>/);
      });

      it('connects without subscribing and receives the LOGIN and NOT_READY Updates of a REST sign-in', async () => {
        const jid = await page.evaluate(
          (t) => (window as unknown as { connect: (t: string) => Promise<string> }).connect(t),
          transport,
        );
        assert.equal(jid, 'agent1@finesse.test/gadget');
        await new Promise<void>((resolve) =>
          sim.notifications.sessions.some((s) => s.available) ? resolve() : sim.once('online', () => resolve()),
        );
        const login = await rest(
          'PUT',
          'User/agent1',
          '<User><state>LOGIN</state><extension>1001</extension></User>',
          'req-login',
        );
        assert.equal(login.status, 202);
        assert.equal(login.text, '');
        assert.equal((await log.next(is(USER, 'LOGIN'))).requestId, 'req-login');
        assert.equal((await log.next(is(USER, 'NOT_READY'))).requestId, 'req-login');
      });

      it('goes READY over REST and receives the READY Update with its requestId', async () => {
        assert.equal((await rest('PUT', 'User/agent1', '<User><state>READY</state></User>', 'req-ready')).status, 202);
        await log.next(is(USER, 'READY', 'req-ready'));
      });

      it('gets the incoming call (Dialogs POST ALERTING with its call variables), answers it and sees ACTIVE/TALKING', async () => {
        const alerting = await log.next(is(DIALOGS, 'ALERTING'));
        assert.equal(alerting.event, 'POST');
        assert.match(alerting.xml, /<name>callVariable2<\/name><value>gold<\/value>/);
        await log.next(is(USER, 'RESERVED'));
        const id = dialogIdOf(alerting);
        assert.equal(
          (
            await rest(
              'PUT',
              `Dialog/${id}`,
              '<Dialog><requestedAction>ANSWER</requestedAction><targetMediaAddress>1001</targetMediaAddress></Dialog>',
              'req-answer',
            )
          ).status,
          202,
        );
        const active = await log.next(is(DIALOGS, 'ACTIVE', 'req-answer'));
        assert.equal(active.event, 'PUT');
        await log.next(is(USER, 'TALKING', 'req-answer'));
      });

      it('an invalid transition answers 400 ApiErrors and publishes apiErrors with the requestId', async () => {
        const bad = await rest('PUT', 'User/agent1', '<User><state>READY</state></User>', 'req-bad');
        assert.equal(bad.status, 400);
        assert.match(bad.text, /^<ApiErrors><ApiError><ErrorType>Invalid State<\/ErrorType>/);
        const err = await log.next((u) => u.kind === 'apiErrors');
        assert.deepEqual([err.node, err.requestId, err.state], [USER, 'req-bad', 'Invalid State']);
      });

      it('drops the call (Dialogs DELETE, wrap-up WORK), then makes one (POST INITIATED, PUT ACTIVE)', async () => {
        const id = dialogIdOf(log.all.find(is(DIALOGS, 'ALERTING')) as never);
        assert.equal(
          (
            await rest(
              'PUT',
              `Dialog/${id}`,
              '<Dialog><requestedAction>DROP</requestedAction><targetMediaAddress>1001</targetMediaAddress></Dialog>',
              'req-drop',
            )
          ).status,
          202,
        );
        assert.equal((await log.next(is(DIALOGS, 'DROPPED', 'req-drop'))).event, 'DELETE');
        await log.next(is(USER, 'WORK', 'req-drop'));
        assert.equal(
          (
            await rest(
              'PUT',
              'User/agent1',
              '<User><state>NOT_READY</state><reasonCodeId>22</reasonCodeId></User>',
              'req-nr',
            )
          ).status,
          202,
        );
        await log.next(is(USER, 'NOT_READY', 'req-nr'));
        const made = await rest(
          'POST',
          'User/agent1/Dialogs',
          '<Dialog><requestedAction>MAKE_CALL</requestedAction><fromAddress>1001</fromAddress><toAddress>5550000</toAddress></Dialog>',
          'req-call',
        );
        assert.equal(made.status, 202);
        assert.equal((await log.next(is(DIALOGS, 'INITIATED', 'req-call'))).event, 'POST');
        await log.next(is(DIALOGS, 'ACTIVE', 'req-call'));
      });

      it('every Update the simulator sent validates against schemas/', async () => {
        assert.ok((await validation.check()) > 10);
      });
    });
  }
});
