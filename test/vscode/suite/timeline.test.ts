// Finesse: Show Timeline inside a real VS Code: opens a timeline panel over the live capture, and
// over the session file in the active viewer (which keeps the REST frames).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { saveSession } from '../../../src/core/recording/writer';
import type { FromTimeline } from '../../../src/protocol/timeline';
import { timelineSerializer } from '../../../src/vscode/timeline/serializer';
import { agentDay } from '../../support/agentDay';
import { api, extension } from './helpers';

/** The timeline tabs open now, by label. */
function timelineTabs(): string[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('finesse.timeline'))
    .map((t) => t.label);
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
    agentDay()
      .store.slice()
      .forEach((f) => finesse.store.append({ ...f }));
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

  // The suite cannot reload its window, so these hand the serializer a panel as VS Code restores
  // one (same view type, no scripts enabled yet) with the state the webview saved.
  it("revives the live capture's timeline after a window reload", async () => {
    const finesse = await api();
    agentDay()
      .store.slice()
      .forEach((f) => finesse.store.append({ ...f }));
    const panel = vscode.window.createWebviewPanel(
      'finesse.timeline',
      'Timeline: Live capture',
      vscode.ViewColumn.Active,
      {},
    );
    const ready = new Promise<void>((resolve) => {
      const sub = panel.webview.onDidReceiveMessage((m: FromTimeline) => {
        if (m.type !== 'ready') return;
        sub.dispose();
        resolve();
      });
    });
    const live = { store: finesse.store, title: 'Live capture', connections: finesse.live, reveal: () => false };
    await timelineSerializer(extension().extensionUri, live).deserializeWebviewPanel(panel, { live: true });
    // The timeline bundle ran under the panel's CSP and asked for its model.
    await ready;
    assert.equal(panel.webview.options.enableScripts, true);
    assert.match(panel.webview.html, /timeline\.js/);
    panel.dispose();
  });

  it('closes a restored timeline of a saved session (its store is gone with the reload)', async () => {
    const finesse = await api();
    const panel = vscode.window.createWebviewPanel(
      'finesse.timeline',
      'Timeline: day.finesse-session',
      vscode.ViewColumn.Active,
      {},
    );
    const disposed = new Promise<void>((resolve) => panel.onDidDispose(() => resolve()));
    const live = { store: finesse.store, title: 'Live capture', connections: finesse.live, reveal: () => false };
    await timelineSerializer(extension().extensionUri, live).deserializeWebviewPanel(panel, { live: false });
    await disposed;
  });
});
