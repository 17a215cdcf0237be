/**
 * Gadget development in the editor:
 * - **Finesse: Open Gadget Desktop** starts the local Finesse with the gadget desktop serving the
 *   workspace's gadget folder, opens the desktop (Simple Browser or the system browser) and the
 *   Frames panel, where its XMPP, hub and REST frames arrive;
 * - the `finesse-gadget` debug type and **Finesse: Debug Gadget** (palette, a spec's Explorer
 *   menu): the desktop plus a browser under VS Code's JavaScript debugger, breakpoints in the
 *   folder's .js files, live reload on save, the gadget's log and errors in the editor.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import {
  DEBUG_TYPE,
  defaultConfiguration,
  GadgetConfigurationProvider,
  GadgetDebugConfiguration,
} from './configuration';
import { GadgetDebugAdapter } from './debugAdapter';
import type { RunningDesktop } from './desktopHandle';
import { GadgetDesktops, LabStarter, LocalFinesseLike } from './desktops';
import { folderForSpec, pickGadgetFolder } from './gadgetFolder';
import { GadgetChannels, GadgetLogs } from './gadgetLog';
import { GadgetRun } from './gadgetRun';
import { openDesktop, OpenIn } from './openDesktop';

/** What the extension's API offers about gadget debugging (scripts, tests). */
export interface GadgetDebugging {
  /** Every line written to a gadget's log channel. */
  onDidWriteLog: GadgetChannels['onDidWrite'];
  /** The desktop of a running finesse-gadget session (by its debug session id). */
  desktopOf(sessionId: string): RunningDesktop | undefined;
}

interface OpenArgs {
  folder?: string;
  layout?: string;
  finesseJs?: string;
  /** Where to show it; default the `finesse.gadgets.openDesktopIn` setting. "none" only starts it. */
  openIn?: OpenIn;
}

export function register(
  services: Services,
  local: LocalFinesseLike,
  lab: LabStarter,
): { disposables: vscode.Disposable[]; api: GadgetDebugging } {
  const { log } = services;
  const channels = new GadgetChannels();
  const diagnostics = vscode.languages.createDiagnosticCollection('finesse-gadget');
  const desktops = new GadgetDesktops(services, local, lab);
  const runs = new Map<string, GadgetRun>();
  /** The desktop Open Gadget Desktop started (it runs until Stop Simulator or the window closes). */
  let opened: { running: RunningDesktop; logs: GadgetLogs; off: () => void } | undefined;

  const factory: vscode.DebugAdapterDescriptorFactory = {
    createDebugAdapterDescriptor(session) {
      const config = session.configuration as GadgetDebugConfiguration;
      const run = new GadgetRun(session, config, {
        log,
        channels,
        diagnostics,
        startDesktop: (c) =>
          desktops.start({
            folder: c.gadgetFolder,
            layout: c.layout,
            finesseJs: c.finesseJs,
            port: c.port,
            profile: c.profile,
            extension: c.extension,
          }),
      });
      runs.set(session.id, run);
      return new vscode.DebugAdapterInlineImplementation(new GadgetDebugAdapter(run));
    },
  };

  async function debugGadget(uri?: vscode.Uri): Promise<boolean> {
    const folder = uri instanceof vscode.Uri ? folderForSpec(uri) : await pickGadgetFolder('Finesse: Debug Gadget');
    if (!folder) return false;
    const ws = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(folder));
    return vscode.debug.startDebugging(ws, { ...defaultConfiguration(folder), name: 'Debug Finesse Gadget' });
  }

  async function openGadgetDesktop(args: OpenArgs = {}): Promise<{ url: string } | undefined> {
    const interactive = !args.folder;
    try {
      if (opened && !local.runs(opened.running.desktop)) {
        // Stop Simulator ended it.
        opened.off();
        opened = undefined;
      }
      if (!opened) {
        const folder = args.folder ?? (await pickGadgetFolder('Finesse: Open Gadget Desktop'));
        if (!folder) return undefined;
        const running = await desktops.start({ folder, layout: args.layout, finesseJs: args.finesseJs });
        const logs = new GadgetLogs(channels, diagnostics, running.origin, running.folder);
        const onLog = logs.log.bind(logs);
        const onError = logs.error.bind(logs);
        running.desktop.on('log', onLog);
        running.desktop.on('error', onError);
        opened = {
          running,
          logs,
          off: () => {
            running.desktop.off('log', onLog);
            running.desktop.off('error', onError);
          },
        };
        log.info(`gadget desktop: ${running.url} serving ${running.folder}`);
      }
      const url = opened.running.url;
      await openDesktop(url, args.openIn);
      void vscode.commands.executeCommand('finesse.showFrames');
      return { url };
    } catch (e) {
      const message = `Finesse: the gadget desktop did not start: ${(e as Error).message}`;
      log.error(message);
      if (!interactive) throw new Error(message);
      void vscode.window.showErrorMessage(message);
      return undefined;
    }
  }

  const disposables: vscode.Disposable[] = [
    channels,
    diagnostics,
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new GadgetConfigurationProvider()),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, factory),
    vscode.debug.onDidTerminateDebugSession((s) => {
      const run = runs.get(s.id);
      if (!run) return;
      runs.delete(s.id);
      void run.stop();
    }),
    vscode.commands.registerCommand('finesse.debugGadget', debugGadget),
    vscode.commands.registerCommand('finesse.openGadgetDesktop', openGadgetDesktop),
    {
      dispose: () => {
        opened?.off();
        opened = undefined;
        for (const run of runs.values()) void run.stop();
        runs.clear();
      },
    },
  ];
  return {
    disposables,
    api: {
      onDidWriteLog: channels.onDidWrite,
      desktopOf: (id) => runs.get(id)?.running,
    },
  };
}
