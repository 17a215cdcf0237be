/**
 * The native "Sessions" tree view: every capture session (Connect sessions, proxied clients, the
 * reverse-mode desktop, replays, imported HARs) with its state, peer, frame count and start time,
 * then every file open in a session viewer with its own sessions. Selecting a live session shows
 * the Frames panel filtered to it (`session:ID`); selecting an opened file brings its viewer to
 * the front (one of its sessions: filtered to it); the title button shows all sessions again.
 */
import * as vscode from 'vscode';
import type { Connections } from '../connection/connections';
import { Disposable, toDisposable } from '../disposable';
import type { Services } from '../services';
import { onOpenViewersChange, openViewer, openViewers, withSessionTerm } from './openViewers';
import { SessionCounts, SessionEntry, sessionEntries, SessionKind, viewerEntry } from './sessionEntries';

const SESSIONS_VIEW_ID = 'finesse.sessions';
const REFRESH_MS = 500;

const ICONS: Record<SessionKind, string> = {
  connect: 'account',
  proxy: 'radio-tower',
  desktop: 'browser',
  local: 'server-process',
  replay: 'debug-rerun',
  har: 'file-binary',
  other: 'circle-outline',
  file: 'file',
};

const KIND_WORDS: Record<SessionKind, string> = {
  connect: 'Connect session',
  proxy: 'proxied client',
  desktop: 'desktop (reverse mode)',
  local: 'served by the local Finesse',
  replay: 'replay',
  har: 'imported HAR',
  other: 'session',
  file: 'opened file',
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
  /** Frame counts per session of each open viewer's store (fixed once the file is read). */
  private readonly viewerCounts = new Map<string, SessionCounts>();
  private readonly revealed = this.register(new vscode.EventEmitter<ViewerShown>());
  /** An opened file's viewer was brought to the front from this view (for tests and scripts). */
  readonly onDidRevealViewer = this.revealed.event;

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
    this.register(toDisposable(onOpenViewersChange(() => (this.syncViewers(), now()))));
    this.register(toDisposable(() => this.viewerCounts.forEach((c) => c.dispose())));
    this.treeView = this.register(vscode.window.createTreeView(SESSIONS_VIEW_ID, { treeDataProvider: this }));
    this.register(
      this.treeView.onDidChangeSelection((e) => {
        const picked = e.selection[0];
        if (picked?.viewer) void this.showViewer(picked);
        else if (picked) void vscode.commands.executeCommand('finesse.showSession', picked.id);
      }),
    );
  }

  /** The entries as the view lists them (also for tests). */
  entries(): SessionEntry[] {
    const states = new Map(this.connections.list().map((c) => [c.id, c.state] as [string, string]));
    return sessionEntries(this.services.store, this.counts, states);
  }

  /** The files open in session viewers, each with its sessions (also for tests). */
  viewers(): SessionEntry[] {
    this.syncViewers();
    return openViewers().map((v) => viewerEntry({ ...v, counts: this.viewerCounts.get(v.key) as SessionCounts }));
  }

  /** An opened file's sessions sit under it; everything else is top-level (reveal() needs this). */
  getParent(e: SessionEntry): SessionEntry | undefined {
    if (!e.viewer || e.kind === 'file') return undefined;
    return this.viewers().find((v) => v.viewer === e.viewer);
  }

  getChildren(element?: SessionEntry): SessionEntry[] {
    return element ? (element.sessions ?? []) : [...this.entries(), ...this.viewers()];
  }

  getTreeItem(e: SessionEntry): vscode.TreeItem {
    const item = new vscode.TreeItem(
      e.label,
      e.sessions?.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    // A saved session can be open in a viewer and live in the store at once: ids stay distinct.
    item.id = !e.viewer ? e.id : e.kind === 'file' ? e.viewer : `${e.viewer}/${e.id}`;
    item.iconPath = new vscode.ThemeIcon(ICONS[e.kind]);
    item.description = `${e.state} · ${e.frames} frame${e.frames === 1 ? '' : 's'} · ${time(e.started)}`;
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendText(`${e.label}\n\n`);
    tip.appendText(`${KIND_WORDS[e.kind]} · ${e.state}\n\n`);
    if (e.peer) tip.appendText(`${e.kind !== 'file' ? 'peer' : /^wss?:/.test(e.peer) ? 'URL' : 'file'}: ${e.peer}\n\n`);
    tip.appendText(
      `${e.frames} frames ${e.viewer ? 'in the file' : 'stored'} · started ${new Date(e.started).toLocaleString()}${e.ended ? ` · ended ${new Date(e.ended).toLocaleTimeString()}` : ''}\n\n`,
    );
    if (e.kind !== 'file') tip.appendText(`session id: ${e.id}`);
    item.tooltip = tip;
    item.contextValue = `finesse.session.${e.kind}`;
    // No item command: selecting (click or keyboard) already shows it, once.
    return item;
  }

  /** Brings an opened file's viewer to the front; one of its sessions: filtered to it. */
  private async showViewer(e: SessionEntry): Promise<void> {
    const viewer = openViewer(e.viewer as string);
    if (!viewer) return;
    if (e.kind === 'file') {
      viewer.reveal();
      this.revealed.fire({ path: viewer.path });
      return;
    }
    const rows = await viewer.showSession(e.id);
    this.revealed.fire({ path: viewer.path, session: e.id, rows });
  }

  /** Counts for each open viewer's store, made when it opens and dropped when it closes. */
  private syncViewers(): void {
    const open = new Set(openViewers().map((v) => v.key));
    for (const [key, counts] of this.viewerCounts) {
      if (open.has(key)) continue;
      counts.dispose();
      this.viewerCounts.delete(key);
    }
    for (const v of openViewers())
      if (!this.viewerCounts.has(v.key)) this.viewerCounts.set(v.key, new SessionCounts(v.store));
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

/** An opened file's viewer came to the front (filtered to `session` when given, showing `rows`). */
export interface ViewerShown {
  path: string;
  session?: string;
  rows?: number;
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
  const session = typeof id === 'string' && id ? id : undefined;
  const text = withSessionTerm(spec.text, session);
  const { host } = panel.view;
  host.setFilter({ ...spec, text });
  await host.index.whenIdle();
  const result: SessionShown = { filter: text, rows: host.index.total };
  if (session) result.session = session;
  shown.fire(result);
  return result;
}

export function register(
  services: Services,
  connections: Connections,
): { view: SessionsView; disposables: vscode.Disposable[] } {
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
