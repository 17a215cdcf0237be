/**
 * Finesse: Replay Session — serves the recorded server side of a saved session (or HAR) to any
 * client the developer points at the shown URL (a gadget, the desktop, a test script). Each
 * replay gets a panel of its own: the frames of the replayed connections (FramesView), with
 * toolbar toggles to play the server pushes with the recorded timing or step by step ("Next").
 * What the replay did differently from the recording for a client (answers the recording lacks,
 * recorded answers it skipped) goes to the Finesse log, to a toolbar item listing it, and, when
 * that client goes, to one notification summing it up. Closing the panel (or Finesse: Stop
 * Replay) stops the server.
 */
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { ToolbarSource } from '../../protocol/actions';
import type { ToolbarToggle } from '../../protocol/messages';
import { HarChoiceError, listWebSockets, parseHar } from '../../core/recording/har';
import { openRecording, pickSession as pickRecordedSession, Recording, recordingKind } from '../../core/recording/open';
import { ReplayNotice, ReplayServer } from '../../core/replay/replayServer';
import { summarizeNotices } from '../../core/replay/replayNotices';
import { readFile } from 'node:fs/promises';
import { framesWebviewOptions, FramesView } from '../panel/framesView';
import type { Services } from '../services';
import { argPath, pickHarEntry, pickSession } from './pick';
import { REPLAY_VIEW_TYPE } from './ids';
import { allowedOrigins, warnIfWide } from '../proxy/listenerSecurity';
import { addOpenViewer, withSessionTerm } from '../sessionsView/openViewers';

/** The tooltip lists the latest notices; the log has them all. */
const NOTICES_IN_TOOLTIP = 12;

export interface ReplayArgs {
  path: string;
  harEntry?: number | string;
  session?: string;
  /** 1 = recorded timing, 0 = as fast as possible. */
  speed?: number;
  step?: boolean;
  host?: string;
  port?: number;
  /** Open the replay's frames panel (default true). */
  showPanel?: boolean;
}

export class Replay implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private panel?: vscode.WebviewPanel;
  private view?: FramesView;
  private stopped = false;
  /** Every notice of this replay's connections, oldest first, as the log says them. */
  readonly notices: string[] = [];

  constructor(
    readonly server: ReplayServer,
    readonly url: string,
    readonly name: string,
    private readonly onStop: (r: Replay) => void,
    private readonly log?: vscode.LogOutputChannel,
  ) {
    server.on('connection', (c) => {
      const mine: ReplayNotice[] = [];
      c.on('waiting', () => this.changed.fire());
      c.on('notice', (text, notice) => {
        mine.push(notice);
        this.notices.push(text);
        log?.info(`replay ${name}: ${text}`);
        this.changed.fire();
      });
      c.on('close', () => {
        this.changed.fire();
        const summary = summarizeNotices(mine);
        if (!summary) return;
        void vscode.window
          .showInformationMessage(`Replay: ${summary} — see the Finesse log.`, 'Show Log')
          .then((action) => {
            if (action) log?.show(true);
          });
      });
    });
  }

  /** Panel toggles: step mode on/off and the "Next" button that releases one push. */
  readonly toolbar: ToolbarSource = {
    toggles: (): ToolbarToggle[] => [
      // Where to point the client, on the view itself (a click copies it).
      {
        id: 'url',
        label: `URL: ${this.url}`,
        title: 'Point the client at this URL (click to copy it)',
        checked: false,
      },
      { id: 'step', label: 'Step', title: 'Hold each recorded server push until Next', checked: this.server.stepMode },
      { id: 'next', label: 'Next ▶', title: 'Send the next recorded server push', checked: false },
      ...(this.notices.length ? [this.noticesToggle()] : []),
    ],
    toggle: (id: string) => {
      if (id === 'url') {
        void vscode.env.clipboard.writeText(this.url);
        vscode.window.setStatusBarMessage(`$(copy) Copied ${this.url}`, 3000);
      } else if (id === 'step') this.server.setStepMode(!this.server.stepMode);
      else if (id === 'next') this.server.step();
      else if (id === 'notices') this.log?.show(true);
      this.changed.fire();
    },
    onDidChange: (listener: () => void) => this.changed.event(listener),
  };

  /** What the replay did differently, listed in the tooltip; a click opens the Finesse log. */
  private noticesToggle(): ToolbarToggle {
    const n = this.notices.length;
    const shown = this.notices.slice(-NOTICES_IN_TOOLTIP);
    const older = n > shown.length ? [`… ${n - shown.length} earlier (see the Finesse log)`] : [];
    return {
      id: 'notices',
      label: `⚠ ${n} ${n === 1 ? 'notice' : 'notices'}`,
      title: ['What this replay did differently from the recording, and why:', ...older, ...shown].join('\n'),
      checked: false,
    };
  }

  show(services: Services): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(REPLAY_VIEW_TYPE, `Replay: ${this.name}`, vscode.ViewColumn.Active, {
      ...framesWebviewOptions(services.context.extensionUri),
      retainContextWhenHidden: false,
    });
    panel.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'finesse.svg');
    this.panel = panel;
    this.view = new FramesView(panel.webview, services.context.extensionUri, this.server.store, {
      toolbar: this.toolbar,
      log: services.log,
      selection: services.selection,
    });
    // The Sessions view lists the replay, with its URL, while its panel is open.
    const unlist = addOpenViewer({
      name: `Replay: ${this.name}`,
      path: this.url,
      state: `replaying on ${this.url}`,
      store: this.server.store,
      opened: Date.now(),
      reveal: () => panel.reveal(undefined, false),
      showSession: async (id) => {
        panel.reveal(undefined, false);
        const host = this.view?.host;
        if (!host) return 0;
        host.setFilter({ ...host.index.filterSpec, text: withSessionTerm(host.index.filterSpec.text, id) });
        await host.index.whenIdle();
        return host.index.total;
      },
    });
    panel.onDidDispose(() => {
      unlist();
      this.view?.dispose();
      this.view = undefined;
      this.panel = undefined;
      void this.stop();
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.onStop(this);
    await this.server.close();
    this.changed.dispose();
    this.panel?.dispose();
  }

  dispose(): void {
    void this.stop();
  }
}

/** The running replays, so Stop Replay and deactivation can end them. */
export class Replays implements vscode.Disposable {
  private readonly running = new Set<Replay>();

  constructor(private readonly services: Services) {}

  get list(): Replay[] {
    return [...this.running];
  }

  async start(args: ReplayArgs): Promise<Replay> {
    const recording = await this.open(args);
    const sessions = bySession(recording);
    let sessionId = args.session;
    if (sessionId === undefined && sessions.length > 1) {
      sessionId = await pickSession(sessions, basename(args.path));
      if (sessionId === undefined) throw new vscode.CancellationError();
    }
    const { session, frames } = pickRecordedSession(recording, sessionId);
    const server = new ReplayServer({
      frames,
      speed: args.speed ?? 1,
      step: args.step ?? false,
      listen: { host: args.host ?? '127.0.0.1', port: args.port ?? 0 },
      target: session.target ?? recording.target,
      allowedOrigins: allowedOrigins(),
    });
    server.on('error', (e) => this.services.log.error(`replay ${basename(args.path)}: ${e.message}`));
    const url = await server.listen();
    warnIfWide(this.services, args.host, url);
    const replay = new Replay(
      server,
      url,
      basename(args.path),
      (r) => {
        this.running.delete(r);
        void vscode.commands.executeCommand('setContext', 'finesse.replaying', this.running.size > 0);
      },
      this.services.log,
    );
    this.running.add(replay);
    void vscode.commands.executeCommand('setContext', 'finesse.replaying', true);
    this.services.log.info(`replaying ${args.path} (session ${session.id}, ${frames.length} frames) on ${url}`);
    for (const e of recording.errors) this.services.log.warn(`${args.path}:${e.line}: ${e.message}`);
    for (const w of recording.warnings) this.services.log.warn(`${args.path}: ${w}`);
    if (recording.errors.length)
      void vscode.window.showWarningMessage(
        `Finesse: ${basename(args.path)} has ${recording.errors.length} bad line(s) (${recording.errors
          .slice(0, 3)
          .map((e) => `line ${e.line}`)
          .join(', ')}); replaying what is readable.`,
      );
    return replay;
  }

  private async open(args: ReplayArgs): Promise<Recording> {
    let harEntry = args.harEntry;
    if (harEntry === undefined && (await recordingKind(args.path)) === 'har') {
      const sockets = listWebSockets(parseHar(await readFile(args.path, 'utf8')));
      if (sockets.length > 1) {
        harEntry = await pickHarEntry(sockets, basename(args.path));
        if (harEntry === undefined) throw new vscode.CancellationError();
      }
    }
    try {
      return await openRecording(args.path, { harEntry });
    } catch (e) {
      if (e instanceof HarChoiceError) throw new Error(`${basename(args.path)}: ${e.message}`);
      throw e;
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.list.map((r) => r.stop()));
  }

  dispose(): void {
    void this.stopAll();
  }
}

function bySession(
  recording: Recording,
): { session: import('../../core/capture/frameStore').SessionInfo; frames: number }[] {
  const counts = new Map<string, number>();
  for (const f of recording.frames) counts.set(f.session, (counts.get(f.session) ?? 0) + 1);
  return [...counts].map(([id, frames]) => ({
    session: recording.sessions.find((s) => s.id === id) ?? { id, label: id, started: 0 },
    frames,
  }));
}

const SPEEDS = [
  { label: 'As recorded', description: 'server pushes keep their recorded timing', speed: 1, step: false },
  { label: '10× faster', speed: 10, step: false },
  { label: 'As fast as possible', speed: 0, step: false },
  { label: 'Step by step', description: 'each server push waits for Next in the replay panel', speed: 1, step: true },
];

/** The command: asks for the file and the pace unless given; resolves with the URL to connect to. */
export async function replaySession(services: Services, replays: Replays, arg?: unknown): Promise<string | undefined> {
  const given = arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? (arg as Partial<ReplayArgs>) : {};
  let path = argPath(arg);
  if (!path) {
    const picked = await vscode.window.showOpenDialog({
      title: 'Finesse: Replay Session',
      canSelectMany: false,
      filters: { 'Finesse session or HAR': ['finesse-session', 'har'], 'All files': ['*'] },
    });
    if (!picked?.[0]) return undefined;
    path = picked[0].fsPath;
  }
  let speed = given.speed;
  let step = given.step;
  if (speed === undefined && step === undefined) {
    const pace = await vscode.window.showQuickPick(SPEEDS, {
      title: 'Finesse: Replay Session — pace of the server pushes',
      ignoreFocusOut: true,
    });
    if (!pace) return undefined;
    speed = pace.speed;
    step = pace.step;
  }
  let replay: Replay;
  try {
    replay = await replays.start({ ...given, path, speed, step });
  } catch (e) {
    if (e instanceof vscode.CancellationError) return undefined;
    throw e;
  }
  if (given.showPanel !== false) replay.show(services);
  void vscode.window
    .showInformationMessage(
      `Finesse: replaying ${replay.name} on ${replay.url} — point the client there.`,
      'Copy URL',
      'Stop',
    )
    .then(async (action) => {
      if (action === 'Copy URL') await vscode.env.clipboard.writeText(replay.url);
      if (action === 'Stop') await replay.stop();
    });
  return replay.url;
}
