/**
 * The Interceptor: the FrameGate implementation behind pause, breakpoints, edit/forward/drop,
 * resend, inject and replace rules (mitmproxy's intercept, for XMPP frames).
 *
 * Holding: a frame is held when its direction is paused, when a breakpoint rule matches it, or
 * because an earlier frame of the same session+direction is held in order (a paused frame, or
 * one a breakpoint with `rest: 'wait'` holds): then the order on the wire never changes by
 * itself, and only an explicit forward of a later frame overtakes. A breakpoint with
 * `rest: 'pass'` (the default) holds its frame aside: the later frames flow, and the held one
 * goes out of order when it is released. A frame sent while an earlier frame of its
 * session+direction was still held, or after a later one was sent, is flagged `reordered`.
 * Other sessions and the other direction keep flowing.
 *
 * Releasing: forward (as is, or edited), drop, resume (everything held in that direction), or
 * the hold timeout: a forgotten pause must not kill the real connection silently, so a `warn`
 * event fires `warnBeforeMs` ahead, and when the timeout passes the frame is FORWARDED (not
 * dropped) — the connection survives, and the frame keeps its place in the order.
 * A frame open in an editor (beginEdit) has no clock: the timeout never sends it unedited under
 * the user's hands, and neither resume nor a rule change lets it (or the frames queued behind
 * it) go; only forward/drop of that frame, or endEdit, does. A frame the user selected (watch)
 * has no clock either until the selection moves on (unwatch): it is not forwarded under the cursor.
 * Removing or disabling a breakpoint releases the frames it held, in order.
 *
 * Store bookkeeping: held frames are flagged `held`; the text sent is written to the store only
 * after it went out (the transport compares what it is given with the captured text to decide
 * whether to resend the original bytes), with `edited` and the original kept by store.update;
 * dropped frames are flagged `dropped`; resent/injected frames are new frames flagged
 * `injected` (and `edited` when the text differs from the frame it was resent from).
 */
import { EventEmitter } from 'node:events';
import type { Direction, Frame } from '../capture/frame';
import type { FrameStore } from '../capture/frameStore';
import type { LiveSession, LiveSessionRegistry } from '../capture/liveSession';
import { BreakpointRule, compileBreakpoints, restOf } from './breakpoints';
import type { FrameGate, GateDecision } from './gate';
import { compileReplaceRules, ReplaceRule, Rewriter } from './replace';

export type HoldReason = 'paused' | 'breakpoint' | 'behind';
export type ReleaseHow = 'forwarded' | 'edited' | 'dropped' | 'resumed' | 'timeout' | 'closed';

export interface HeldFrame {
  readonly frame: Frame;
  readonly reason: HoldReason;
  /** The breakpoint that caught it (reason 'breakpoint'). */
  readonly rule?: BreakpointRule;
  readonly heldAt: number;
  /** Epoch ms when it is forwarded automatically; undefined when the timeout is off. */
  readonly deadline?: number;
  /** Text a replace rule produced at admission; sent unless the user edits it. */
  readonly pending?: string;
  /** Open in an editor: no deadline until the edit ends. */
  readonly editing?: boolean;
  /** Held by a let-the-rest-pass breakpoint: nothing waits behind it. */
  readonly aside?: boolean;
  /** Selected in a view: no deadline until the user moves on (it is not sent under the cursor). */
  readonly watched?: boolean;
}

/** A session+direction whose frames wait in order behind the held frame at its head. */
export interface HeldQueue {
  readonly session: string;
  readonly dir: Direction;
  /** Paused, held by an in-order breakpoint, open in an editor, or behind one of those. */
  readonly head: HeldFrame;
  /** Frames held behind the head. */
  readonly waiting: number;
}

export interface InterceptorOptions {
  /** Auto-forward after this long; 0 = never. Default 60 s. */
  holdTimeoutMs?: number;
  /** Warn this long before auto-forwarding. Default min(10 s, a third of the timeout). */
  warnBeforeMs?: number;
}

export interface InterceptorEvents {
  held: [HeldFrame];
  released: [frame: Frame, how: ReleaseHow];
  /** A held frame will be forwarded automatically in `msLeft` ms unless someone acts. */
  warn: [held: HeldFrame, msLeft: number];
  /** Pause state changed. */
  paused: [state: PauseState];
  /** Anything about the held set changed (for counts in status bars). */
  changed: [];
}

export interface PauseState {
  in: boolean;
  out: boolean;
}

// `hub`: the gadget desktop's publishes (core/desktop/hub.ts), held before they reach any gadget.
const HOLDABLE = new Set<Frame['kind']>(['open', 'close', 'stanza', 'text', 'hub']);
const DEFAULT_HOLD_TIMEOUT_MS = 60_000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Entry {
  held: Mutable<HeldFrame>;
  send: (raw: string) => void;
  warnTimer?: NodeJS.Timeout;
  deadlineTimer?: NodeJS.Timeout;
  /** Its timeout passed while a frame ahead of it was being edited: it goes as soon as it can. */
  expired?: boolean;
}

class InterceptError extends Error {}

export class Interceptor extends EventEmitter<InterceptorEvents> implements FrameGate {
  /** Per session+direction: the frames held in order (nothing of it passes while one is here). */
  private readonly queues = new Map<string, Entry[]>();
  /** Per session+direction: frames let-the-rest-pass breakpoints hold; the flow goes past them. */
  private readonly aside = new Map<string, Set<Entry>>();
  /** Per session+direction with frames held aside: the highest frame id sent meanwhile. */
  private readonly sentUpTo = new Map<string, number>();
  private readonly byId = new Map<number, Entry>();
  private pauseState: PauseState = { in: false, out: false };
  private breakpointRules: BreakpointRule[] = [];
  private anyBreakpoint = false;
  private matchBreakpoint: (frame: Frame) => BreakpointRule | undefined = () => undefined;
  private replaceRuleList: ReplaceRule[] = [];
  private rewrite: Rewriter | undefined;
  private holdTimeoutMs: number;
  private warnBeforeMs: number | undefined;
  private readonly onSessionRemoved = (s: LiveSession) => this.discardSession(s.id);

  constructor(
    private readonly store: FrameStore,
    private readonly live?: LiveSessionRegistry,
    opts: InterceptorOptions = {},
  ) {
    super();
    this.holdTimeoutMs = opts.holdTimeoutMs ?? DEFAULT_HOLD_TIMEOUT_MS;
    this.warnBeforeMs = opts.warnBeforeMs;
    live?.on('removed', this.onSessionRemoved);
  }

  // ---- the gate (transport hot path: no parsing unless a rule needs it, never an await) ----

  admit(frame: Frame, send: (raw: string) => void): GateDecision {
    // Nothing held, nothing paused, no rules: the common case costs a few property reads.
    if (this.byId.size === 0 && !this.pauseState.in && !this.pauseState.out && !this.anyBreakpoint && !this.rewrite)
      return 'pass';
    const key = queueKey(frame.session, frame.dir);
    const queue = this.queues.get(key);
    const holdable = HOLDABLE.has(frame.kind);
    const rewritten = holdable && this.rewrite ? this.rewrite(frame, frame.raw) : frame.raw;
    let reason: HoldReason | undefined;
    let rule: BreakpointRule | undefined;
    if (this.pauseState[frame.dir] && (holdable || queue?.length)) reason = 'paused';
    else if (holdable && (rule = this.matchBreakpoint(frame))) reason = 'breakpoint';
    else if (queue?.length) reason = 'behind';
    if (!reason) {
      this.noteSent(key, frame.id);
      if (rewritten === frame.raw) return 'pass';
      // A replace rule changed a passing frame: send the new text now, then record it.
      send(rewritten);
      this.store.update(frame.id, { raw: rewritten, flags: { edited: true } });
      return 'hold';
    }
    this.hold(key, frame, send, reason, rule, rewritten === frame.raw ? undefined : rewritten);
    return 'hold';
  }

  private hold(
    key: string,
    frame: Frame,
    send: (raw: string) => void,
    reason: HoldReason,
    rule: BreakpointRule | undefined,
    pending: string | undefined,
  ): void {
    const now = Date.now();
    const held: Entry['held'] = { frame, reason, heldAt: now };
    if (rule) held.rule = rule;
    if (pending !== undefined) held.pending = pending;
    const entry: Entry = { held, send };
    this.startClock(entry);
    this.place(key, entry, reason === 'breakpoint' && restOf(rule) === 'pass');
    this.byId.set(frame.id, entry);
    this.store.update(frame.id, { flags: { held: true } });
    this.emit('held', held);
    this.emit('changed');
  }

  private startClock(entry: Entry): void {
    const { held } = entry;
    if (this.holdTimeoutMs <= 0) return;
    const now = Date.now();
    held.deadline = now + this.holdTimeoutMs;
    const warnBefore = Math.min(this.warnBeforeMs ?? Math.min(10_000, this.holdTimeoutMs / 3), this.holdTimeoutMs);
    entry.warnTimer = setTimeout(
      () => this.emit('warn', held, Math.max(0, (held.deadline ?? now) - Date.now())),
      this.holdTimeoutMs - warnBefore,
    );
    entry.deadlineTimer = setTimeout(() => this.timeout(held.frame.id), this.holdTimeoutMs);
    entry.warnTimer.unref?.();
    entry.deadlineTimer.unref?.();
  }

  private stopClock(entry: Entry): void {
    clearTimeout(entry.warnTimer);
    clearTimeout(entry.deadlineTimer);
    entry.warnTimer = entry.deadlineTimer = undefined;
    delete entry.held.deadline;
  }

  // ---- editing ----

  /** The frame is open in an editor: its clock stops until endEdit, forward or drop. */
  beginEdit(id: number): HeldFrame {
    const entry = this.entry(id);
    if (!entry.held.editing) {
      entry.held.editing = true;
      this.stopClock(entry);
      this.emit('changed');
    }
    return entry.held;
  }

  /** The editor closed without sending: the frame gets a fresh clock; frames that expired behind it go. */
  endEdit(id: number): void {
    const entry = this.byId.get(id);
    if (!entry?.held.editing) return;
    delete entry.held.editing;
    if (!entry.held.watched) this.startClock(entry);
    const key = keyOf(entry);
    if (!this.pauseState[entry.held.frame.dir] && entry.held.reason === 'behind') this.drain(key);
    this.emit('changed');
  }

  /**
   * The user selected the frame (a row of the panel): its clock stops, so the timeout never
   * forwards it while the user is about to act on it; `unwatch` gives it a fresh clock.
   */
  watch(id: number): void {
    const entry = this.byId.get(id);
    if (!entry || entry.held.watched) return;
    entry.held.watched = true;
    this.stopClock(entry);
    this.emit('changed');
  }

  /** The selection moved on: the frame gets a fresh clock (unless it is open in an editor). */
  unwatch(id: number): void {
    const entry = this.byId.get(id);
    if (!entry?.held.watched) return;
    delete entry.held.watched;
    if (!entry.held.editing) this.startClock(entry);
    this.emit('changed');
  }

  /**
   * Every session+direction where frames wait in order behind a held one, with the frame at
   * the head and how many wait behind it (what the views show, so a stalled direction is never
   * a mystery).
   */
  waitingQueues(): HeldQueue[] {
    const out: HeldQueue[] = [];
    for (const queue of this.queues.values()) {
      if (queue.length < 2) continue;
      const { frame } = queue[0].held;
      out.push({ session: frame.session, dir: frame.dir, head: queue[0].held, waiting: queue.length - 1 });
    }
    return out;
  }

  /** For a frame held in order: the frame at the head of its queue, when that is another one. */
  waitsBehind(id: number): HeldFrame | undefined {
    const entry = this.byId.get(id);
    if (!entry || entry.held.aside) return undefined;
    const head = this.queues.get(keyOf(entry))?.[0];
    return head && head !== entry ? head.held : undefined;
  }

  /** For a frame at the head of a queue: how many frames wait behind it. */
  waitingBehind(id: number): number {
    const entry = this.byId.get(id);
    if (!entry || entry.held.aside) return 0;
    const queue = this.queues.get(keyOf(entry));
    return queue?.[0] === entry ? queue.length - 1 : 0;
  }

  // ---- pause / resume ----

  get paused(): PauseState {
    return { ...this.pauseState };
  }

  pause(dir: Direction | 'both' = 'both'): void {
    this.setPaused(dir, true);
  }

  /**
   * Resumes the direction(s) and forwards everything held there, oldest first (the frames
   * breakpoints hold aside too); a frame open in an editor stays (and what waits in order
   * behind it waits for it).
   */
  resume(dir: Direction | 'both' = 'both'): void {
    this.setPaused(dir, false);
    const stopped = new Set<string>();
    for (const entry of this.entries()) {
      if (dir !== 'both' && entry.held.frame.dir !== dir) continue;
      const key = keyOf(entry);
      if (entry.held.editing) {
        if (!entry.held.aside) stopped.add(key);
      } else if (entry.held.aside || !stopped.has(key)) this.release(entry, 'resumed');
    }
    for (const key of stopped)
      for (const entry of this.queues.get(key)?.slice(1) ?? [])
        if (entry.held.reason === 'paused') entry.held.reason = 'behind';
  }

  private setPaused(dir: Direction | 'both', value: boolean): void {
    const next = { ...this.pauseState };
    if (dir === 'both' || dir === 'in') next.in = value;
    if (dir === 'both' || dir === 'out') next.out = value;
    if (next.in === this.pauseState.in && next.out === this.pauseState.out) return;
    this.pauseState = next;
    this.emit('paused', this.paused);
  }

  // ---- rules ----

  /** Replaces the breakpoint rules; throws RuleError (and keeps the old rules) on a bad rule. */
  setBreakpoints(rules: readonly BreakpointRule[]): void {
    this.matchBreakpoint = compileBreakpoints(rules);
    this.breakpointRules = [...rules];
    this.anyBreakpoint = rules.some((r) => r.enabled !== false);
    this.recheckBreakpointHolds();
  }

  /**
   * After the rules changed: a frame held by a rule that is gone or disabled is held only if a
   * remaining rule (or a pause) still wants it; otherwise it goes, in order, when nothing held
   * for a reason is ahead of it. A frame whose rule now lets the rest pass (or now keeps the
   * order) moves aside (or back into its place in the order). Frames open in an editor stay.
   */
  private recheckBreakpointHolds(): void {
    const touched = new Set<string>();
    for (const entry of this.entries()) {
      const { held } = entry;
      if (held.reason !== 'breakpoint' || held.editing) continue;
      const key = keyOf(entry);
      const rule = this.matchBreakpoint(held.frame);
      if (rule) held.rule = rule;
      else {
        delete held.rule;
        held.reason = this.pauseState[held.frame.dir] ? 'paused' : 'behind';
      }
      const aside = !!rule && restOf(rule) === 'pass';
      if (aside !== !!held.aside || !rule) {
        this.unplace(key, entry);
        this.place(key, entry, aside);
        touched.add(key);
      }
    }
    for (const key of touched) this.drain(key);
    if (touched.size) this.emit('changed');
  }

  get breakpoints(): readonly BreakpointRule[] {
    return this.breakpointRules;
  }

  /** Replaces the replace rules; throws RuleError (and keeps the old rules) on a bad rule. */
  setReplaceRules(rules: readonly ReplaceRule[]): void {
    this.rewrite = compileReplaceRules(rules);
    this.replaceRuleList = [...rules];
  }

  get replaceRules(): readonly ReplaceRule[] {
    return this.replaceRuleList;
  }

  /** Applies to frames held from now on. */
  setHoldTimeout(ms: number, warnBeforeMs?: number): void {
    this.holdTimeoutMs = Math.max(0, ms);
    this.warnBeforeMs = warnBeforeMs;
  }

  get holdTimeout(): number {
    return this.holdTimeoutMs;
  }

  // ---- the held set ----

  /** Every held frame, oldest first. */
  held(): HeldFrame[] {
    return this.entries().map((e) => e.held);
  }

  get heldCount(): number {
    return this.byId.size;
  }

  isHeld(id: number): boolean {
    return this.byId.has(id);
  }

  heldFrame(id: number): HeldFrame | undefined {
    return this.byId.get(id)?.held;
  }

  /**
   * Lets a held frame go: as held (or as a replace rule rewrote it), or with `raw` (the user's
   * edit). Frames that were only waiting behind it follow, in order.
   */
  forward(id: number, raw?: string): Frame {
    const entry = this.entry(id);
    this.release(entry, raw !== undefined && raw !== entry.held.frame.raw ? 'edited' : 'forwarded', raw);
    this.drain(keyOf(entry));
    return entry.held.frame;
  }

  /** The frame never reaches its destination; it stays in the store flagged dropped. */
  drop(id: number): Frame {
    const entry = this.entry(id);
    this.release(entry, 'dropped');
    this.drain(keyOf(entry));
    return entry.held.frame;
  }

  /** Forwards every held frame (e.g. on shutdown) so no connection is left stuck. */
  releaseAll(): void {
    for (const entry of this.entries()) this.release(entry, 'resumed');
  }

  // ---- resend / inject ----

  /**
   * Sends a captured frame again on its session, as the row shows it (the edited text when it
   * was edited) or as `raw` gives it, in its own direction unless `dir` says otherwise. Returns
   * the new frame (flagged injected, and edited when the text is not what first came in).
   */
  resend(id: number, opts: { raw?: string; dir?: Direction } = {}): Frame {
    const frame = this.store.get(id);
    if (!frame) throw new InterceptError(`frame ${id} is no longer in the capture`);
    const raw = opts.raw ?? frame.raw;
    return this.inject(frame.session, opts.dir ?? frame.dir, raw, raw !== (frame.original ?? frame.raw));
  }

  /** Sends the text the frame had before any edit or replace rule touched it. */
  resendOriginal(id: number, opts: { dir?: Direction } = {}): Frame {
    const frame = this.store.get(id);
    if (!frame) throw new InterceptError(`frame ${id} is no longer in the capture`);
    return this.inject(frame.session, opts.dir ?? frame.dir, frame.original ?? frame.raw);
  }

  /** Sends a new stanza on a live session: out = to the server, in = to the client. */
  inject(session: string, dir: Direction, raw: string, edited = false): Frame {
    const live = this.live?.get(session);
    if (!live) throw new InterceptError(`session ${session} is not connected`);
    if (!live.directions.includes(dir))
      throw new InterceptError(`session ${live.label} cannot send ${dir === 'in' ? 'to the client' : 'to the server'}`);
    const flags = edited ? { injected: true, edited: true } : { injected: true };
    const frame = live.send(dir, raw, flags);
    if (!frame)
      throw new InterceptError(
        `session ${live.label} is closed ${dir === 'in' ? 'towards the client' : 'towards the server'}`,
      );
    return frame;
  }

  dispose(): void {
    this.live?.off('removed', this.onSessionRemoved);
    this.releaseAll();
    this.removeAllListeners();
  }

  // ---- internals ----

  private entry(id: number): Entry {
    const entry = this.byId.get(id);
    if (!entry) throw new InterceptError(`frame ${id} is not held`);
    return entry;
  }

  private entries(): Entry[] {
    return [...this.byId.values()].sort((a, b) => a.held.frame.id - b.held.frame.id);
  }

  private release(entry: Entry, how: ReleaseHow, raw?: string): void {
    const { frame } = entry.held;
    if (this.byId.get(frame.id) !== entry) return;
    const key = keyOf(entry);
    const reordered = this.overtaken(key, entry) || this.overtakes(key, entry);
    this.forget(entry);
    if (how === 'dropped' || how === 'closed') {
      this.store.update(frame.id, { flags: { held: undefined, dropped: true } });
    } else {
      const text = raw ?? entry.held.pending ?? frame.raw;
      // Send first: the transport resends the original bytes when given the captured text.
      entry.send(text);
      this.noteSent(key, frame.id);
      const flags = reordered ? { held: undefined, reordered: true } : { held: undefined };
      if (text !== frame.raw) this.store.update(frame.id, { raw: text, flags: { ...flags, edited: true } });
      else this.store.update(frame.id, { flags });
    }
    this.emit('released', frame, how);
    this.emit('changed');
  }

  /** A later frame of its session+direction went out while this one was held. */
  private overtaken(key: string, entry: Entry): boolean {
    return (this.sentUpTo.get(key) ?? -Infinity) > entry.held.frame.id;
  }

  /** An earlier frame of its session+direction is still held. */
  private overtakes(key: string, entry: Entry): boolean {
    const id = entry.held.frame.id;
    const first = this.queues.get(key)?.[0];
    if (first && first !== entry && first.held.frame.id < id) return true;
    for (const other of this.aside.get(key) ?? []) if (other.held.frame.id < id) return true;
    return false;
  }

  /** While frames are held aside, remember how far the flow went past them. */
  private noteSent(key: string, id: number): void {
    if (!this.aside.has(key)) return;
    const upTo = this.sentUpTo.get(key);
    if (upTo === undefined || id > upTo) this.sentUpTo.set(key, id);
  }

  /** Puts a held frame in its queue, in id order (or aside, where nothing waits behind it). */
  private place(key: string, entry: Entry, aside: boolean): void {
    if (aside) {
      entry.held.aside = true;
      let set = this.aside.get(key);
      if (!set) this.aside.set(key, (set = new Set()));
      set.add(entry);
      return;
    }
    delete entry.held.aside;
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = []));
    const id = entry.held.frame.id;
    let at = queue.length;
    while (at > 0 && queue[at - 1].held.frame.id > id) at--;
    queue.splice(at, 0, entry);
  }

  private unplace(key: string, entry: Entry): void {
    const set = this.aside.get(key);
    if (set?.delete(entry) && !set.size) {
      this.aside.delete(key);
      this.sentUpTo.delete(key);
    }
    const queue = this.queues.get(key);
    if (!queue) return;
    const i = queue.indexOf(entry);
    if (i >= 0) queue.splice(i, 1);
    if (!queue.length) this.queues.delete(key);
  }

  private forget(entry: Entry): void {
    this.stopClock(entry);
    this.byId.delete(entry.held.frame.id);
    this.unplace(keyOf(entry), entry);
  }

  /** Frames held only because of the one ahead go when nothing held for a reason is ahead. */
  private drain(key: string): void {
    const queue = this.queues.get(key);
    while (queue?.length) {
      const head = queue[0];
      if (head.held.editing) return;
      if (head.expired) {
        this.release(head, 'timeout');
        continue;
      }
      if (head.held.reason !== 'behind' || this.pauseState[head.held.frame.dir]) return;
      this.release(head, 'forwarded');
    }
  }

  /**
   * The timeout passed: forward this frame, and (to keep the order) every frame ahead of it,
   * unless one of those is open in an editor: then it goes right after that one.
   */
  private timeout(id: number): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    if (entry.held.aside) {
      this.release(entry, 'timeout');
      return;
    }
    const key = keyOf(entry);
    const queue = this.queues.get(key) ?? [];
    const upTo = queue.indexOf(entry);
    if (queue.slice(0, upTo + 1).some((e) => e.held.editing || e.held.watched)) {
      entry.expired = true;
      this.stopClock(entry);
      this.emit('changed');
      return;
    }
    for (const e of [...queue]) {
      this.release(e, 'timeout');
      if (e === entry) break;
    }
    this.drain(key);
  }

  private discardSession(session: string): void {
    for (const entry of this.entries()) if (entry.held.frame.session === session) this.release(entry, 'closed');
  }
}

function queueKey(session: string, dir: Direction): string {
  return `${dir}\u0000${session}`;
}

function keyOf(entry: Entry): string {
  return queueKey(entry.held.frame.session, entry.held.frame.dir);
}
