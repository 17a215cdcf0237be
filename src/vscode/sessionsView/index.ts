/**
 * The native "Sessions" tree view: every capture session (Connect sessions, proxied clients, the
 * reverse-mode desktop, replays, imported HARs) with its state, peer, frame count and start time.
 * Selecting one shows the Frames panel filtered to it (`session:ID`); the title button shows all
 * sessions again.
 */
import * as vscode from 'vscode';
import type { Connections } from '../connection/connections';
import { Disposable, toDisposable } from '../disposable';
import type { Services } from '../services';
import { SessionCounts, SessionEntry, sessionEntries, SessionKind } from './sessionEntries';

const SESSIONS_VIEW_ID = 'finesse.sessions';
const REFRESH_MS = 500;

const ICONS: Record<SessionKind, string> = {
  connect: 'account',
  proxy: 'radio-tower',
  desktop: 'browser',
  replay: 'debug-rerun',
  har: 'file-binary',
  other: 'circle-outline',
};

const KIND_WORDS: Record<SessionKind, string> = {
  connect: 'Connect session',
  proxy: 'proxied client',
  desktop: 'desktop (reverse mode)',
  replay: 'replay',
  har: 'imported HAR',
  other: 'session',
};

function time(t: number): string {
  const d = new Date(t);
  return d.toTimeString().slice(0, 8);
}

export class SessionsView extends Disposable implements vscode.TreeDataProvider<SessionEntry> {
  private readonly changed = this.register(new vscode.EventEmitter<SessionEntry | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly counts: SessionCounts;
  private timer: NodeJS.Timeout | undefined;
  readonly treeView: vscode.TreeView<SessionEntry>;

  constructor(
    private readonly services: Services,
    private readonly connections: Connections,
  ) {
    super();
    const { store } = services;
    this.counts = this.register(new SessionCounts(store));
    const later = () => this.schedule();
    const now = () => this.refresh();
    store.on('append', later);
    store.on('session', now);
    store.on('clear', now);
    this.register(
      toDisposable(() => {
        store.off('append', later);
        store.off('session', now);
        store.off('clear', now);
        clearTimeout(this.timer);
      }),
    );
    this.register(connections.onDidChange(now));
    this.treeView = this.register(vscode.window.createTreeView(SESSIONS_VIEW_ID, { treeDataProvider: this }));
    this.register(
      this.treeView.onDidChangeSelection((e) => {
        const picked = e.selection[0];
        if (picked) void vscode.commands.executeCommand('finesse.showSession', picked.id);
      }),
    );
  }

  /** The entries as the view lists them (also for tests). */
  entries(): SessionEntry[] {
    const states = new Map(this.connections.list().map((c) => [c.id, c.state] as [string, string]));
    return sessionEntries(this.services.store, this.counts, states);
  }

  /** Entries are top-level (reveal() needs this). */
  getParent(): undefined {
    return undefined;
  }

  getChildren(element?: SessionEntry): SessionEntry[] {
    return element ? [] : this.entries();
  }

  getTreeItem(e: SessionEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(e.label, vscode.TreeItemCollapsibleState.None);
    item.id = e.id;
    item.iconPath = new vscode.ThemeIcon(ICONS[e.kind]);
    item.description = `${e.state} · ${e.frames} frame${e.frames === 1 ? '' : 's'} · ${time(e.started)}`;
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendText(`${e.label}\n\n`);
    tip.appendText(`${KIND_WORDS[e.kind]} · ${e.state}\n\n`);
    if (e.peer) tip.appendText(`peer: ${e.peer}\n\n`);
    tip.appendText(`${e.frames} frames stored · started ${new Date(e.started).toLocaleString()}${e.ended ? ` · ended ${new Date(e.ended).toLocaleTimeString()}` : ''}\n\n`);
    tip.appendText(`session id: ${e.id}`);
    item.tooltip = tip;
    item.contextValue = `finesse.session.${e.kind}`;
    // No item command: selecting (click or keyboard) already shows it, once.
    return item;
  }

  private schedule(): void {
    if (this.timer || this.isDisposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh();
    }, REFRESH_MS);
  }

  private refresh(): void {
    if (!this.isDisposed) this.changed.fire(undefined);
  }
}

/** The panel now shows one session (or all: session undefined) and how many rows that is. */
interface SessionShown {
  session?: string;
  filter: string;
  rows: number;
}
const shown = new vscode.EventEmitter<SessionShown>();
export const onDidShowSession = shown.event;

/** Shows the Frames panel filtered to one session (undefined: all sessions). */
async function showSession(services: Services, id?: unknown): Promise<SessionShown> {
  const { FramesPanel } = await import('../panel/framesPanel');
  const panel = FramesPanel.createOrShow(services);
  const spec = panel.view.host.index.filterSpec;
  // Keep the rest of the user's query; only the session term is replaced.
  const rest = (spec.text ?? '').replace(/(^|\s)session:\S*/gi, ' ').trim();
  const session = typeof id === 'string' && id ? `session:${id}` : '';
  const text = [rest, session].filter(Boolean).join(' ');
  const { host } = panel.view;
  host.setFilter({ ...spec, text });
  await host.index.whenIdle();
  const result: SessionShown = { filter: text, rows: host.index.total };
  if (session) result.session = id as string;
  shown.fire(result);
  return result;
}

export function register(services: Services, connections: Connections): { view: SessionsView; disposables: vscode.Disposable[] } {
  const view = new SessionsView(services, connections);
  return {
    view,
    disposables: [
      view,
      shown,
      vscode.commands.registerCommand('finesse.showSession', (id?: unknown) => showSession(services, id)),
      vscode.commands.registerCommand('finesse.showAllSessions', () => showSession(services, undefined)),
    ],
  };
}
