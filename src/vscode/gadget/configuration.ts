/**
 * The `finesse-gadget` launch configuration: what launch.json may say (package.json declares the
 * same attributes for IntelliSense), its defaults, and the checks run before a session starts,
 * so a wrong folder or file is an error naming it, never a desktop with nothing in it.
 */
import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';

export const DEBUG_TYPE = 'finesse-gadget';

export interface GadgetDebugConfiguration extends vscode.DebugConfiguration {
  type: typeof DEBUG_TYPE;
  request: 'launch';
  /** The folder served at /3rdpartygadget/files/ (default: the workspace folder). */
  gadgetFolder: string;
  /** A finesseLayout XML naming the gadgets; default: every spec of the folder and its subfolders. */
  layout?: string;
  /** The user's finesse.js (Cisco's library is never shipped with the extension). */
  finesseJs?: string;
  /** A Connect profile (user@domain, or its WebSocket URL): run against that lab server instead. */
  profile?: string;
  /** With `profile`: the extension the agent signs in with when signed out on the lab. */
  extension?: string;
  /** The browser executable; default Chromium when installed, else Chrome. */
  browser?: string;
  /** The local Finesse's port (default: a free one). */
  port?: number;
  /** Run the browser without a window; default: when there is no display. */
  headless?: boolean;
}

export function defaultConfiguration(gadgetFolder = '${workspaceFolder}'): GadgetDebugConfiguration {
  return { type: DEBUG_TYPE, request: 'launch', name: 'Debug Finesse Gadget', gadgetFolder };
}

export class GadgetConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [defaultConfiguration()];
  }

  /** F5 without a launch.json: debug the workspace folder's gadgets. */
  resolveDebugConfiguration(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.DebugConfiguration | undefined {
    if (!config.type && !config.request && !config.name) {
      const where = folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      if (!where) {
        void vscode.window.showErrorMessage('Finesse: open the folder of your gadget first, then debug it.');
        return undefined;
      }
      return defaultConfiguration(where);
    }
    return {
      ...config,
      request: config.request ?? 'launch',
      gadgetFolder: config.gadgetFolder ?? '${workspaceFolder}',
    };
  }

  /** After ${…} substitution: the paths must exist, the numbers be numbers. */
  async resolveDebugConfigurationWithSubstitutedVariables(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    const problem = await checkConfiguration(config);
    if (problem) {
      void vscode.window.showErrorMessage(`Finesse: ${problem}`);
      return undefined; // aborts the launch
    }
    return config;
  }
}

/** What is wrong with a resolved configuration, or undefined. */
async function checkConfiguration(config: vscode.DebugConfiguration): Promise<string | undefined> {
  if (config.request !== 'launch')
    return `a ${DEBUG_TYPE} configuration is a "launch", not "${String(config.request)}"`;
  if (typeof config.gadgetFolder !== 'string' || !config.gadgetFolder)
    return `"gadgetFolder" must name the folder of your gadget`;
  if (!(await isKind(config.gadgetFolder, 'dir'))) return `the gadget folder ${config.gadgetFolder} does not exist`;
  for (const key of ['layout', 'finesseJs', 'browser'] as const) {
    const v: unknown = config[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !(await isKind(v, 'file'))) return `"${key}": ${String(v)} is not a file`;
  }
  if (config.port !== undefined && !(Number.isInteger(config.port) && config.port >= 0 && config.port < 65536))
    return `"port" must be a port number (0 for any free one), not ${String(config.port)}`;
  if (config.extension !== undefined && typeof config.extension !== 'string')
    return `"extension" is the agent's phone extension as text, e.g. "1001"`;
  if (config.profile !== undefined && typeof config.profile !== 'string')
    return `"profile" names a Connect profile as user@domain or its WebSocket URL`;
  return undefined;
}

async function isKind(path: string, kind: 'file' | 'dir'): Promise<boolean> {
  return stat(path).then(
    (s) => (kind === 'dir' ? s.isDirectory() : s.isFile()),
    () => false,
  );
}
