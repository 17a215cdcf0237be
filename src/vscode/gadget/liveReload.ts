/**
 * Live reload: a file of the gadget folder that changes reloads the gadget that uses it (the
 * desktop decides which frame; the agent stays signed in). A save in the editor acts at once; a
 * change made outside it (a build writing the .js, git) arrives through a file watcher. A save
 * is seen by both, so each file's changes are checked one after the other and a modification
 * time already handled is skipped: one save, one reload.
 */
import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { within } from './gadgetPaths';

export function watchGadgetFolder(folder: string, onChanged: (file: string) => void): vscode.Disposable {
  const handled = new Map<string, number>();
  const queue = new Map<string, Promise<void>>();
  const check = async (file: string) => {
    const mtime = await stat(file).then(
      (s) => s.mtimeMs,
      () => undefined,
    );
    if (mtime === undefined || handled.get(file) === mtime) return; // deleted meanwhile, or done
    handled.set(file, mtime);
    onChanged(file);
  };
  const changed = (uri: vscode.Uri) => {
    if (uri.scheme !== 'file' || !within(folder, uri.fsPath)) return;
    const file = uri.fsPath;
    const next = (queue.get(file) ?? Promise.resolve()).then(() => check(file));
    queue.set(file, next);
    void next.finally(() => {
      if (queue.get(file) === next) queue.delete(file);
    });
  };
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(folder), '**/*'));
  return vscode.Disposable.from(
    vscode.workspace.onDidSaveTextDocument((doc) => changed(doc.uri)),
    watcher,
    watcher.onDidChange(changed),
    watcher.onDidCreate(changed),
  );
}
