/**
 * Stanzas to inject, filled in for a session: presence, a XEP-0060 subscribe/unsubscribe to a
 * Finesse node, a XEP-0199 ping (all towards the server), and a Finesse Update notification
 * (towards the client, as the notification server would send it).
 */
import type { Direction } from '../capture/frame';
import { eventMessage, PUBSUB_NS, userUpdate, UserState } from '../finesse/builders';
import { nodes } from '../finesse/nodes';
import { xml } from '../xmpp/xml';
import { CLIENT_NS } from '../xmpp/framing';

export const TEMPLATE_NAMES = ['presence', 'subscribe', 'unsubscribe', 'ping', 'finesseUpdate'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export const TEMPLATE_LABELS: Record<TemplateName, string> = {
  presence: 'Presence (available)',
  subscribe: 'Pubsub subscribe (XEP-0060)',
  unsubscribe: 'Pubsub unsubscribe (XEP-0060)',
  ping: 'Ping (XEP-0199)',
  finesseUpdate: 'Finesse User Update (to the client)',
};

export interface TemplateContext {
  /** The session's full JID (agent1@finesse.test/desktop). */
  jid?: string;
  /** The XMPP domain (finesse.test). */
  domain?: string;
  /** Pubsub service; default pubsub.<domain>. */
  pubsub?: string;
  /** Pubsub node; default the agent's User node. */
  node?: string;
  /** Stanza id; default a fresh one. */
  id?: string;
  /** User state for the Finesse Update template; default READY. */
  state?: UserState;
}

export interface Template {
  dir: Direction;
  raw: string;
}

let seq = 0;
function freshId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${(++seq).toString(36)}`;
}

export function buildTemplate(name: TemplateName, ctx: TemplateContext = {}): Template {
  const domain = ctx.domain ?? (ctx.jid ? ctx.jid.replace(/^[^@]*@/, '').replace(/\/.*$/, '') : 'finesse.example');
  const jid = ctx.jid ?? `agent@${domain}`;
  const agentId = jid.includes('@') ? jid.slice(0, jid.indexOf('@')) : jid;
  const pubsub = ctx.pubsub ?? `pubsub.${domain}`;
  const node = ctx.node ?? nodes.user(agentId);
  switch (name) {
    case 'presence':
      return { dir: 'out', raw: xml('presence', { xmlns: CLIENT_NS }).toString() };
    case 'subscribe':
    case 'unsubscribe':
      return {
        dir: 'out',
        raw: xml(
          'iq',
          { xmlns: CLIENT_NS, type: 'set', id: ctx.id ?? freshId(name === 'subscribe' ? 'sub' : 'unsub'), to: pubsub },
          xml('pubsub', { xmlns: PUBSUB_NS }, xml(name, { node, jid })),
        ).toString(),
      };
    case 'ping':
      return {
        dir: 'out',
        raw: xml(
          'iq',
          { xmlns: CLIENT_NS, type: 'get', id: ctx.id ?? freshId('ping'), to: domain },
          xml('ping', { xmlns: 'urn:xmpp:ping' }),
        ).toString(),
      };
    case 'finesseUpdate': {
      const updateXml = userUpdate({ id: agentId, loginName: agentId }, ctx.state ?? 'READY');
      return {
        dir: 'in',
        raw: eventMessage({ from: pubsub, to: jid, node, itemId: freshId('item'), id: ctx.id, updateXml }),
      };
    }
  }
}
