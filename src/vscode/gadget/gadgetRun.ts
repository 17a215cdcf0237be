/**
 * One `finesse-gadget` debug session from launch to stop: starts the gadget desktop for the
 * folder, follows its gadgets' log, reloads a gadget when one of its files changes, and starts
 * the child js-debug session (the browser at the desktop, breakpoints mapped to the folder).
 * Stopping stops the child, the desktop and what it started, and removes the browser profile.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { browserLaunchConfig } from './browserLaunch';
import type { GadgetDebugConfiguration } from './configuration';
import type { GadgetDebugAdapter, GadgetLaunch } from './debugAdapter';
import type { RunningDesktop } from './desktopHandle';
import { GadgetChannels, GadgetErrorReport, GadgetLogLine, GadgetLogs } from './gadgetLog';
import type { Frame } from '../../core/capture/frame';
import { watchGadgetFolder } from './liveReload';
import { clientLogLine } from './clientLogging';

export interface GadgetRunDeps {
  log: vscode.LogOutputChannel;
  channels: GadgetChannels;
  diagnostics: vscode.DiagnosticCollection;
  startDesktop(config: GadgetDebugConfiguration): Promise<RunningDesktop>;
}

export class GadgetRun implements GadgetLaunch {
  private desktop: RunningDesktop | undefined;
  private child: vscode.DebugSession | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private userDataDir: string | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly session: vscode.DebugSession,
    private readonly config: GadgetDebugConfiguration,
    private readonly deps: GadgetRunDeps,
  ) {}

  /** The running desktop (tests and the Open Gadget Desktop command read it). */
  get running(): RunningDesktop | undefined {
    return this.desktop;
  }

  get childSession(): vscode.DebugSession | undefined {
    return this.child;
  }

  async start(adapter: GadgetDebugAdapter): Promise<void> {
    const { log } = this.deps;
    this.deps.diagnostics.clear();
    const running = await this.deps.startDesktop(this.config);
    this.desktop = running;
    adapter.output(`Gadget desktop on ${running.label}: ${running.url}`, 'console');
    adapter.output(`Serving ${running.folder} at ${running.origin}/3rdpartygadget/files/`, 'console');

    const logs = new GadgetLogs(this.deps.channels, this.deps.diagnostics, running.origin, running.folder);
    // js-debug already prints the page's console.* and uncaught exceptions in the Debug Console;
    // the gadget's own channel gets them, the Debug Console only what js-debug cannot see.
    logs.sink = adapter;
    logs.echoConsole = false;
    const onLog = (l: GadgetLogLine) => logs.log(l);
    const onError = (e: GadgetErrorReport) => logs.error(e);
    const onHub = (f: Frame) => {
      const line = clientLogLine(f);
      if (line) logs.log(line);
    };
    running.desktop.on('log', onLog);
    running.desktop.on('error', onError);
    running.desktop.on('hub', onHub);
    this.disposables.push(
      new vscode.Disposable(() => {
        running.desktop.off('log', onLog);
        running.desktop.off('error', onError);
        running.desktop.off('hub', onHub);
      }),
      watchGadgetFolder(running.folder, (file) => {
        logs.clearFile(file);
        log.info(`gadget file changed: ${file}; reloading its gadget`);
        try {
          running.desktop.reloadGadget(file);
        } catch (e) {
          log.warn(`reloading the gadget of ${file}: ${(e as Error).message}`);
        }
      }),
    );

    this.userDataDir = await mkdtemp(join(tmpdir(), 'finesse-gadget-browser-'));
    const childConfig = browserLaunchConfig({
      url: running.url,
      origin: running.origin,
      gadgetFolder: running.folder,
      userDataDir: this.userDataDir,
      browser: this.config.browser,
      headless: this.config.headless,
      name: `${this.session.name}: browser`,
    });
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const sub = vscode.debug.onDidStartDebugSession((s) => {
        if (s.parentSession?.id !== this.session.id) return;
        sub.dispose();
        resolve(s);
      });
      this.disposables.push(sub);
    });
    this.disposables.push(
      vscode.debug.onDidTerminateDebugSession((s) => {
        // The browser was closed or js-debug stopped: this session is over too.
        if (s.id === this.child?.id) adapter.terminated();
      }),
    );
    const ok = await vscode.debug.startDebugging(this.session.workspaceFolder, childConfig, {
      parentSession: this.session,
      // Not managed by this session: VS Code would then turn stopping the child into stopping
      // this one, and stop() stopping the child into a loop. Each side ends the other instead.
      lifecycleManagedByParent: false,
      consoleMode: vscode.DebugConsoleMode.MergeWithParent,
      compact: true,
    });
    if (!ok) throw new Error('VS Code’s JavaScript debugger (js-debug) did not start the browser');
    this.child = await started;
    log.info(`gadget debug session ${this.session.id}: browser session ${this.child.id} at ${running.url}`);
    // The desktop's XMPP, hub and REST frames beside the gadget's code, as Open Gadget Desktop does.
    void vscode.commands.executeCommand('finesse.showFrames');
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
    const child = this.child;
    this.child = undefined;
    if (child) await Promise.resolve(vscode.debug.stopDebugging(child)).catch(() => undefined);
    const desktop = this.desktop;
    this.desktop = undefined;
    await desktop?.stop().catch((e: Error) => this.deps.log.warn(`stopping the gadget desktop: ${e.message}`));
    if (this.userDataDir) await rm(this.userDataDir, { recursive: true, force: true }).catch(() => undefined);
  }
}
