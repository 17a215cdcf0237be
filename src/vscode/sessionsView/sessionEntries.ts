/**
 * What the Sessions view lists, without vscode: one entry per capture session of the store
 * (our Connect sessions, proxied clients, the reverse-mode desktop, replays, imported HARs) with
 * its kind, state, peer, frame count and start time. Frame counts are kept incrementally from
 * the store's append batches, so the view never walks 200k frames to draw itself.
 */
import type { Frame } from '../../core/capture/frame';
import type { FrameStore, SessionInfo } from '../../core/capture/frameStore';

export type SessionKind = 'connect' | 'proxy' | 'desktop' | 'local' | 'replay' | 'har' | 'other' | 'file';

export interface SessionEntry {
  id: string;
  kind: SessionKind;
  label: string;
  /** The state word: a Connect session's own state, else open/ended. */
  state: string;
  /** The other end: upstream URL or the client's address. */
  peer?: string;
  frames: number;
  started: number;
  ended?: number;
  /** Set for an opened file and its sessions: the key of the viewer holding them. */
  viewer?: string;
  /** An opened file's sessions. */
  sessions?: SessionEntry[];
}

/** How a session came to be, from the id prefix its producer gives it. */
function sessionKind(info: SessionInfo): SessionKind {
  const id = info.id;
  if (id.startsWith('client-')) return 'connect';
  if (id.startsWith('bosh-') || id.startsWith('reverse-') || /^desktop\b/.test(info.label)) return 'desktop';
  if (id.startsWith('proxy-')) return 'proxy';
  // What the local Finesse served (core/simulator/capture.ts): its REST calls and each client.
  if (id.startsWith('local-')) return 'local';
  if (id.startsWith('replay-')) return 'replay';
  if (info.label.startsWith('HAR ')) return 'har';
  return 'other';
}

export class SessionCounts {
  private readonly counts = new Map<string, number>();
  /** Sessions known when the store was last cleared: once ended, nothing of them is left to show. */
  readonly cleared = new Set<string>();

  constructor(private readonly store: FrameStore) {
    for (const f of store) this.add(f);
    store.on('append', this.onAppend);
    store.on('clear', this.onClear);
  }

  get(id: string): number {
    return this.counts.get(id) ?? 0;
  }

  dispose(): void {
    this.store.off('append', this.onAppend);
    this.store.off('clear', this.onClear);
  }

  private add(f: Frame): void {
    this.counts.set(f.session, (this.counts.get(f.session) ?? 0) + 1);
  }

  private onAppend = (frames: Frame[]): void => {
    for (const f of frames) this.add(f);
  };

  private onClear = (): void => {
    this.counts.clear();
    for (const id of this.store.sessions.keys()) this.cleared.add(id);
  };
}

/**
 * The entries, newest first. `states` gives the live state of our own Connect sessions; a
 * session that ended and was cleared from the store is not listed (nothing of it is left).
 */
export function sessionEntries(store: FrameStore, counts: SessionCounts, states: Map<string, string>): SessionEntry[] {
  const out: SessionEntry[] = [];
  for (const info of store.sessions.values()) {
    const frames = counts.get(info.id);
    const live = states.get(info.id);
    if (!frames && info.ended !== undefined && counts.cleared.has(info.id) && !live) continue;
    const kind = sessionKind(info);
    const entry: SessionEntry = {
      id: info.id,
      kind,
      label: info.label,
      state: live ?? (info.ended ? (kind === 'har' ? 'imported' : 'ended') : 'open'),
      frames,
      started: info.started,
    };
    if (info.target) entry.peer = info.target;
    if (info.ended) entry.ended = info.ended;
    out.push(entry);
  }
  return out.sort((a, b) => b.started - a.started);
}

/** What an opened file's entry is made of (the viewer, with counts kept for its store). */
export interface ViewerSource {
  key: string;
  name: string;
  path: string;
  state?: string;
  opened: number;
  store: FrameStore;
  counts: SessionCounts;
}

/**
 * An opened file: its name, state "opened file" ("imported HAR" for a HAR), its frame count and
 * its sessions as children.
 * Its time is when its capture started (when it was opened if it holds no session).
 */
export function viewerEntry(v: ViewerSource): SessionEntry {
  const sessions = sessionEntries(v.store, v.counts, new Map()).map((e) => ({ ...e, viewer: v.key }));
  const started = sessions.reduce((t, e) => Math.min(t, e.started), Infinity);
  return {
    id: v.key,
    viewer: v.key,
    kind: 'file',
    label: v.name,
    state: v.state ?? (/\.har$/i.test(v.name) ? 'imported HAR' : 'opened file'),
    peer: v.path,
    frames: v.store.size,
    started: Number.isFinite(started) ? started : v.opened,
    sessions,
  };
}
