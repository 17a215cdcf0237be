/**
 * The host side of the timeline webview, without vscode: follows a FrameStore with a
 * TimelineBuilder (and a Correlator for the REST marks' outcomes), posts the model at most every
 * `noticeMs` while frames arrive, answers hovers with the Update's text. The webview tests drive
 * this same class from Chromium.
 */
import { followPaced } from '../../core/capture/pacedFollow';
import type { Frame } from '../../core/capture/frame';
import type { FrameStore } from '../../core/capture/frameStore';
import { frameView } from '../../core/capture/frameView';
import { Correlator } from '../../core/finesse/correlation';
import { TimelineBuilder } from '../../core/finesse/timeline';
import { prettyXml } from '../../core/xmpp/pretty';
import type { FromTimeline, ToTimeline } from '../../protocol/timeline';

export interface TimelineHostOptions {
  post(message: ToTimeline): unknown;
  /** The user clicked a state, dialog or mark: select its frame in the frames panel. */
  onSelect?(frameId: number): void;
  /** A live capture (the picture follows it) or a saved one. */
  live?: boolean;
  /** Shown above the picture: `Live capture`, the session file's name… */
  title?: string;
  noticeMs?: number;
  /** How long after a call without requestId an Update may be guessed to be its effect (0: never). */
  guessWindowMs?: number;
  /** How long after a call an Update echoing its requestId is still linked to it. */
  requestIdWindowMs?: number;
}

export class TimelineHost {
  private readonly correlation: Correlator;
  private readonly builder: TimelineBuilder;
  private ready = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly unfollow: () => void;

  constructor(
    private readonly store: FrameStore,
    private readonly opts: TimelineHostOptions,
  ) {
    this.correlation = new Correlator({
      guessWindowMs: opts.guessWindowMs,
      requestIdWindowMs: opts.requestIdWindowMs,
    });
    this.builder = new TimelineBuilder((id) => this.correlation.effectsOf(id));
    // Behind forwarding during a flood: both read every Update (core/capture/pacedFollow.ts).
    this.unfollow = followPaced(store, this.onFrames, this.onClear);
  }

  receive(m: FromTimeline): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.postModel();
        return;
      case 'hover': {
        const frame = this.store.get(m.frame);
        if (frame) this.opts.post({ type: 'frameText', frame: frame.id, ...describe(frame) });
        return;
      }
      case 'select':
        if (this.store.get(m.frame)) this.opts.onSelect?.(m.frame);
        return;
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.unfollow();
  }

  private readonly onFrames = (frames: Iterable<Frame>): void => {
    this.correlation.observe(frames);
    this.builder.add(frames);
    this.schedule();
  };

  private readonly onClear = (): void => {
    this.correlation.clear();
    this.builder.clear();
    this.schedule();
  };

  private schedule(): void {
    if (this.timer || !this.ready) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.postModel();
    }, this.opts.noticeMs ?? 250);
  }

  private postModel(): void {
    const live = this.opts.live ?? true;
    // Live: the picture runs to now, so the current state grows while nothing happens.
    this.opts.post({
      type: 'model',
      model: this.builder.model(live ? Date.now() : undefined),
      live,
      title: this.opts.title ?? (live ? 'Live capture' : 'Saved capture'),
    });
  }
}

/** What hovering a frame shows: its Update (decoded, pretty) or its REST message. */
function describe(frame: Frame): { title: string; text: string } {
  const view = frameView(frame);
  const time = new Date(frame.t).toISOString().slice(11, 23);
  if (view.finesse)
    return { title: `#${frame.id} ${time} ${view.finesseLabel ?? ''}`.trim(), text: prettyXml(view.finesse.xml) };
  if (view.http)
    return {
      title: `#${frame.id} ${time} ${view.http.method ?? ''} ${view.http.target ?? ''}`.trim(),
      text: frame.raw,
    };
  return { title: `#${frame.id} ${time}`, text: frame.raw };
}
