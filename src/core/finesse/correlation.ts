/**
 * Why did this notification come? Finesse answers a REST state change with 202 and publishes
 * the result later as an XMPP Update whose <requestId> echoes the call's `requestId` request
 * header (also in `apiErrors` Updates when the action fails). The Correlator reads captured
 * frames in store order — REST calls (kind `http`) and WebSocket/BOSH stanzas alike — and links:
 *  - each Update carrying a requestId to the request frame that sent it (exact);
 *  - each Update without one to the latest call on the same resource within `guessWindowMs`
 *    before it (a guess, and always said to be one);
 *  - each response frame to its request (`answers`).
 * It runs from the store's batched `append` event, never on the forwarding path, and parses only
 * frames that can carry an Update (a cheap text test first). It reads each Update once, so it
 * does not keep the parsed tree (transientView): caching one for every Update of a full store at
 * 10,000 frames/s grew the extension host's heap to 2.6 GB and its GC pauses to seconds
 * (bench/hostLoad.ts).
 */
import type { Frame } from '../capture/frame';
import { frameView, transientView } from '../capture/frameView';
import type { FinesseUpdate } from './update';
import { headerValue, pathOf } from '../http/message';
import { FINESSE_API } from './nodes';

export interface Cause {
  /** The request frame's id. */
  request: number;
  /** True when inferred from resource and time (the Update had no requestId). */
  guess: boolean;
}

/** What one REST call caused, as far as the capture shows. */
export interface CallEffects {
  request: number;
  method: string;
  /** Path without the query, `/finesse/api/User/agent1`. */
  path: string;
  requestId?: string;
  t: number;
  response?: number;
  status?: number;
  /** Update frames linked to this call (exact first, then guesses), in arrival order. */
  updates: number[];
  /** Those of `updates` that are apiErrors. */
  apiErrors: number[];
  /** Those of `updates` linked by guess. */
  guessed: number[];
  /** Milliseconds from the request to its first Update. */
  latency?: number;
  /** State the first Update reports (READY, ALERTING…) or the apiError type. */
  state?: string;
}

/** How long after a call an Update without requestId may be guessed to be its effect, by default. */
export const DEFAULT_GUESS_WINDOW_MS = 2000;
/** Beyond a minute a guess says nothing: other calls and Updates have long come between. */
export const MAX_GUESS_WINDOW_MS = 60_000;

export interface CorrelatorOptions {
  /**
   * How long after a call an Update without requestId may still be guessed to be its effect
   * (default DEFAULT_GUESS_WINDOW_MS); 0 makes no guesses.
   */
  guessWindowMs?: number;
  /** Calls remembered (oldest forgotten first). */
  capacity?: number;
  /** A call's effects changed (its response or a linked Update arrived): views redraw its rows. */
  onChange?: (call: CallEffects) => void;
}

const UPDATE_MARK = /(?:&lt;|<)update\b/i;
/** A requestId element with a value (Finesse sends an empty `<requestId/>` in most Updates). */
const REQUEST_ID_MARK = /requestid(?:>|&gt;)\s*(?!<|&lt;)\S/i;

export class Correlator {
  private readonly window: number;
  private readonly capacity: number;
  private readonly onChange?: (call: CallEffects) => void;
  private readonly calls = new Map<number, CallEffects>();
  private readonly byRequestId = new Map<string, number>();
  private readonly causes = new Map<number, Cause>();
  /** Updates whose requestId names a call not seen yet (its frame may come later). */
  private readonly waiting = new Map<string, Frame[]>();
  /** Calls without a requestId header, newest last, for guesses. */
  private untagged: CallEffects[] = [];

  constructor(opts: CorrelatorOptions = {}) {
    const window = opts.guessWindowMs ?? DEFAULT_GUESS_WINDOW_MS;
    this.window = Number.isFinite(window)
      ? Math.min(Math.max(0, window), MAX_GUESS_WINDOW_MS)
      : DEFAULT_GUESS_WINDOW_MS;
    this.capacity = opts.capacity ?? 20_000;
    this.onChange = opts.onChange;
  }

  /** Reads frames in store order (call once per frame). */
  observe(frames: Iterable<Frame>): void {
    for (const f of frames) {
      if (f.kind === 'http') this.observeHttp(f);
      else if (f.kind === 'stanza' && f.dir === 'in' && UPDATE_MARK.test(f.raw)) this.observeUpdate(f);
    }
  }

  clear(): void {
    this.calls.clear();
    this.byRequestId.clear();
    this.causes.clear();
    this.waiting.clear();
    this.untagged = [];
  }

  /** The call an Update frame was caused by, if known. */
  causeOf(frameId: number): Cause | undefined {
    return this.causes.get(frameId);
  }

  /** What a request frame (or the response frame answering one) caused. */
  effectsOf(frameId: number): CallEffects | undefined {
    return this.calls.get(frameId) ?? this.callOfResponse.get(frameId);
  }

  /** Frames to highlight with `frameId`: a call with its response and Updates, an Update with its call. */
  related(frameId: number): number[] {
    const cause = this.causes.get(frameId);
    const call = this.effectsOf(frameId) ?? (cause ? this.calls.get(cause.request) : undefined);
    if (!call) return [];
    const ids = [call.request, ...(call.response !== undefined ? [call.response] : []), ...call.updates];
    return ids.filter((id) => id !== frameId);
  }

  private readonly callOfResponse = new Map<number, CallEffects>();

  private observeHttp(f: Frame): void {
    const http = frameView(f).http;
    if (!http) return;
    if (f.dir === 'in') {
      const call = f.answers !== undefined ? this.calls.get(f.answers) : undefined;
      if (!call) return;
      call.response = f.id;
      call.status = http.status;
      this.callOfResponse.set(f.id, call);
      this.onChange?.(call);
      return;
    }
    if (!http.method) return;
    const call: CallEffects = {
      request: f.id,
      method: http.method,
      path: pathOf(http.target ?? ''),
      t: f.t,
      updates: [],
      apiErrors: [],
      guessed: [],
    };
    const requestId = headerValue(http.headers, 'requestId');
    if (requestId) call.requestId = requestId;
    this.remember(call);
    if (requestId) {
      this.byRequestId.set(requestId, f.id);
      const early = this.waiting.get(requestId);
      if (early) {
        this.waiting.delete(requestId);
        for (const u of early) this.link(u, call, false);
      }
    } else if (http.method !== 'GET' && this.window > 0) this.untagged.push(call);
  }

  private observeUpdate(f: Frame): void {
    const hasRequestId = REQUEST_ID_MARK.test(f.raw);
    // Without a requestId only a recent untagged call could explain it: skip the parse otherwise.
    if (!hasRequestId && !this.recentUntagged(f.t)) return;
    const update = transientView(f).finesse;
    if (!update) return;
    if (update.requestId) {
      const id = this.byRequestId.get(update.requestId);
      const call = id !== undefined ? this.calls.get(id) : undefined;
      if (call) this.link(f, call, false, update);
      else {
        const list = this.waiting.get(update.requestId) ?? [];
        if (list.length < 100 && this.waiting.size < this.capacity) this.waiting.set(update.requestId, [...list, f]);
      }
      return;
    }
    const node = update.source ?? update.node;
    for (let i = this.untagged.length - 1; i >= 0; i--) {
      const call = this.untagged[i];
      if (f.t - call.t > this.window) break;
      if (call.t <= f.t && sameResource(call.path, node, update.xml)) {
        this.link(f, call, true, update);
        return;
      }
    }
  }

  private recentUntagged(t: number): boolean {
    while (this.untagged.length && t - this.untagged[0].t > this.window * 10) this.untagged.shift();
    const last = this.untagged[this.untagged.length - 1];
    return !!last && t - last.t <= this.window;
  }

  private link(f: Frame, call: CallEffects, guess: boolean, update?: FinesseUpdate): void {
    this.causes.set(f.id, { request: call.request, guess });
    call.updates.push(f.id);
    if (guess) call.guessed.push(f.id);
    update ??= transientView(f).finesse;
    if (update?.kind?.toLowerCase() === 'apierrors') call.apiErrors.push(f.id);
    if (call.latency === undefined) {
      call.latency = f.t - call.t;
      if (update?.state) call.state = update.state;
    }
    this.onChange?.(call);
  }

  private remember(call: CallEffects): void {
    this.calls.set(call.request, call);
    if (this.calls.size <= this.capacity) return;
    const oldest = this.calls.values().next().value as CallEffects;
    this.calls.delete(oldest.request);
    if (oldest.response !== undefined) this.callOfResponse.delete(oldest.response);
    if (oldest.requestId && this.byRequestId.get(oldest.requestId) === oldest.request)
      this.byRequestId.delete(oldest.requestId);
    for (const u of oldest.updates) this.causes.delete(u);
  }
}

/**
 * Whether an Update on `node` is about the resource a call to `path` changed: the same node or
 * one under it (PUT User/a1 → /User/a1, POST User/a1/Dialogs → /User/a1/Dialogs), or a dialog
 * call whose dialog the Update carries (PUT Dialog/42 → an Update on /User/a1/Dialogs naming 42).
 */
export function sameResource(path: string, node: string, xml: string): boolean {
  const p = path.replace(/\/+$/, '');
  if (node === p || node.startsWith(`${p}/`) || p.startsWith(`${node}/`)) return true;
  const dialog = new RegExp(`^${FINESSE_API}/Dialog/([^/]+)$`).exec(p);
  return !!dialog && (xml.includes(`/Dialog/${dialog[1]}<`) || xml.includes(`<id>${dialog[1]}</id>`));
}

/** `PUT User/agent1 → 202 · READY in 42 ms` (a guess ends in `?`), for list rows. */
export function callLabel(call: CallEffects): string {
  let label = `${call.method} ${shortPath(call.path)}`;
  if (call.status !== undefined) label += ` → ${call.status}`;
  if (call.latency !== undefined) {
    const what = call.apiErrors.length ? `apiErrors${call.state ? ` ${call.state}` : ''}` : (call.state ?? 'Update');
    const guess = call.guessed.length === call.updates.length;
    label += ` · ${what} in ${Math.round(call.latency)} ms${guess ? ' (guess)' : ''}`;
  }
  return label;
}

/** `/finesse/api/User/agent1` → `User/agent1`. */
export function shortPath(path: string): string {
  return path.startsWith(`${FINESSE_API}/`) ? path.slice(FINESSE_API.length + 1) : path;
}
