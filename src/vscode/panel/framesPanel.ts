/**
 * The "Finesse Frames" panel over the live store: one instance, opened by Finesse: Show Frames
 * (and by Connect), revived after a window reload by the WebviewPanelSerializer in index.ts.
 * The webview is not kept alive while hidden: it restores filter and selection from its state.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { framesWebviewOptions, FramesView } from './framesView';
import { FRAMES_VIEW_TYPE } from './ids';

export class FramesPanel implements vscode.Disposable {
  private static current: FramesPanel | undefined;
  readonly view: FramesView;
  private readonly subscriptions: vscode.Disposable[] = [];

  static get instance(): FramesPanel | undefined {
    return FramesPanel.current;
  }

  static createOrShow(services: Services): FramesPanel {
    if (FramesPanel.current) {
      FramesPanel.current.panel.reveal(undefined, false);
      return FramesPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      FRAMES_VIEW_TYPE,
      'Finesse Frames',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { ...framesWebviewOptions(services.context.extensionUri), retainContextWhenHidden: false },
    );
    return (FramesPanel.current = new FramesPanel(panel, services));
  }

  /** Called by the serializer with the panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, services: Services): FramesPanel {
    FramesPanel.current?.dispose();
    return (FramesPanel.current = new FramesPanel(panel, services));
  }

  /** Selects a frame in the open panel (e.g. a held frame); false when none is open or it is filtered out. */
  static reveal(frameId: number): boolean {
    return FramesPanel.current?.view.reveal(frameId) ?? false;
  }

  /** Filters the open panel to a query; false when no panel is open. */
  static filter(text: string): boolean {
    const r = FramesPanel.current?.view.applyFilter(text);
    if (r && !r.ok) throw new Error(r.error);
    return !!r;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    services: Services,
  ) {
    const extensionUri = services.context.extensionUri;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'finesse.svg');
    const hooks = services.panelHooks.current;
    this.view = new FramesView(panel.webview, extensionUri, services.store, {
      actions: hooks.actions,
      toolbar: hooks.toolbar,
      log: services.log,
      columnsState: services.context.workspaceState,
      selection: services.selection,
    });
    const hookSubscription = services.panelHooks.onChange((h) => {
      this.view.setActions(h.actions);
      this.view.setToolbar(h.toolbar);
    });
    this.subscriptions.push(
      this.view,
      { dispose: () => hookSubscription.dispose() },
      panel.onDidDispose(() => this.dispose()),
    );
  }

  dispose(): void {
    if (FramesPanel.current === this) FramesPanel.current = undefined;
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.panel.dispose();
  }
}
