/**
 * Finesse: Show Timeline: the picture of the capture in the active session viewer (a saved
 * session or an imported HAR), else of the live capture. The panel's code loads on first use.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { activeTimelineSource, TimelineSource } from './sources';

export function register(services: Services): vscode.Disposable[] {
  const live: TimelineSource = {
    store: services.store,
    title: 'Live capture',
    live: true,
    reveal: async (id) => {
      await vscode.commands.executeCommand('finesse.showFrames');
      const { FramesPanel } = await import('../panel/framesPanel');
      return FramesPanel.reveal(id);
    },
  };
  return [
    vscode.commands.registerCommand('finesse.showTimeline', async () => {
      const { TimelinePanel } = await import('./timelinePanel');
      TimelinePanel.show(services.context.extensionUri, activeTimelineSource() ?? live, services.log);
    }),
  ];
}
