/**
 * The session viewers open right now (a `.finesse-session` or HAR opened with Open Session or
 * Import HAR, a replay's panel, whose path is the URL it serves): each
 * holds its own store, outside the live capture, so the Sessions view learns of them here. The
 * viewer adds itself when its editor opens and removes itself when the editor closes; no vscode
 * import.
 */
import type { FrameStore } from '../../core/capture/frameStore';

export interface OpenViewer {
  /** Unique per editor: one file may be open in two viewers. */
  key: string;
  /** The file name, as the editor tab shows it. */
  name: string;
  path: string;
  /** What the Sessions view says of it (default: opened file, or imported HAR). */
  state?: string;
  store: FrameStore;
  opened: number;
  /** Brings the viewer's editor to the front. */
  reveal(): void;
  /** Brings it to the front filtered to one of its sessions; resolves with the rows shown. */
  showSession(id: string): Promise<number>;
}

const viewers = new Map<string, OpenViewer>();
const listeners = new Set<() => void>();
let next = 1;

function changed(): void {
  for (const l of listeners) l();
}

/** Lists a viewer; the returned function unlists it (call it when its editor closes). */
export function addOpenViewer(viewer: Omit<OpenViewer, 'key'>): () => void {
  const key = `viewer-${next++}`;
  viewers.set(key, { ...viewer, key });
  changed();
  return () => {
    if (viewers.delete(key)) changed();
  };
}

export function openViewers(): OpenViewer[] {
  return [...viewers.values()];
}

export function openViewer(key: string): OpenViewer | undefined {
  return viewers.get(key);
}

export function onOpenViewersChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The user's query with its `session:` term replaced (undefined id: removed). */
export function withSessionTerm(text: string | undefined, id: string | undefined): string {
  const rest = (text ?? '').replace(/(^|\s)session:\S*/gi, ' ').trim();
  return [rest, id ? `session:${id}` : ''].filter(Boolean).join(' ');
}
