/**
 * The frames panel's row context menu, copy part: Copy as raw / pretty XML / decoded Update /
 * JSON line; and Filter to This Session. The row puts `{frameId}` in its data-vscode-context, which VS Code passes to the
 * command; from the palette the selected frame is used. Credentials stay masked, as in the
 * panel and in saved files.
 */
import * as vscode from 'vscode';
import { frameToJsonLine } from '../../core/capture/jsonLines';
import type { CopyWhat } from '../../protocol/messages';
import { copyText } from '../panel/detail';
import type { Services } from '../services';

type Command = (id: string, fn: (...args: unknown[]) => unknown) => vscode.Disposable;
type FrameArg = (arg: unknown, verb: string) => Promise<number | undefined>;

const COPIES: [command: string, what: CopyWhat | 'json', verb: string][] = [
  ['finesse.copyRaw', 'raw', 'copy as raw text'],
  ['finesse.copyPretty', 'pretty', 'copy as pretty XML'],
  ['finesse.copyUpdate', 'update', 'copy its decoded Update'],
  ['finesse.copyJsonLine', 'json', 'copy as a JSON line'],
];

export function registerRowCommands(services: Services, command: Command, frameArg: FrameArg): vscode.Disposable[] {
  const filterToSession = command('finesse.filterToSession', async (arg) => {
    const frameId = await frameArg(arg, 'filter to its session');
    const frame = frameId === undefined ? undefined : services.store.get(frameId);
    if (!frame) return undefined;
    const query = `session:${frame.session}`;
    const { FramesPanel } = await import('../panel/framesPanel');
    if (!FramesPanel.filter(query)) {
      await vscode.commands.executeCommand('finesse.showFrames');
      FramesPanel.filter(query);
    }
    return query;
  });
  return [
    filterToSession,
    ...COPIES.map(([id, what, verb]) =>
      command(id, async (arg) => {
        const frameId = await frameArg(arg, verb);
        if (frameId === undefined) return undefined;
        const frame = services.store.get(frameId);
        if (!frame) throw new Error(`frame #${frameId} is no longer in the capture`);
        const text = what === 'json' ? frameToJsonLine(frame) : copyText(frame, what);
        if (what === 'update' && !text) throw new Error(`frame #${frameId} carries no Finesse Update`);
        await vscode.env.clipboard.writeText(text);
        vscode.window.setStatusBarMessage(`$(copy) Frame #${frameId} copied`, 2000);
        return text;
      }),
    ),
  ];
}
