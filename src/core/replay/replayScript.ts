/**
 * Turns one recorded session into what a replay server plays: *gates* (client requests the
 * recorded server answered: <open/>, SASL <auth/>, iq get/set) each with the replies that
 * answered them, and *pushes* (what the server sent unprompted: pubsub events, presence,
 * server pings, its <close/>) with the recorded gap before each.
 *
 * Replies are tied to their request by protocol, not by position: an iq result by its id, a
 * stream <open/>/<stream:features/> by the client <open/> before it, SASL success/failure by
 * the client <auth/>. So a new client that pipelines differently still gets the right answers.
 */
import type { Frame } from '../capture/frame';
import { frameView } from '../capture/frameView';
import { SASL_NS } from '../xmpp/sasl';
import type { Element } from '../xmpp/xml';
import { BIND_NS, PUBSUB_NS } from '../xmpp/namespaces';

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
}

export interface Push {
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
  let clientClosed = false;
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
      const gate: Gate = { type: 'gate', frame, sig, replies: [] };
      script.steps.push(gate);
      script.gates.push(gate);
      if (sig.key === 'open') lastOpen = gate;
      else if (sig.key === 'auth' || sig.key === 'response') lastSasl = gate;
      else {
        const id = element(frame)?.attrs.id;
        if (id) iqGates.set(id, gate);
      }
      continue;
    }
    const owner = replyOwner(frame, { iqGates, lastOpen, lastSasl });
    if (owner) {
      owner.replies.push(frame);
      if (frame.kind === 'open') script.domain ??= element(frame)?.attrs.from;
      if (owner.sig.key.startsWith(`iq:set:${BIND_NS}`)) script.boundJid ??= element(frame)?.getChild('bind', BIND_NS)?.getChildText('jid', BIND_NS) ?? undefined;
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
  }
  return script;
}

function replyOwner(frame: Frame, ctx: { iqGates: Map<string, Gate>; lastOpen?: Gate; lastSasl?: Gate }): Gate | undefined {
  if (frame.kind === 'open') return ctx.lastOpen;
  if (frame.kind !== 'stanza') return undefined;
  const el = element(frame);
  if (!el) return undefined;
  const name = local(el.name);
  if (name === 'features' && ctx.lastOpen) return ctx.lastOpen;
  if ((name === 'success' || name === 'failure' || name === 'challenge') && el.attrs.xmlns === SASL_NS) return ctx.lastSasl;
  if (name === 'iq' && (el.attrs.type === 'result' || el.attrs.type === 'error') && el.attrs.id) return ctx.iqGates.get(el.attrs.id);
  return undefined;
}
