/**
 * The host side of the timeline webview, without vscode: follows a FrameStore with a
 * TimelineBuilder (and a Correlator for the REST marks' outcomes), posts the model at most every
 * `noticeMs` while frames arrive, answers hovers with the Update's text. The webview tests drive
 * this same class from Chromium.
 *
 * Whether the capture is live is read from the store, not told: it is while one of its sessions
 * has not ended or a connection of `connections` is open. Only then does the picture run to
 * now (and `now` is posted every `tickMs`, so the current state grows); a session file's store
 * (no `connections`) or a capture whose sessions all ended spans its own frames, however long
 * ago they were. The clock is injectable so tests decide what "now" is.
 */
import { followPaced } from '../../core/capture/pacedFollow';
import type { Frame } from '../../core/capture/frame';
import type { FrameStore } from '../../core/capture/frameStore';
import type { LiveSessionRegistry } from '../../core/capture/liveSession';
import { frameView } from '../../core/capture/frameView';
import { Correlator } from '../../core/finesse/correlation';
import { TimelineBuilder } from '../../core/finesse/timeline';
import { prettyXml } from '../../core/xmpp/pretty';
import type { FromTimeline, ToTimeline } from '../../protocol/timeline';

export interface TimelineHostOptions {
  post(message: ToTimeline): unknown;
  /** The user clicked a state, dialog or mark: select its frame in the frames panel. */
  onSelect?(frameId: number): void;
  /**
   * The connections that can still add frames to this store: the extension's registry for the
   * live capture; none for a session file or an imported HAR, which are never live.
   */
  connections?: LiveSessionRegistry;
  /** The clock a live picture runs to (default the real one). */
  now?: () => number;
  /** Shown above the picture: `Live capture`, the session file's name… */
  title?: string;
  noticeMs?: number;
  /** How often a live picture is told the time (default 1000 ms). */
  tickMs?: number;
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
  private ticker: NodeJS.Timeout | undefined;
  private readonly unfollow: () => void;
  private readonly now: () => number;
  private live = false;

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
    this.now = opts.now ?? Date.now;
    this.live = this.isLive();
    store.on('session', this.onLiveness);
    opts.connections?.on('added', this.onLiveness);
    opts.connections?.on('removed', this.onLiveness);
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
    this.stopTicking();
    this.unfollow();
    this.store.off('session', this.onLiveness);
    this.opts.connections?.off('added', this.onLiveness);
    this.opts.connections?.off('removed', this.onLiveness);
  }

  /** Live: a session of the store has not ended, or a connection is open. */
  private isLive(): boolean {
    const connections = this.opts.connections;
    if (!connections) return false;
    for (const s of this.store.sessions.values()) if (s.ended === undefined) return true;
    return connections.list().length > 0;
  }

  private readonly onLiveness = (): void => {
    const live = this.isLive();
    if (live === this.live) return;
    this.live = live;
    this.schedule();
  };

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
    const { live } = this;
    this.opts.post({
      type: 'model',
      model: this.builder.model(live ? this.now() : undefined),
      live,
      liveCapture: this.opts.connections !== undefined,
      title: this.opts.title ?? (this.opts.connections ? 'Live capture' : 'Saved capture'),
    });
    if (live && !this.ticker) {
      this.ticker = setInterval(() => this.opts.post({ type: 'now', now: this.now() }), this.opts.tickMs ?? 1000);
      this.ticker.unref();
    } else if (!live) this.stopTicking();
  }

  private stopTicking(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }
}

/** What hovering a frame shows: its Update (decoded, pretty), its REST message or its hub payload. */
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
  if (view.hub)
    return {
      title: `#${frame.id} ${time} hub ${view.hub.topic} · ${view.hub.from}`,
      text: JSON.stringify(view.hub.payload, null, 2) ?? '',
    };
  return { title: `#${frame.id} ${time}`, text: frame.raw };
}
