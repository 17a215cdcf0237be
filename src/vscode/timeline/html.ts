/**
 * The timeline webview's HTML: the frames panel's strict CSP (no inline script or style; the one
 * script carries a nonce) with the timeline's own script and stylesheet.
 */
import { panelHtml } from '../panel/html';

export function timelineHtml(opts: { cspSource: string; scriptUri: string; styleUri: string; nonce?: string }): string {
  return panelHtml({ ...opts, title: 'Finesse Timeline' });
}
