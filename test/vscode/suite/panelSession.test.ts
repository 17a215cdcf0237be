// The Frames panel in a real VS Code names a Connect session by its agent, not by the id the
// session was given: the Session column's cells of the rows shown read the agent's JID, with
// the id in their tooltip. A saved session's read-only viewer offers no Follow.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { FinesseSimulator } from '../../../src/core/replay/simulator';
import { api, extension, framesOf, waitForFrame } from './helpers';
import { FRAME_ROW, probe } from './probe';

const PASSWORD = 'panel-session-pw';
const DOMAIN = 'finesse.lab.example';

describe('Frames panel: the Session column', () => {
  let simulator: FinesseSimulator;

  before(async () => {
    simulator = new FinesseSimulator({ users: { agent1: PASSWORD }, domain: DOMAIN });
  });
  after(async () => {
    await vscode.commands.executeCommand('finesse.disconnect', 'all');
    await simulator?.close();
  });

  it('reads the agent’s JID for a Connect session, its generated id only in the tooltip', async function () {
    if (!probe.available()) this.skip();
    const finesse = await api();
    const url = await simulator.listen();
    const id = await vscode.commands.executeCommand<string>('finesse.connect', {
      url,
      domain: DOMAIN,
      user: 'agent1',
      password: PASSWORD,
    });
    assert.match(id, /^client-/);
    await waitForFrame(finesse.store, (f) => f.session === id && f.dir === 'in');
    await vscode.commands.executeCommand('finesse.showFrames');
    const cells = await probe.webviewRows(1, `${FRAME_ROW} .fx-col-session[title="agent1@${DOMAIN} (session ${id})"]`);
    assert.ok(cells.ok, `no row of ${id} names its agent: ${JSON.stringify(cells)}`);
    assert.ok(framesOf(finesse.store, id).length >= cells.count);
    for (const text of cells.texts) assert.equal(text, `agent1@${DOMAIN}`);
  });

  it('a saved session’s read-only viewer has no Follow button (nothing arrives there)', async function () {
    if (!probe.available()) this.skip();
    const path = join(extension().extensionPath, 'test', 'fixtures', 'v0.finesse-session');
    const opened = await vscode.commands.executeCommand<{ frames: number }>('finesse.openSession', { path });
    assert.ok(opened.frames > 0);
    // The viewer's rows are in, and its Follow button is hidden (the live panel's is not).
    const rows = await probe.webviewRows(1, `body:has([data-testid=follow][hidden]) ${FRAME_ROW}`);
    assert.ok(rows.ok, `no webview with rows and a hidden Follow: ${JSON.stringify(rows)}`);
  });
});
