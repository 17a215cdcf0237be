/**
 * Which folder to serve for a gadget: the desktop finds the specs in the served folder and its
 * direct subfolders, so a spec in a workspace folder or one level below is served with the whole
 * workspace folder (its files keep their place beside the other gadgets'); any other spec is
 * served from its own folder.
 */
import { dirname, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import { within } from './gadgetPaths';

export function folderForSpec(spec: vscode.Uri): string {
  const ws = vscode.workspace.getWorkspaceFolder(spec)?.uri.fsPath;
  const own = dirname(spec.fsPath);
  if (ws && within(ws, own) && relative(ws, own).split(sep).filter(Boolean).length <= 1) return ws;
  return own;
}

/** The workspace's gadget folder: the only workspace folder, or the one the user picks. */
export async function pickGadgetFolder(title: string): Promise<string | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0].uri.fsPath;
  if (folders.length > 1) {
    const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: `${title}: the folder of your gadgets` });
    return picked?.uri.fsPath;
  }
  const chosen = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    openLabel: 'Serve this gadget folder',
    title,
  });
  return chosen?.[0]?.fsPath;
}
