// Connect to the built-in Finesse simulator from the command, as a user does, and see the frames
// in the store, the status bar and the Finesse Frames panel (the DOM checks go through the runner).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { FinesseSimulator } from '../../../src/core/replay/simulator';
import { api, FinesseApi, framesOf, waitForFrame } from './helpers';
import { probe } from './probe';

const PASSWORD = 'sim-secret-7f3a';

describe('Connect to the Finesse simulator', () => {
  let simulator: FinesseSimulator;
  let url: string;
  let finesse: FinesseApi;
  let session: string;

  before(async () => {
    finesse = await api();
    simulator = new FinesseSimulator({ users: { agent1: PASSWORD }, speed: 50 });
    url = await simulator.listen();
  });
  after(async () => {
    await vscode.commands.executeCommand('finesse.disconnect');
    await simulator?.close();
  });

  it('finesse.connect logs in and every frame both ways lands in the store', async () => {
    session = await vscode.commands.executeCommand<string>('finesse.connect', {
      url,
      domain: 'finesse.test',
      user: 'agent1',
      password: PASSWORD,
    });
    assert.equal(typeof session, 'string', 'finesse.connect returns the session id');
    // The demo day's last User update (the sign-out) reached the extension's session.
    await waitForFrame(finesse.store, (f) => f.session === session && f.dir === 'in' && f.raw.includes('req-logout-'));
    const frames = framesOf(finesse.store, session);
    assert.ok(
      frames.some((f) => f.dir === 'out' && f.kind === 'open'),
      'our <open/> is captured',
    );
    assert.ok(
      frames.some((f) => f.dir === 'in' && f.raw.includes('&lt;Update&gt;')),
      'escaped Finesse Updates are captured as sent',
    );
  });

  it('keeps the password out of settings', () => {
    const settings = JSON.stringify(vscode.workspace.getConfiguration('finesse'));
    assert.ok(!settings.includes(PASSWORD), `password found in settings: ${settings}`);
  });

  it('shows the connection state and the frame count in the status bar', async function () {
    if (!probe.available()) this.skip(); // the workbench DOM is read by the code-server runner
    const online = await probe.statusBar(/online/i);
    assert.ok(online.ok, `status bar: ${online.text}`);
    // The scenario is over and nothing else is sent now, so the count must be the store's.
    const count = await probe.statusBar(new RegExp(`\\b${finesse.store.size} frames?`));
    assert.ok(count.ok, `status bar: ${count.text}; store: ${finesse.store.size} frames`);
  });

  it('Show Frames opens the panel and its webview lists the frames', async () => {
    await vscode.commands.executeCommand('finesse.showFrames');
    if (!probe.available()) return;
    const rows = await probe.webviewRows(5);
    assert.ok(rows.ok, `panel rows: ${rows.count} ${JSON.stringify(rows.texts)}`);
    assert.ok(
      rows.texts.some((t) => /message|iq|presence|open|Update|READY/i.test(t)),
      `row texts: ${JSON.stringify(rows.texts)}`,
    );
  });

  it('Clear Frames empties the store', async () => {
    await vscode.commands.executeCommand('finesse.clearFrames');
    assert.equal(finesse.store.size, 0);
  });

  it('Disconnect ends the session and the status bar says so', async () => {
    await vscode.commands.executeCommand('finesse.disconnect');
    assert.ok(finesse.store.sessions.get(session)?.ended, 'the session is ended in the store');
    if (!probe.available()) return;
    const offline = await probe.statusBar(/^(?![\s\S]*\bonline\b)/i);
    assert.ok(offline.ok, `status bar still says online: ${offline.text}`);
  });
});

describe('Finesse: Start Simulator', () => {
  let finesse: FinesseApi;
  after(async () => {
    await vscode.commands.executeCommand('finesse.disconnect');
    await vscode.commands.executeCommand('finesse.stopSimulator');
  });

  it("starts the local Finesse; a REST sign-in reaches the extension's own session as an Update with its requestId", async () => {
    finesse = await api();
    const urls = await vscode.commands.executeCommand<{
      listening: string;
      rest: string;
      bosh: string;
      domain: string;
      c2s: string;
    }>('finesse.startSimulator', { scenario: 'idle' });
    assert.deepEqual(Object.keys(urls), ['listening', 'rest', 'bosh', 'domain', 'c2s']);
    assert.match(urls.c2s, /^127\.0\.0\.1:\d+$/, 'XMPP over TCP on loopback');
    assert.deepEqual(
      await vscode.commands.executeCommand('finesse.startSimulator', { scenario: 'idle' }),
      urls,
      'a second start answers the running one',
    );
    const session = await vscode.commands.executeCommand<string>('finesse.connect', {
      url: urls.listening,
      domain: urls.domain,
      user: 'agent1',
      password: 'agent1',
    });
    const auth = `Basic ${Buffer.from('agent1:agent1').toString('base64')}`;
    const res = await fetch(`${urls.rest}User/agent1`, {
      method: 'PUT',
      headers: { Authorization: auth, requestId: 'vsc-login', 'Content-Type': 'application/xml' },
      body: '<User><state>LOGIN</state><extension>1001</extension></User>',
    });
    assert.equal(res.status, 202);
    await waitForFrame(
      finesse.store,
      (f) => f.session === session && f.dir === 'in' && f.raw.includes('vsc-login') && f.raw.includes('NOT_READY'),
    );
  });

  it('Stop Simulator stops it: the REST origin no longer answers', async () => {
    const urls = await vscode.commands.executeCommand<{ rest: string }>('finesse.startSimulator', { scenario: 'idle' });
    await vscode.commands.executeCommand('finesse.disconnect');
    await vscode.commands.executeCommand('finesse.stopSimulator');
    await assert.rejects(fetch(`${urls.rest}SystemInfo`));
  });
});
