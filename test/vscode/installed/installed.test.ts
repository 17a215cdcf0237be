// The .vsix as a user installs it (`code-server --install-extension`): the installed copy, not
// this repo, is what loads; it stays inactive until first use, then activates and works.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { FinesseSimulator } from '../../../src/core/replay/simulator';
import { api, CORE_COMMANDS, extension, FinesseApi, waitForFrame } from '../suite/helpers';
import { probe } from '../suite/probe';

describe('Installed from the .vsix', () => {
  let simulator: FinesseSimulator;
  let finesse: FinesseApi;

  before(async () => {
    simulator = new FinesseSimulator({ speed: 50 });
  });
  after(async () => {
    await vscode.commands.executeCommand('finesse.disconnect');
    await simulator?.close();
  });

  it('is the installed copy and nothing activated it before first use', () => {
    const ext = extension();
    assert.ok(
      !ext.extensionPath.startsWith(join(__dirname, '..', '..', '..')),
      `loaded from ${ext.extensionPath}, not from the extensions dir`,
    );
    assert.equal(ext.isActive, false, 'activated at startup: activation must wait for first use');
  });

  it('activates on a command and registers the Finesse commands', async () => {
    await vscode.commands.executeCommand('finesse.showFrames');
    assert.ok(extension().isActive);
    finesse = await api();
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of CORE_COMMANDS) assert.ok(registered.has(id), `${id} is not registered`);
    if (typeof finesse.activationMs === 'number')
      await probe.metric('activation of the installed vsix', Number(finesse.activationMs.toFixed(2)), 'ms');
  });

  it('carries a production extension bundle under 1 MB', async () => {
    const ext = extension();
    const bytes = statSync(join(ext.extensionPath, ext.packageJSON.main)).size;
    await probe.metric('installed dist/extension.js (production)', Math.round(bytes / 1024), 'KiB');
    assert.ok(bytes < 1024 * 1024, `extension bundle is ${bytes} bytes`);
  });

  it('connects to the simulator and the panel shows the frames', async () => {
    const url = await simulator.listen();
    const session = await vscode.commands.executeCommand<string>('finesse.connect', {
      url,
      domain: 'finesse.test',
      user: 'agent1',
      password: 'agent1',
    });
    await waitForFrame(
      finesse.store,
      (f) => f.session === session && f.dir === 'in' && f.raw.includes('&lt;Update&gt;'),
    );
    const rows = await probe.webviewRows(5);
    assert.ok(rows.ok, `panel rows: ${rows.count} ${JSON.stringify(rows.texts)}`);
    const online = await probe.statusBar(/online/i);
    assert.ok(online.ok, `status bar: ${online.text}`);
  });
});
