/** View types of the sessions feature (package.json contributes the editor). */
export const SESSION_VIEW_TYPE = 'finesse.sessionViewer';
/** The same viewer for `*.har`, offered under "Open With…" only (a HAR is not ours by default). */
export const HAR_VIEW_TYPE = 'finesse.harViewer';
export const REPLAY_VIEW_TYPE = 'finesse.replay';
