/**
 * Shows the gadget desktop: in the system browser (default), or in VS Code's Simple Browser
 * beside the code. A remote window reaches the local Finesse through VS Code's port forwarding
 * (asExternalUri). A forward that moves the page under a path prefix (code-server's
 * `/proxy/PORT/` without a proxy domain) would break it: the desktop, like Finesse's, uses
 * absolute paths (/desktop/…, /3rdpartygadget/files/…), so then the direct address is opened,
 * which works from a browser on the same machine.
 */
import * as vscode from 'vscode';

export type OpenIn = 'simpleBrowser' | 'browser' | 'none';

export async function openDesktop(url: string, where?: OpenIn): Promise<void> {
  const openIn = where ?? vscode.workspace.getConfiguration('finesse').get<OpenIn>('gadgets.openDesktopIn', 'browser');
  if (openIn === 'none') return;
  const direct = vscode.Uri.parse(url);
  const forwarded = await vscode.env.asExternalUri(direct);
  const target = forwarded.path === direct.path ? forwarded : direct;
  if (openIn === 'browser') {
    await vscode.env.openExternal(target);
    return;
  }
  await vscode.commands.executeCommand('simpleBrowser.show', target.toString(true));
}
