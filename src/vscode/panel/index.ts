/**
 * The frames panel feature: Finesse: Show Frames / Clear Frames, the panel serializer (the panel
 * comes back after a window reload) and the Stanza tree view. The panel's code loads on first
 * use; intercept extends the panel through services.panelHooks, the session viewer reuses FramesView.
 */
import * as vscode from 'vscode';
import type { Frame } from '../../core/capture/frame';
import type { Services } from '../services';
import { StanzaTreeProvider } from './stanzaTree';
import { FRAMES_VIEW_TYPE, STANZA_VIEW_ID } from './ids';

export function register(services: Services): vscode.Disposable[] {
  const tree = new StanzaTreeProvider(services.selection);
  const treeView = vscode.window.createTreeView(STANZA_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  tree.attach(treeView);
  // An intercept edit (or a flag change) to the frame on show redraws the tree at once.
  const onUpdate = (frame: Frame) => {
    if (frame === tree.shown) tree.show(frame);
  };
  services.store.on('update', onUpdate);
  const panel = () => import('./framesPanel');
  return [
    tree,
    treeView,
    { dispose: () => services.store.off('update', onUpdate) },
    vscode.commands.registerCommand('finesse.showFrames', async () => {
      (await panel()).FramesPanel.createOrShow(services);
    }),
    vscode.commands.registerCommand('finesse.clearFrames', () => services.store.clear()),
    vscode.window.registerWebviewPanelSerializer(FRAMES_VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel) {
        (await panel()).FramesPanel.revive(webviewPanel, services);
      },
    }),
  ];
}
