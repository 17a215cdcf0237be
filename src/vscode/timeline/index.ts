/**
 * Finesse: Show Timeline: the picture of the capture in the active session viewer (a saved
 * session or an imported HAR), else of the live capture. The panel's code loads on first use;
 * the live capture's panel comes back after a window reload (serializer.ts).
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { TIMELINE_VIEW_TYPE } from './ids';
import { timelineSerializer } from './serializer';
import { activeTimelineSource, TimelineSource } from './sources';

export function register(services: Services): vscode.Disposable[] {
  const live = liveSource(services);
  return [
    vscode.commands.registerCommand('finesse.showTimeline', async () => {
      const { TimelinePanel } = await import('./timelinePanel');
      TimelinePanel.show(services.context.extensionUri, activeTimelineSource() ?? live, services.log);
    }),
    vscode.window.registerWebviewPanelSerializer(
      TIMELINE_VIEW_TYPE,
      timelineSerializer(services.context.extensionUri, live, services.log),
    ),
  ];
}

/** The live capture as a timeline source: a click selects the frame in the frames panel. */
function liveSource(services: Services): TimelineSource {
  return {
    store: services.store,
    title: 'Live capture',
    connections: services.live,
    reveal: async (id) => {
      await vscode.commands.executeCommand('finesse.showFrames');
      const { FramesPanel } = await import('../panel/framesPanel');
      return FramesPanel.reveal(id);
    },
  };
}
