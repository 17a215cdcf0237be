/**
 * The agent's day as data for a picture: from captured frames in store order, one lane per
 * agent with its states over time (from User and Team Users Updates), one bar per dialog from
 * its first Update (ALERTING, INITIATED…) to DROPPED or its DELETE, and marks for REST calls
 * (kind `http`), apiErrors and the gadget desktop's hub publishes (kind `hub`, see hubMark). Built incrementally (add() a batch at a time) so a live capture
 * costs only its new frames; plain data out (it crosses to the timeline webview as a message).
 */
import type { Frame } from '../capture/frame';
import { frameView } from '../capture/frameView';
import { pathOf } from '../http/message';
import { FINESSE_API } from './nodes';
import type { CallEffects } from './correlation';
import { callLabel, shortPath } from './correlation';

interface StateSpan {
  state: string;
  from: number;
  /** null while it lasts (drawn to the end of the capture). */
  to: number | null;
  /** The Update frame that started it. */
  frame: number;
}

export interface DialogBar {
  id: string;
  from: number;
  to: number | null;
  /** Latest state (ACTIVE, HELD, DROPPED…). */
  state: string;
  /** Every state the dialog went through, with its Update frame. */
  steps: { state: string; t: number; frame: number }[];
  /** `from → to` numbers, when the Update names them. */
  caller?: string;
  frame: number;
}

export interface TimelineMark {
  t: number;
  kind: 'rest' | 'apiError' | 'hub';
  frame: number;
  label: string;
}

export interface TimelineLane {
  agent: string;
  states: StateSpan[];
  dialogs: DialogBar[];
  marks: TimelineMark[];
}

export interface TimelineModel {
  /** The first frame drawn. */
  start: number;
  /** Where the picture ends and lasting states stop: the last frame, or now while live. */
  end: number;
  /** The last frame drawn: what "fit to frames" shows, whatever `end` is. */
  framesEnd: number;
  lanes: TimelineLane[];
}

const UPDATE_MARK = /(?:&lt;|<)update\b/i;
const USER_NODE = new RegExp(`^${FINESSE_API}/User/([^/]+)$`);
const DIALOGS_NODE = new RegExp(`^${FINESSE_API}/User/([^/]+)/Dialogs$`);
const TEAM_USERS_NODE = new RegExp(`^${FINESSE_API}/Team/[^/]+/Users$`);
const DIALOG_PATH = new RegExp(`^${FINESSE_API}/Dialog/([^/]+)`);
const USER_PATH = new RegExp(`^${FINESSE_API}/User/([^/]+)`);
const DIALOG_END = new Set(['DROPPED', 'FAILED']);

export class TimelineBuilder {
  private readonly lanes = new Map<string, TimelineLane>();
  private readonly openDialogs = new Map<string, { lane: TimelineLane; bar: DialogBar }>();
  private start = Infinity;
  private end = -Infinity;

  /** `effects` gives REST marks their outcome label (`PUT User/a1 → 202 · READY in 42 ms`). */
  constructor(private readonly effects?: (requestFrame: number) => CallEffects | undefined) {}

  add(frames: Iterable<Frame>): void {
    for (const f of frames) {
      if (f.kind === 'http') {
        if (f.dir === 'out') this.rest(f);
      } else if (f.kind === 'stanza' && f.dir === 'in' && UPDATE_MARK.test(f.raw)) this.update(f);
      else if (f.kind === 'hub') this.hubMark(f);
    }
  }

  /**
   * The picture so far. `now` is given only while the capture is live: the picture then runs to
   * now, so the current state grows while nothing happens. Without it (a session file, a
   * capture whose sessions ended) the picture spans its own frames, however long ago they were.
   */
  model(now?: number): TimelineModel {
    const lanes = [...this.lanes.values()].sort((a, b) => a.agent.localeCompare(b.agent));
    // REST labels change as their effects arrive: refreshed at each read.
    if (this.effects) {
      for (const lane of lanes)
        for (const m of lane.marks) {
          const call = m.kind === 'rest' ? this.effects(m.frame) : undefined;
          if (call) m.label = callLabel(call);
        }
    }
    if (!Number.isFinite(this.start)) return { start: now ?? 0, end: now ?? 0, framesEnd: now ?? 0, lanes };
    return { start: this.start, end: Math.max(this.end, now ?? this.end), framesEnd: this.end, lanes };
  }

  clear(): void {
    this.lanes.clear();
    this.openDialogs.clear();
    this.hubAgents.clear();
    this.hubWaiting.clear();
    this.start = Infinity;
    this.end = -Infinity;
  }

  /** The agent each hub capture session's desktop signed in, from the User Updates it relays. */
  private readonly hubAgents = new Map<string, string>();
  /** Hub marks of a session whose agent is not known yet (the first relayed User Update names it). */
  private readonly hubWaiting = new Map<string, TimelineMark[]>();

  /**
   * A hub publish that is not a relayed Update (a gadget's request or topic, the desktop's answer)
   * is a mark on the lane of the agent its desktop signed in. A relayed Update is not marked: the
   * XMPP Update it relays is already drawn; it names the agent (its User node) instead.
   */
  private hubMark(f: Frame): void {
    const view = frameView(f);
    if (!view.hub) return;
    if (view.finesse) {
      const agent = USER_PATH.exec(view.finesse.node)?.[1];
      if (!agent || this.hubAgents.has(f.session)) return;
      this.hubAgents.set(f.session, agent);
      const waiting = this.hubWaiting.get(f.session);
      this.hubWaiting.delete(f.session);
      if (!waiting) return;
      for (const m of waiting) this.seen(m.t);
      this.lane(agent).marks.push(...waiting);
      return;
    }
    const label = [`hub ${view.hub.topic}`, view.hub.from, view.hubLabel?.label].filter(Boolean).join(' · ');
    const mark: TimelineMark = { t: f.t, kind: 'hub', frame: f.id, label };
    const agent = this.hubAgents.get(f.session);
    if (agent) {
      this.seen(f.t);
      this.lane(agent).marks.push(mark);
      return;
    }
    const waiting = this.hubWaiting.get(f.session) ?? [];
    if (waiting.length < 1000) waiting.push(mark);
    this.hubWaiting.set(f.session, waiting);
  }

  private lane(agent: string): TimelineLane {
    let lane = this.lanes.get(agent);
    if (!lane) this.lanes.set(agent, (lane = { agent, states: [], dialogs: [], marks: [] }));
    return lane;
  }

  private seen(t: number): void {
    if (t < this.start) this.start = t;
    if (t > this.end) this.end = t;
  }

  private rest(f: Frame): void {
    const http = frameView(f).http;
    if (!http?.method) return;
    const path = pathOf(http.target ?? '');
    const user = USER_PATH.exec(path)?.[1];
    const dialog = DIALOG_PATH.exec(path)?.[1];
    const agent = user ?? (dialog ? this.openDialogs.get(dialog)?.lane.agent : undefined);
    if (!agent) return; // SystemInfo, ReasonCodes…: about no one agent
    this.seen(f.t);
    this.lane(decodeURIComponent(agent)).marks.push({
      t: f.t,
      kind: 'rest',
      frame: f.id,
      label: `${http.method} ${shortPath(path)}`,
    });
  }

  private update(f: Frame): void {
    const u = frameView(f).finesse;
    if (!u) return;
    const node = u.node || u.source || '';
    const kind = u.kind?.toLowerCase();
    if (kind === 'apierrors') {
      const agent = USER_NODE.exec(node)?.[1] ?? DIALOGS_NODE.exec(node)?.[1];
      if (!agent) return;
      this.seen(f.t);
      this.lane(agent).marks.push({
        t: f.t,
        kind: 'apiError',
        frame: f.id,
        label: `apiErrors${u.state ? ` ${u.state}` : ''}`,
      });
      return;
    }
    const user = USER_NODE.exec(node)?.[1];
    if (user && kind === 'user' && u.state) return this.state(this.lane(user), u.state, f);
    if (TEAM_USERS_NODE.test(node) && u.state) {
      const member = /<loginId>([^<]+)<\/loginId>/i.exec(u.xml)?.[1];
      if (member) this.state(this.lane(member), u.state, f);
      return;
    }
    const owner = DIALOGS_NODE.exec(node)?.[1];
    if (owner) this.dialog(this.lane(owner), u.event, u.state, u.xml, f);
  }

  private state(lane: TimelineLane, state: string, f: Frame): void {
    this.seen(f.t);
    const last = lane.states[lane.states.length - 1];
    if (last && last.to === null) {
      if (last.state === state) return; // an Update about something else (a reason code, a setting)
      last.to = f.t;
    }
    lane.states.push({ state, from: f.t, to: null, frame: f.id });
  }

  private dialog(
    lane: TimelineLane,
    event: string | undefined,
    state: string | undefined,
    xml: string,
    f: Frame,
  ): void {
    const id = /<id>([^<]+)<\/id>/i.exec(xml)?.[1];
    if (!id) return;
    this.seen(f.t);
    let open = this.openDialogs.get(id);
    if (!open) {
      if (event === 'DELETE') return; // the end of a dialog whose start the capture missed
      const bar: DialogBar = { id, from: f.t, to: null, state: state ?? 'UNKNOWN', steps: [], frame: f.id };
      const from = /<fromAddress>([^<]*)<\/fromAddress>/i.exec(xml)?.[1];
      const to = /<toAddress>([^<]*)<\/toAddress>/i.exec(xml)?.[1];
      if (from || to) bar.caller = `${from ?? '?'} → ${to ?? '?'}`;
      lane.dialogs.push(bar);
      this.openDialogs.set(id, (open = { lane, bar }));
    }
    const { bar } = open;
    if (state && bar.steps[bar.steps.length - 1]?.state !== state) bar.steps.push({ state, t: f.t, frame: f.id });
    if (state) bar.state = state;
    if (event === 'DELETE' || (state && DIALOG_END.has(state))) {
      bar.to = f.t;
      this.openDialogs.delete(id);
    }
  }
}
