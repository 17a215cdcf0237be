/**
 * Brings a timeline panel back after a window reload. Only the live capture's picture can come
 * back: the webview remembers (in its state) whether it drew the live capture; a saved session's
 * picture is closed instead, since its viewer reopens on its own and Show Timeline redraws it
 * from there (the store the old panel drew is gone with the reload).
 */
import * as vscode from 'vscode';
import type { TimelineState } from '../../protocol/timeline';
import type { TimelineSource } from './sources';

export function timelineSerializer(
  extensionUri: vscode.Uri,
  live: TimelineSource,
  log?: vscode.LogOutputChannel,
): vscode.WebviewPanelSerializer<TimelineState> {
  return {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: TimelineState | undefined) {
      if (state?.live === false) {
        panel.dispose();
        return;
      }
      const { TimelinePanel } = await import('./timelinePanel');
      TimelinePanel.revive(panel, extensionUri, live, log);
    },
  };
}
