/**
 * Why did this notification come? Finesse answers a REST state change with 202 and publishes
 * the result later as an XMPP Update whose <requestId> echoes the call's `requestId` request
 * header (also in `apiErrors` Updates when the action fails). The Correlator reads captured
 * frames — REST calls (kind `http`) and WebSocket/BOSH stanzas alike — and links:
 *  - each Update carrying a requestId to the request that sent it (exact): the latest request
 *    with that requestId sent at or before the Update, within `requestIdWindowMs`. Clients reuse
 *    requestIds (a fixed string, a counter restarting with the page), so the same id names many
 *    calls over a day; an Update is never linked to a call sent after it, nor to one long before.
 *    Frames may be read out of time order (a session file, an import, a request captured after
 *    its Update), so a call read late takes over the Updates it explains better;
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
  /** Update frames linked to this call, in time order. */
  updates: number[];
  /** Those of `updates` that are apiErrors. */
  apiErrors: number[];
  /** Those of `updates` linked by guess. */
  guessed: number[];
  /** Milliseconds from the request to its first Update (never negative). */
  latency?: number;
  /** State the first Update reports (READY, ALERTING…) or the apiError type. */
  state?: string;
}

/** How long after a call an Update without requestId may be guessed to be its effect, by default. */
export const DEFAULT_GUESS_WINDOW_MS = 2000;
/** Beyond a minute a guess says nothing: other calls and Updates have long come between. */
export const MAX_GUESS_WINDOW_MS = 60_000;
/**
 * How long after a call an Update echoing its requestId is still its effect, by default. Finesse
 * publishes within a second or two; a minute leaves room for a slow server and still keeps a
 * requestId reused minutes later from reaching back to the old call's Updates.
 */
export const DEFAULT_REQUEST_ID_WINDOW_MS = 60_000;
/** The widest requestId window accepted: an hour. */
export const MAX_REQUEST_ID_WINDOW_MS = 3_600_000;

export interface CorrelatorOptions {
  /**
   * How long after a call an Update without requestId may still be guessed to be its effect
   * (default DEFAULT_GUESS_WINDOW_MS); 0 makes no guesses.
   */
  guessWindowMs?: number;
  /**
   * How long after a call an Update echoing its requestId may be linked to it (default
   * DEFAULT_REQUEST_ID_WINDOW_MS, at least 1 ms, at most MAX_REQUEST_ID_WINDOW_MS).
   */
  requestIdWindowMs?: number;
  /** Calls remembered (oldest forgotten first). */
  capacity?: number;
  /** A call's effects changed (its response or a linked Update arrived): views redraw its rows. */
  onChange?: (call: CallEffects) => void;
}

const UPDATE_MARK = /(?:&lt;|<)update\b/i;
/** A requestId element with a value (Finesse sends an empty `<requestId/>` in most Updates). */
const REQUEST_ID_MARK = /requestid(?:>|&gt;)\s*(?!<|&lt;)\S/i;

/** What the correlation keeps of an Update it linked, or may link once its call is read. */
interface Echo {
  id: number;
  t: number;
  state?: string;
  apiError: boolean;
}

/** Updates kept per requestId for calls read after them (a session file out of time order). */
const ECHOES_PER_REQUEST_ID = 200;

export class Correlator {
  private readonly window: number;
  private readonly exactWindow: number;
  private readonly capacity: number;
  private readonly onChange?: (call: CallEffects) => void;
  private readonly calls = new Map<number, CallEffects>();
  private readonly callOfResponse = new Map<number, CallEffects>();
  /** The calls sent with each requestId, in time order (ties in reading order). */
  private readonly byRequestId = new Map<string, CallEffects[]>();
  private readonly causes = new Map<number, Cause>();
  /** What each linked Update said, for its call's latency and state. */
  private readonly linked = new Map<number, Echo>();
  /**
   * The Updates echoing each requestId, linked or not: a call read later may be the one that
   * explains them (its frame came later, or a saved session is read out of time order).
   */
  private readonly echoes = new Map<string, Echo[]>();
  /** Calls without a requestId header, newest last, for guesses. */
  private untagged: CallEffects[] = [];

  constructor(opts: CorrelatorOptions = {}) {
    const window = opts.guessWindowMs ?? DEFAULT_GUESS_WINDOW_MS;
    this.window = Number.isFinite(window)
      ? Math.min(Math.max(0, window), MAX_GUESS_WINDOW_MS)
      : DEFAULT_GUESS_WINDOW_MS;
    const exact = opts.requestIdWindowMs ?? DEFAULT_REQUEST_ID_WINDOW_MS;
    this.exactWindow = Number.isFinite(exact)
      ? Math.min(Math.max(1, exact), MAX_REQUEST_ID_WINDOW_MS)
      : DEFAULT_REQUEST_ID_WINDOW_MS;
    this.capacity = opts.capacity ?? 20_000;
    this.onChange = opts.onChange;
  }

  /** Reads frames (call once per frame); store order is usual, time order is not assumed. */
  observe(frames: Iterable<Frame>): void {
    for (const f of frames) {
      if (f.kind === 'http') this.observeHttp(f);
      else if (f.kind === 'stanza' && f.dir === 'in' && UPDATE_MARK.test(f.raw)) this.observeUpdate(f);
    }
  }

  clear(): void {
    this.calls.clear();
    this.callOfResponse.clear();
    this.byRequestId.clear();
    this.causes.clear();
    this.linked.clear();
    this.echoes.clear();
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
    if (requestId) this.tag(call, requestId);
    else if (http.method !== 'GET' && this.window > 0) this.untagged.push(call);
  }

  /** Files a call under its requestId and takes over the Updates it explains better than their link. */
  private tag(call: CallEffects, requestId: string): void {
    const list = this.byRequestId.get(requestId) ?? [];
    let at = list.length;
    while (at > 0 && list[at - 1].t > call.t) at--;
    list.splice(at, 0, call);
    this.byRequestId.set(requestId, list);
    for (const echo of this.echoes.get(requestId) ?? []) {
      if (!this.explains(call, echo.t)) continue;
      const current = this.causes.get(echo.id);
      const previous = current ? this.calls.get(current.request) : undefined;
      // The latest call sent before the Update wins; of two sent in the same millisecond, the one read last.
      if (previous && previous.t > call.t) continue;
      if (previous) this.unlink(echo.id, previous);
      this.link(echo, call, false);
    }
  }

  /** Whether `call` was sent at or before `t` and within the requestId window of it. */
  private explains(call: CallEffects, t: number): boolean {
    return call.t <= t && t - call.t <= this.exactWindow;
  }

  private observeUpdate(f: Frame): void {
    const hasRequestId = REQUEST_ID_MARK.test(f.raw);
    // Without a requestId only a recent untagged call could explain it: skip the parse otherwise.
    if (!hasRequestId && !this.recentUntagged(f.t)) return;
    const update = transientView(f).finesse;
    if (!update) return;
    const echo: Echo = { id: f.id, t: f.t, apiError: update.kind?.toLowerCase() === 'apierrors' };
    if (update.state) echo.state = update.state;
    if (update.requestId) {
      this.keepEcho(update.requestId, echo);
      const call = this.latestCall(update.requestId, f.t);
      if (call) this.link(echo, call, false);
      return;
    }
    const node = update.source ?? update.node;
    let best: CallEffects | undefined;
    // Newest first; a call read out of time order is still weighed by when it was sent.
    for (let i = this.untagged.length - 1, seen = 0; i >= 0 && seen < 256; i--, seen++) {
      const call = this.untagged[i];
      if (call.t > f.t || f.t - call.t > this.window || (best && best.t >= call.t)) continue;
      if (sameResource(call.path, node, update.xml)) best = call;
    }
    if (best) this.link(echo, best, true);
  }

  /** The latest call sent with `requestId` at or before `t`, if it is within the window. */
  private latestCall(requestId: string, t: number): CallEffects | undefined {
    const list = this.byRequestId.get(requestId);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--)
      if (list[i].t <= t) return this.explains(list[i], t) ? list[i] : undefined;
    return undefined;
  }

  private keepEcho(requestId: string, echo: Echo): void {
    const list = this.echoes.get(requestId);
    if (list) {
      if (list.length >= ECHOES_PER_REQUEST_ID) list.shift();
      list.push(echo);
      return;
    }
    if (this.echoes.size >= this.capacity) this.echoes.delete(this.echoes.keys().next().value as string);
    this.echoes.set(requestId, [echo]);
  }

  private recentUntagged(t: number): boolean {
    while (this.untagged.length && t - this.untagged[0].t > this.window * 10) this.untagged.shift();
    const last = this.untagged[this.untagged.length - 1];
    return !!last && t - last.t <= this.window;
  }

  private link(echo: Echo, call: CallEffects, guess: boolean): void {
    this.causes.set(echo.id, { request: call.request, guess });
    this.linked.set(echo.id, echo);
    // In time order, so the first is the one the latency and state are read from.
    let at = call.updates.length;
    while (at > 0 && (this.linked.get(call.updates[at - 1])?.t ?? 0) > echo.t) at--;
    call.updates.splice(at, 0, echo.id);
    if (guess) call.guessed.push(echo.id);
    if (echo.apiError) call.apiErrors.push(echo.id);
    this.settle(call);
  }

  private unlink(id: number, call: CallEffects): void {
    this.causes.delete(id);
    const without = (ids: number[]) => ids.filter((u) => u !== id);
    call.updates = without(call.updates);
    call.guessed = without(call.guessed);
    call.apiErrors = without(call.apiErrors);
    this.settle(call);
  }

  /** A call's latency and state come from its first Update in time. */
  private settle(call: CallEffects): void {
    const first = call.updates.length ? this.linked.get(call.updates[0]) : undefined;
    if (first) {
      call.latency = first.t - call.t;
      if (first.state) call.state = first.state;
      else delete call.state;
    } else {
      delete call.latency;
      delete call.state;
    }
    this.onChange?.(call);
  }

  private remember(call: CallEffects): void {
    this.calls.set(call.request, call);
    if (this.calls.size <= this.capacity) return;
    const oldest = this.calls.values().next().value as CallEffects;
    this.calls.delete(oldest.request);
    if (oldest.response !== undefined) this.callOfResponse.delete(oldest.response);
    if (oldest.requestId) {
      const list = this.byRequestId.get(oldest.requestId)?.filter((c) => c !== oldest);
      if (list?.length) this.byRequestId.set(oldest.requestId, list);
      else this.byRequestId.delete(oldest.requestId);
    }
    for (const u of oldest.updates) {
      this.causes.delete(u);
      this.linked.delete(u);
    }
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
