/** The timeline panel's view type: package.json's `onWebviewPanel:` activation event names it too. */
export const TIMELINE_VIEW_TYPE = 'finesse.timeline';
