/**
 * Messages between the extension host and the "Finesse Timeline" webview (its own bundle,
 * dist/timeline.js). The host sends the whole model, throttled, while a capture grows; the
 * webview asks for one Update's text on hover and reports clicks, which select the frame in the
 * frames panel.
 *
 *   webview → `ready`                       host → `model {model, live, liveCapture, title}`
 *                                           host → `now {now}` (every second while live)
 *   webview → `hover {frame}`               host → `frameText {frame, title, text}`
 *   webview → `select {frame}`              (host reveals the frame in the frames panel)
 */
import type { TimelineModel } from '../core/finesse/timeline';

export type { TimelineModel, TimelineLane, TimelineMark } from '../core/finesse/timeline';

export type ToTimeline =
  | {
      type: 'model';
      model: TimelineModel;
      /** Still capturing: the picture runs to now (model.end) and follows it. */
      live: boolean;
      /** The extension's live capture (its picture comes back after a window reload), not a file. */
      liveCapture: boolean;
      title: string;
    }
  /** The host's clock while live: the lasting states grow to it. */
  | { type: 'now'; now: number }
  | { type: 'frameText'; frame: number; title: string; text: string };

export type FromTimeline = { type: 'ready' } | { type: 'hover'; frame: number } | { type: 'select'; frame: number };

/** What the webview keeps in its state, read by the panel serializer after a window reload. */
export interface TimelineState {
  /** It drew the extension's live capture (not a file): only that picture comes back. */
  live?: boolean;
}
