/**
 * Turns one recorded session into what a replay server plays: *gates* (client requests the
 * recorded server answered: <open/>, SASL <auth/>, iq get/set) each with the replies that
 * answered them, and *pushes* (what the server sent unprompted: pubsub events, presence,
 * server pings, its <close/>) with the recorded gap before each.
 *
 * Replies are tied to their request by protocol, not by position: an iq result by its id, a
 * stream <open/>/<stream:features/> by the client <open/> before it, SASL success/failure by
 * the client <auth/>, a stream-management answer by the <enable/> or <resume/> before it, and the
 * server's echo of the client's own presence by that presence. So a new client that pipelines
 * differently still gets the right answers, and never an answer to something it did not do
 * (the recorded logout echo `presence type=unavailable` waits for this client's logout).
 */
import type { Frame } from '../capture/frame';
import { frameView } from '../capture/frameView';
import { SASL_NS } from '../xmpp/sasl';
import type { Element } from '../xmpp/xml';
import { BIND_NS, PUBSUB_NS } from '../xmpp/namespaces';

/** Stream management (XEP-0198), versions 3 and 2: the replay has none and says so. */
export const SM_NAMESPACES = new Set(['urn:xmpp:sm:3', 'urn:xmpp:sm:2']);

/** What a client request is, for matching a new client's request to a recorded one. */
export interface Signature {
  /** `open`, `auth`, `response`, `iq:set:urn:ietf:params:xml:ns:xmpp-bind:bind`, … */
  key: string;
  /** A finer key (pubsub node) preferred when several recorded requests share `key`. */
  detail?: string;
  /** The handshake: without it the client never gets online, so the script always waits. */
  handshake: boolean;
}

export interface Gate {
  type: 'gate';
  frame: Frame;
  sig: Signature;
  /** Recorded server frames that answered it, in order. */
  replies: Frame[];
  /** The recorded server pushed something before this request (so it did not wait for it). */
  afterPush?: boolean;
}

interface Push {
  type: 'push';
  frame: Frame;
  /** Recorded milliseconds between the previous frame (either direction) and this one. */
  gapMs: number;
}

export type Step = Gate | Push;

export interface ReplayScript {
  steps: Step[];
  gates: Gate[];
  /** The recorded server <close/> answering the client's <close/>, if any. */
  closeReply?: Frame;
  /** The JID the recorded server bound, e.g. `agent1@finesse.test/desktop`. */
  boundJid?: string;
  /** The recorded stream's domain (first server <open from=…>). */
  domain?: string;
}

function local(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

/** The signature of a client frame, or undefined when it is not a request the server answers. */
export function signatureOf(frame: Pick<Frame, 'kind' | 'raw'>): Signature | undefined {
  if (frame.kind === 'open') return { key: 'open', handshake: true };
  if (frame.kind !== 'stanza') return undefined;
  const el = frameView(frame as Frame).element;
  if (!el) return undefined;
  const name = local(el.name);
  if ((name === 'auth' || name === 'response') && el.attrs.xmlns === SASL_NS) return { key: name, handshake: true };
  if ((name === 'enable' || name === 'resume') && SM_NAMESPACES.has(el.attrs.xmlns))
    return { key: `sm:${name}`, handshake: false };
  // Broadcast presence (no `to`): the server echoes it to the sender's own resources.
  if (name === 'presence' && !el.attrs.to && (!el.attrs.type || el.attrs.type === 'unavailable'))
    return { key: el.attrs.type === 'unavailable' ? 'presence:unavailable' : 'presence', handshake: false };
  if (name !== 'iq' || (el.attrs.type !== 'get' && el.attrs.type !== 'set')) return undefined;
  const payload = el.getChildElements()[0];
  const ns = payload?.attrs.xmlns ?? '';
  const key = `iq:${el.attrs.type}:${ns}:${payload ? local(payload.name) : ''}`;
  if (ns === BIND_NS) return { key, handshake: true };
  if (ns === PUBSUB_NS && payload) {
    const op = payload.getChildElements()[0];
    if (op) return { key: `${key}:${local(op.name)}`, detail: op.attrs.node, handshake: false };
  }
  return { key, handshake: false };
}

/** True when a client sending this request waits for the server's answer (presence it does not). */
export function awaitsAnswer(sig: Signature): boolean {
  return !sig.key.startsWith('presence');
}

/** True when the client frame is a subscription the script should wait for before pushing. */
export function isSubscribe(sig: Signature): boolean {
  return sig.key.endsWith(':pubsub:subscribe');
}

function element(frame: Frame): Element | undefined {
  return frameView(frame).element;
}

/** Builds the script of one session's frames (any order in; played in recorded order). */
export function buildScript(frames: readonly Frame[]): ReplayScript {
  // REST calls (kind http) are not part of the XMPP conversation a replay serves.
  const ordered = frames.filter((f) => f.kind !== 'http').sort((a, b) => a.t - b.t || a.id - b.id);
  const script: ReplayScript = { steps: [], gates: [] };
  const iqGates = new Map<string, Gate>();
  let lastOpen: Gate | undefined;
  let lastSasl: Gate | undefined;
  let lastSm: Gate | undefined;
  const lastPresence: { available?: Gate; unavailable?: Gate } = {};
  let clientClosed = false;
  let pushed = false;
  let prevT: number | undefined;

  for (const frame of ordered) {
    // WebSocket pings/pongs are the transport's own business, not the recording's.
    if (frame.kind === 'ping' || frame.kind === 'pong') continue;
    const gapMs = prevT === undefined ? 0 : Math.max(0, frame.t - prevT);
    prevT = frame.t;
    if (frame.dir === 'out') {
      if (frame.kind === 'close' || frame.kind === 'closeframe') clientClosed = true;
      const sig = signatureOf(frame);
      if (!sig) continue; // presence, results, keepalives: nothing the server answers
      const gate: Gate = { type: 'gate', frame, sig, replies: [], ...(pushed ? { afterPush: true } : {}) };
      script.steps.push(gate);
      script.gates.push(gate);
      if (sig.key === 'open') lastOpen = gate;
      else if (sig.key === 'auth' || sig.key === 'response') lastSasl = gate;
      else if (sig.key.startsWith('sm:')) lastSm = gate;
      else if (sig.key === 'presence') lastPresence.available = gate;
      else if (sig.key === 'presence:unavailable') lastPresence.unavailable = gate;
      else {
        const id = element(frame)?.attrs.id;
        if (id) iqGates.set(id, gate);
      }
      continue;
    }
    // Stream-management acks and ack requests belong to a feature the replay refuses.
    if (isSmTransport(frame)) continue;
    const owner = replyOwner(frame, { iqGates, lastOpen, lastSasl, lastSm, lastPresence, boundJid: script.boundJid });
    if (owner) {
      owner.replies.push(frame);
      if (frame.kind === 'open') script.domain ??= element(frame)?.attrs.from;
      if (owner.sig.key.startsWith(`iq:set:${BIND_NS}`))
        script.boundJid ??= element(frame)?.getChild('bind', BIND_NS)?.getChildText('jid', BIND_NS) ?? undefined;
      continue;
    }
    if (frame.kind === 'close' && clientClosed) {
      script.closeReply ??= frame;
      continue;
    }
    // The server's close frame after the client closed is the end of that handshake, which the
    // replay answers itself when this client closes; played on its own it would cut the client off.
    if (frame.kind === 'closeframe' && clientClosed) continue;
    script.steps.push({ type: 'push', frame, gapMs });
    pushed = true;
  }
  return script;
}

interface OwnerContext {
  iqGates: Map<string, Gate>;
  lastOpen?: Gate;
  lastSasl?: Gate;
  lastSm?: Gate;
  lastPresence: { available?: Gate; unavailable?: Gate };
  boundJid?: string;
}

function bareOf(jid: string | undefined): string | undefined {
  return jid?.split('/')[0];
}

function isSmTransport(frame: Frame): boolean {
  if (frame.kind !== 'stanza' || !frame.raw.includes('urn:xmpp:sm:')) return false;
  const el = element(frame);
  return !!el && (el.name === 'r' || el.name === 'a') && SM_NAMESPACES.has(el.attrs.xmlns);
}

function replyOwner(frame: Frame, ctx: OwnerContext): Gate | undefined {
  if (frame.kind === 'open') return ctx.lastOpen;
  if (frame.kind !== 'stanza') return undefined;
  const el = element(frame);
  if (!el) return undefined;
  const name = local(el.name);
  if (name === 'features' && ctx.lastOpen) return ctx.lastOpen;
  if ((name === 'success' || name === 'failure' || name === 'challenge') && el.attrs.xmlns === SASL_NS)
    return ctx.lastSasl;
  if (name === 'iq' && (el.attrs.type === 'result' || el.attrs.type === 'error') && el.attrs.id)
    return ctx.iqGates.get(el.attrs.id);
  if ((name === 'enabled' || name === 'resumed' || name === 'failed') && SM_NAMESPACES.has(el.attrs.xmlns))
    return ctx.lastSm;
  // The client's own presence coming back from its own account is the echo of what it sent.
  if (name === 'presence' && ctx.boundJid && el.attrs.from && bareOf(el.attrs.from) === bareOf(ctx.boundJid)) {
    return el.attrs.type === 'unavailable'
      ? ctx.lastPresence.unavailable
      : !el.attrs.type
        ? ctx.lastPresence.available
        : undefined;
  }
  return undefined;
}
