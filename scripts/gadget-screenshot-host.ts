/**
 * Runs inside the VS Code of scripts/gadget-screenshot.ts (as its extensionTestsPath): what a
 * gadget developer does, up to the moment worth a picture. Opens the gadget's script, sets a
 * breakpoint on the line that writes the greeting, starts Finesse: Debug Gadget on the spec,
 * waits for the stop, shows the Run and Debug view and the Frames panel beside it, and asks the
 * script outside for the screenshot; then stops the session.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) throw new Error('no workspace folder');
  const js = vscode.Uri.file(join(folder, 'HelloGadget', 'HelloGadget.js'));
  const spec = vscode.Uri.file(join(folder, 'HelloGadget', 'HelloGadget.xml'));
  const doc = await vscode.workspace.openTextDocument(js);
  const line = doc
    .getText()
    .split('\n')
    .findIndex((l) => l.includes("getElementById('greeting')"));
  vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(js, new vscode.Position(line, 0)))]);

  const stopped = new Promise<void>((resolve) => {
    const sub = vscode.debug.registerDebugAdapterTrackerFactory('pwa-chrome', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (m: { type: string; event?: string }) => {
          if (m.type !== 'event' || m.event !== 'stopped') return;
          sub.dispose();
          resolve();
        },
      }),
    });
  });
  if (!(await vscode.commands.executeCommand<boolean>('finesse.debugGadget', spec)))
    throw new Error('Debug Gadget did not start');
  await stopped;
  await vscode.commands.executeCommand('workbench.view.debug');
  // The desktop's frames beside the code: the Frames panel in a group to the right.
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
  await vscode.commands.executeCommand('workbench.action.closeEditorsInOtherGroups');
  await vscode.commands.executeCommand('workbench.action.newGroupRight');
  await vscode.commands.executeCommand('finesse.showFrames');
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
  await vscode.commands.executeCommand('workbench.debug.action.focusRepl');
  // VS Code reveals the stopped line and fills Variables and Call Stack on its own time: wait
  // until the active stack frame is the one in the gadget's file.
  await new Promise<void>((resolve) => {
    const done = () => {
      const item = vscode.debug.activeStackItem;
      if (item && 'frameId' in item) {
        sub.dispose();
        resolve();
      }
    };
    const sub = vscode.debug.onDidChangeActiveStackItem(done);
    done();
  });
  const res = await fetch(process.env.FINESSE_SHOT_SIGNAL ?? '', { method: 'POST' });
  if (!res.ok) throw new Error(`the screenshot was not taken (${res.status})`);
  await vscode.debug.stopDebugging();
}
