/**
 * The "Finesse Timeline" webview panel: one per capture (the live store, or a session viewer's
 * store), wired to a TimelineHost. A click on the picture selects that frame in the frames view
 * of the same capture.
 */
import * as vscode from 'vscode';
import type { FrameStore } from '../../core/capture/frameStore';
import type { FromTimeline } from '../../protocol/timeline';
import { guessWindowMs, requestIdWindowMs } from '../panel/guessWindow';
import { timelineHtml } from './html';
import type { TimelineSource } from './sources';
import { TimelineHost } from './timelineHost';

import { TIMELINE_VIEW_TYPE } from './ids';

function timelineWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export class TimelinePanel implements vscode.Disposable {
  private static readonly open = new Map<FrameStore, TimelinePanel>();
  private readonly host: TimelineHost;
  private readonly subscriptions: vscode.Disposable[] = [];

  static show(extensionUri: vscode.Uri, source: TimelineSource, log?: vscode.LogOutputChannel): TimelinePanel {
    const existing = TimelinePanel.open.get(source.store);
    if (existing) {
      existing.panel.reveal(undefined, false);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      TIMELINE_VIEW_TYPE,
      `Timeline: ${source.title}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      timelineWebviewOptions(extensionUri),
    );
    const created = new TimelinePanel(panel, extensionUri, source, log);
    TimelinePanel.open.set(source.store, created);
    return created;
  }

  /** Called by the serializer with a panel VS Code restored after a window reload. */
  static revive(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    source: TimelineSource,
    log?: vscode.LogOutputChannel,
  ): TimelinePanel {
    TimelinePanel.open.get(source.store)?.dispose();
    panel.webview.options = timelineWebviewOptions(extensionUri);
    const revived = new TimelinePanel(panel, extensionUri, source, log);
    TimelinePanel.open.set(source.store, revived);
    return revived;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly source: TimelineSource,
    log?: vscode.LogOutputChannel,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'finesse.svg');
    this.host = new TimelineHost(source.store, {
      connections: source.connections,
      title: source.title,
      guessWindowMs: guessWindowMs(),
      requestIdWindowMs: requestIdWindowMs(),
      post: (m) => panel.webview.postMessage(m),
      onSelect: (id) => {
        void Promise.resolve(source.reveal(id)).then(
          (shown) => {
            if (!shown)
              vscode.window.setStatusBarMessage(
                `Finesse: frame #${id} is not in the frames view (filtered out?)`,
                4000,
              );
          },
          (e: unknown) => log?.error('timeline select:', e instanceof Error ? e : String(e)),
        );
      },
    });
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((m: FromTimeline) => this.host.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = timelineHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'timeline.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'timeline.css')).toString(),
    });
  }

  dispose(): void {
    if (TimelinePanel.open.get(this.source.store) === this) TimelinePanel.open.delete(this.source.store);
    this.host.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.panel.dispose();
  }
}
