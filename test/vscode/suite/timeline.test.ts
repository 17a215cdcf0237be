// Finesse: Show Timeline inside a real VS Code: opens a timeline panel over the live capture, and
// over the session file in the active viewer (which keeps the REST frames).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { saveSession } from '../../../src/core/recording/writer';
import { agentDay } from '../../support/agentDay';
import { api } from './helpers';

/** The timeline tabs open now, by label. */
function timelineTabs(): string[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('finesse.timeline')).map((t) => t.label);
}

/** Resolves once a timeline tab with `label` is open (tab changes are events, not time). */
function tabOpened(label: string): Promise<void> {
  if (timelineTabs().includes(label)) return Promise.resolve();
  return new Promise((resolve) => {
    const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
      if (!timelineTabs().includes(label)) return;
      sub.dispose();
      resolve();
    });
  });
}

describe('Finesse: Show Timeline', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'timeline-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('opens the timeline of the live capture', async () => {
    const finesse = await api();
    agentDay().store.slice().forEach((f) => finesse.store.append({ ...f }));
    const opened = tabOpened('Timeline: Live capture');
    await vscode.commands.executeCommand('finesse.showTimeline');
    await opened;
    // Asked again, the same panel comes forward.
    await vscode.commands.executeCommand('finesse.showTimeline');
    assert.deepEqual(timelineTabs(), ['Timeline: Live capture']);
  });

  it('opens the timeline of the session file in the active viewer', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const day = agentDay();
    const path = join(dir, 'day.finesse-session');
    await saveSession(path, day.store, { sessions: [...day.store.sessions.values()] });
    await vscode.commands.executeCommand('finesse.openSession', vscode.Uri.file(path));
    const opened = tabOpened('Timeline: day.finesse-session');
    await vscode.commands.executeCommand('finesse.showTimeline');
    await opened;
  });
});
