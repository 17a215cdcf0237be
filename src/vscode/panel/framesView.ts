/**
 * The frames list/filter/detail UI on any vscode.Webview over any FrameStore: the live panel
 * (FramesPanel) and the read-only viewer of a saved session (the session files' custom editor) both
 * use it:  new FramesView(webview, extensionUri, store, { readOnly, actions }).
 * The protocol work is FramesHost's; this only connects it to VS Code.
 */
import * as vscode from 'vscode';
import type { FrameStore } from '../../core/capture/frameStore';
import type { FrameActions, ToolbarSource } from '../../protocol/actions';
import type { ColumnPrefs, FromWebview } from '../../protocol/messages';
import { FramesHost } from './framesHost';
import { guessWindowMs, requestIdWindowMs } from './guessWindow';
import { panelHtml } from './html';
import type { StanzaSelection } from './selection';

export interface FramesViewOptions {
  readOnly?: boolean;
  actions?: FrameActions;
  toolbar?: ToolbarSource;
  log?: vscode.LogOutputChannel;
  /** Where column widths and options are kept (the workspace state: per workspace). */
  columnsState?: vscode.Memento;
  /** Where a selected row goes so the Stanza tree shows it (services.selection). */
  selection?: StanzaSelection;
}

const COLUMNS_KEY = 'finesse.frames.columns';

/** Webview options the frames UI needs (also for createWebviewPanel). */
export function framesWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export class FramesView implements vscode.Disposable {
  readonly host: FramesHost;
  private readonly selection: StanzaSelection | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    readonly webview: vscode.Webview,
    extensionUri: vscode.Uri,
    readonly store: FrameStore,
    opts: FramesViewOptions = {},
  ) {
    webview.options = framesWebviewOptions(extensionUri);
    this.selection = opts.selection;
    this.host = new FramesHost(store, {
      readOnly: opts.readOnly,
      actions: opts.actions,
      toolbar: opts.toolbar,
      columns: opts.columnsState && {
        get: () => opts.columnsState?.get<ColumnPrefs>(COLUMNS_KEY),
        set: (prefs) => opts.columnsState?.update(COLUMNS_KEY, prefs),
      },
      post: (m) => webview.postMessage(m),
      copy: async (text) => {
        await vscode.env.clipboard.writeText(text);
        vscode.window.setStatusBarMessage('$(copy) Frame copied', 2000);
      },
      onSelect: (frame) => this.selection?.set(frame, this),
      guessWindowMs: guessWindowMs(),
      requestIdWindowMs: requestIdWindowMs(),
      onError: (e) => opts.log?.error('frames view:', e instanceof Error ? e : String(e)),
    });
    this.subscriptions.push(webview.onDidReceiveMessage((m: FromWebview) => this.host.receive(m)));
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css')).toString(),
    });
  }

  setActions(actions: FrameActions | undefined): void {
    this.host.setActions(actions);
  }

  setToolbar(toolbar: ToolbarSource | undefined): void {
    this.host.setToolbar(toolbar);
  }

  /** Selects and shows a frame (e.g. the one intercept just held). False if not in the view. */
  reveal(frameId: number): boolean {
    return this.host.reveal(frameId);
  }

  /** Filters the view from the host side (the webview's filter bar shows the query). */
  applyFilter(text: string): { ok: true } | { ok: false; error: string } {
    return this.host.setFilter({ text });
  }

  dispose(): void {
    this.selection?.release(this);
    this.host.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
