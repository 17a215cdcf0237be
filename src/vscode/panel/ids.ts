/** Ids the panel feature contributes in package.json (kept apart so index.ts loads nothing heavy). */
export const FRAMES_VIEW_TYPE = 'finesse.frames';
export const STANZA_VIEW_ID = 'finesse.stanza';
