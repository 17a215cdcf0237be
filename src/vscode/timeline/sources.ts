/**
 * Which capture Finesse: Show Timeline draws: the session file or imported HAR in the active
 * session viewer, else the live capture. The session viewer reports itself here while it is the
 * active editor; no vscode import.
 */
import type { FrameStore } from '../../core/capture/frameStore';
import type { LiveSessionRegistry } from '../../core/capture/liveSession';

export interface TimelineSource {
  store: FrameStore;
  /** Shown above the picture. */
  title: string;
  /** The connections capturing into the store (the live capture); none for a file, never live. */
  connections?: LiveSessionRegistry;
  /** Selects a frame in the frames view showing this store; false when it cannot. */
  reveal(frameId: number): boolean | Promise<boolean>;
}

let active: TimelineSource | undefined;

/** The session viewer showing `source` became active (true) or stopped being so (false). */
export function setActiveTimelineSource(source: TimelineSource, isActive: boolean): void {
  if (isActive) active = source;
  else if (active === source) active = undefined;
}

export function activeTimelineSource(): TimelineSource | undefined {
  return active;
}
