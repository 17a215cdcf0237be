/** Choices the sessions feature asks for: which WebSocket entry of a HAR, which recorded session. */
import * as vscode from 'vscode';
import type { HarSocket } from '../../core/recording/har';
import type { SessionInfo } from '../../core/capture/frameStore';

/** The QuickPick shown when a HAR holds several WebSocket entries; undefined when cancelled. */
export async function pickHarEntry(sockets: HarSocket[], fileName: string): Promise<number | undefined> {
  const picked = await vscode.window.showQuickPick(
    sockets.map((s) => ({
      label: s.url || `(entry ${s.entryIndex})`,
      description: `${s.messages} messages`,
      detail: s.started ? `opened ${new Date(s.started).toLocaleString()}` : undefined,
      index: s.index,
    })),
    {
      title: `${fileName}: which WebSocket?`,
      placeHolder: `${sockets.length} WebSocket connections were saved in this HAR`,
      ignoreFocusOut: true,
    },
  );
  return picked?.index;
}

export async function pickSession(
  sessions: { session: SessionInfo; frames: number }[],
  fileName: string,
): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(
    sessions.map(({ session, frames }) => ({
      label: session.label,
      description: `${frames} frames`,
      detail: session.target,
      id: session.id,
    })),
    { title: `${fileName}: which session?`, ignoreFocusOut: true },
  );
  return picked?.id;
}

/** A path from a command argument: a Uri (explorer menu), `{path}` (tests, scripts) or nothing. */
export function argPath(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (arg && typeof arg === 'object' && typeof (arg as { path?: unknown }).path === 'string')
    return (arg as { path: string }).path;
  return undefined;
}
