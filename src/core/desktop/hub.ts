/**
 * One desktop page's OpenAjax hub, as Shindig's pubsub-2 ManagedHub keeps it: subscriptions per
 * gadget (and the desktop's own, for the master publisher's request topics), wildcard topics,
 * delivery to every matching subscription including the publisher's own. Every publish is
 * captured once as a `hub` frame (core/hub/hubFrame.ts) with the receivers it went to, and
 * offered to the intercept gate before anything is delivered: 'hold' delivers when the gate
 * calls send (with the possibly edited payload), never when it drops the frame.
 */
import type { Frame } from '../capture/frame';
import type { FrameStore } from '../capture/frameStore';
import type { FrameGate } from '../intercept/gate';
import { formatHubFrame, parseHubFrame } from '../hub/hubFrame';
import { badPublish, badSubscription, topicMatches } from './topics';

/** A publisher or receiver: a gadget frame, or the desktop itself. */
export interface HubMember {
  /** `desktop`, or the gadget's `MID TITLE` (the hub frame's from/to form). */
  readonly label: string;
}

export interface GadgetMember extends HubMember {
  readonly mid: string;
  deliver(subId: string, topic: string, data: unknown): void;
}

type DesktopHandler = (topic: string, data: unknown, from: HubMember) => void;

interface Subscription {
  topic: string;
  member: GadgetMember | typeof DESKTOP;
  subId: string;
  handler?: DesktopHandler;
}

export const DESKTOP: HubMember = { label: 'desktop' };

export interface HubOptions {
  store: FrameStore;
  /** The store session hub frames go into (opened by the owner). */
  session: string;
  gate?: FrameGate;
  /** A held frame came back with JSON that is not a hub frame: delivered as first published. */
  onWarning?: (text: string) => void;
  /** Each hub frame, as soon as it is captured (before delivery). */
  onFrame?: (frame: Frame) => void;
}

export class Hub {
  /** Per member (by identity: a title may change), its subscriptions by subId, in order. */
  private readonly subs = new Map<HubMember, Map<string, Subscription>>();
  private desktopSeq = 0;

  constructor(private readonly opts: HubOptions) {}

  /** A gadget subscribes; the error text when the topic is not valid OpenAjax. */
  subscribe(member: GadgetMember, subId: string, topic: string): string | undefined {
    const bad = badSubscription(topic);
    if (bad) return bad;
    this.of(member).set(subId, { topic, member, subId });
    return undefined;
  }

  unsubscribe(member: GadgetMember, subId: string): void {
    this.subs.get(member)?.delete(subId);
  }

  /** Every subscription of a gadget goes (its frame reloaded or closed). */
  forget(member: GadgetMember): void {
    this.subs.delete(member);
  }

  /** The desktop's own subscription (the master publisher's request topics). */
  subscribeDesktop(topic: string, handler: DesktopHandler): () => void {
    const subId = `desktop-${++this.desktopSeq}`;
    this.of(DESKTOP).set(subId, { topic, member: DESKTOP, subId, handler });
    return () => void this.subs.get(DESKTOP)?.delete(subId);
  }

  /** Topics a gadget is subscribed to. */
  topicsOf(member: HubMember): string[] {
    return [...(this.subs.get(member)?.values() ?? [])].map((s) => s.topic);
  }

  private of(member: HubMember): Map<string, Subscription> {
    let m = this.subs.get(member);
    if (!m) this.subs.set(member, (m = new Map()));
    return m;
  }

  /**
   * Publishes `data` on `topic` from `from`; `causedBy` is the XMPP frame relayed. Returns the
   * hub frame, or the error text when the topic cannot be published.
   */
  publish(from: HubMember, topic: string, data: unknown, causedBy?: number): Frame | string {
    const bad = badPublish(topic);
    if (bad) return bad;
    const targets: Subscription[] = [];
    for (const m of this.subs.values()) for (const s of m.values()) if (topicMatches(s.topic, topic)) targets.push(s);
    const to = [...new Set(targets.map((s) => s.member.label))];
    // JSON is what crosses to the page anyway; the frame holds exactly what is delivered.
    const payload = data === undefined ? undefined : (JSON.parse(JSON.stringify(data)) as unknown);
    const raw = formatHubFrame({ topic, from: from.label, to, payload, causedBy });
    const frame = this.opts.store.append({
      session: this.opts.session,
      dir: from === DESKTOP ? 'in' : 'out',
      kind: 'hub',
      raw,
    });
    this.opts.onFrame?.(frame);
    const deliver = (text: string) => {
      let out = payload;
      if (text !== raw) {
        const edited = parseHubFrame(text);
        if (edited) out = edited.payload;
        else
          this.opts.onWarning?.(
            `hub frame ${frame.id} was edited into text that is not a hub frame; delivered as published`,
          );
      }
      for (const s of targets) {
        // A subscription dropped while the frame was held gets nothing, as after unsubscribe.
        if (this.subs.get(s.member)?.get(s.subId) !== s) continue;
        if (s.handler) s.handler(topic, out, from);
        else (s.member as GadgetMember).deliver(s.subId, topic, out);
      }
    };
    if (this.opts.gate && this.opts.gate.admit(frame, deliver) === 'hold') return frame;
    deliver(raw);
    return frame;
  }
}
