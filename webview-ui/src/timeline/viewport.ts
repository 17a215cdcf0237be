/**
 * Which window of time the timeline shows. Three modes:
 * - follow: a live capture's whole extent up to now, moving with it (the default while live);
 * - fit: the captured frames fill the width, as more arrive too (the default for a saved
 *   capture, and what "Fit to frames", 0 and Home choose);
 * - zoomed: a window the user chose with the wheel, a drag or the keyboard; it stays put as
 *   frames arrive, until the user fits or follows again.
 * No DOM here: plain numbers, so the rules are easy to read and to test.
 */
import type { TimelineModel } from '../../../src/protocol/timeline';

export type ViewMode = 'follow' | 'fit' | 'zoomed';

/** The narrowest window: below it the axis has nothing left to say. */
const MIN_SPAN_MS = 50;
/** A little room after the end, so a state that still lasts shows as more than a line. */
const TAIL = 1.04;
/** Zooming out stops at this many times the whole capture. */
const MAX_ZOOM_OUT = 3;
/** Panning keeps at least this share of the window on the capture. */
const KEEP_ON_CAPTURE = 0.1;

type Window = [number, number];

function padded(start: number, end: number): Window {
  return [start, start + Math.max(end - start, 1000) * TAIL];
}

export class Viewport {
  /** The user's choice; undefined: follow while live, fit otherwise. */
  private chosen: 'fit' | 'zoomed' | undefined;
  private live = false;
  private window: Window = [0, 1];
  /** The last window shown and the capture's extent then, what zoom and pan start from. */
  private shown: Window = [0, 1];
  private extent: Window = [0, 1];

  /** The capture's whole extent: from its first frame to its end (now, while live). */
  static whole(model: TimelineModel): Window {
    return padded(model.start, model.end);
  }

  /** Its frames only, whatever now is. */
  static frames(model: TimelineModel): Window {
    return padded(model.start, model.framesEnd);
  }

  get mode(): ViewMode {
    return this.chosen ?? (this.live ? 'follow' : 'fit');
  }

  setLive(live: boolean): void {
    this.live = live;
  }

  /** 'follow' (or 'fit') drops a zoom; following is only for a live capture. */
  setMode(mode: 'follow' | 'fit'): void {
    this.chosen = mode === 'fit' ? 'fit' : undefined;
  }

  domain(model: TimelineModel): Window {
    this.extent = Viewport.whole(model);
    const mode = this.mode;
    this.shown = mode === 'zoomed' ? this.window : mode === 'fit' ? Viewport.frames(model) : this.extent;
    return this.shown;
  }

  /** Scales the window by `factor` (below 1: in) keeping time `at` where it is. */
  zoom(factor: number, at: number): void {
    const [d0, d1] = this.shown;
    const span = d1 - d0;
    const max = Math.max(this.extent[1] - this.extent[0], 1000) * MAX_ZOOM_OUT;
    const next = Math.min(max, Math.max(MIN_SPAN_MS, span * factor));
    const from = at - ((at - d0) * next) / span;
    this.choose([from, from + next]);
  }

  /** Moves the window by `dt` ms (positive: later). */
  pan(dt: number): void {
    const [d0, d1] = this.shown;
    this.choose([d0 + dt, d1 + dt]);
  }

  private choose([from, to]: Window): void {
    // Keep part of the capture in sight: a pan cannot lose it off either edge.
    const keep = (to - from) * KEEP_ON_CAPTURE;
    const [e0, e1] = this.extent;
    let shift = 0;
    if (to < e0 + keep) shift = e0 + keep - to;
    else if (from > e1 - keep) shift = e1 - keep - from;
    this.window = [from + shift, to + shift];
    this.shown = this.window;
    this.chosen = 'zoomed';
  }
}
