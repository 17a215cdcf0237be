/**
 * Messages between the extension host and the "Finesse Timeline" webview (its own bundle,
 * dist/timeline.js). The host sends the whole model, throttled, while a capture grows; the
 * webview asks for one Update's text on hover and reports clicks, which select the frame in the
 * frames panel.
 *
 *   webview → `ready`                       host → `model {model, live}`
 *   webview → `hover {frame}`               host → `frameText {frame, title, text}`
 *   webview → `select {frame}`              (host reveals the frame in the frames panel)
 */
import type { TimelineModel } from '../core/finesse/timeline';

export type { TimelineModel, TimelineLane, TimelineMark } from '../core/finesse/timeline';

export type ToTimeline =
  | { type: 'model'; model: TimelineModel; live: boolean; title: string }
  | { type: 'frameText'; frame: number; title: string; text: string };

export type FromTimeline = { type: 'ready' } | { type: 'hover'; frame: number } | { type: 'select'; frame: number };

/** What the webview keeps in its state, read by the panel serializer after a window reload. */
export interface TimelineState {
  live?: boolean;
}
