/**
 * What the replay server answers when the recording has no answer for a request: a standard
 * client (strophe.js, stanza, @xmpp/client, the Finesse desktop) asks for things the recorded
 * client never did. The answers are those of a server without the feature, so every client
 * carries on: broadcast presence is echoed, legacy session, roster and disco get an empty result, stream management gets
 * <failed/>, carbons get feature-not-implemented, anything else service-unavailable (RFC 6120
 * §8.4: an iq is always answered). Recorded stream features are cut down to SASL PLAIN, the
 * one mechanism a replay can complete (a recorded SCRAM exchange cannot verify a new password).
 */
import { localName, parseXml, xml, Element } from '../xmpp/xml';
import {
  CARBONS_NS,
  CLIENT_NS,
  DISCO_INFO_NS,
  DISCO_ITEMS_NS,
  PUBSUB_NS,
  ROSTER_NS,
  SASL_NS,
  SESSION_NS,
  STANZAS_NS,
} from '../xmpp/namespaces';
import { SM_NAMESPACES } from './replayScript';

const PING_KEY = 'iq:get:urn:xmpp:ping:ping';

/** The answer and, for the stderr report, why this one. */
export interface StandardAnswer {
  raw: string;
  reason: string;
}

/**
 * The answer to a client request the recording lacks, or undefined when nothing is owed (the
 * server answers no presence, message or iq result). `clientJid` addresses the answer.
 */
export function standardAnswer(
  el: Element,
  key: string,
  detail: string | undefined,
  clientJid: string | undefined,
): StandardAnswer | undefined {
  const name = localName(el.name);
  if (SM_NAMESPACES.has(el.attrs.xmlns) && (name === 'enable' || name === 'resume')) {
    const failed = xml(
      'failed',
      { xmlns: el.attrs.xmlns },
      xml(name === 'resume' ? 'item-not-found' : 'feature-not-implemented', { xmlns: STANZAS_NS }),
    );
    return { raw: failed.toString(), reason: `stream management (${el.attrs.xmlns}) is not offered by a replay` };
  }
  if (name === 'presence' && (key === 'presence' || key === 'presence:unavailable')) {
    // RFC 6121 §4.2.2 / §4.5.2: the server sends broadcast presence back to the sender's resource.
    const echo = xml(
      'presence',
      {
        xmlns: CLIENT_NS,
        ...(clientJid ? { from: clientJid, to: clientJid } : {}),
        ...(el.attrs.type ? { type: el.attrs.type } : {}),
      },
      ...el.getChildElements(),
    );
    return { raw: echo.toString(), reason: 'echoed as any server does' };
  }
  if (name !== 'iq' || (el.attrs.type !== 'get' && el.attrs.type !== 'set')) return undefined;
  const attrs = {
    xmlns: CLIENT_NS,
    type: 'result',
    id: el.attrs.id,
    ...(clientJid || el.attrs.from ? { to: clientJid ?? el.attrs.from } : {}),
    ...(el.attrs.to ? { from: el.attrs.to } : {}),
  };
  const payload = el.getChildElements()[0];
  const ns = payload?.attrs.xmlns;
  const result = (...children: Element[]) => xml('iq', attrs, ...children).toString();
  const error = (type: string, condition: string) =>
    xml('iq', { ...attrs, type: 'error' }, xml('error', { type }, xml(condition, { xmlns: STANZAS_NS }))).toString();

  if (key === PING_KEY || key.endsWith(':pubsub:unsubscribe'))
    return { raw: result(), reason: 'answered as any server would' };
  if (key.endsWith(':pubsub:subscribe')) {
    return {
      raw: result(
        xml(
          'pubsub',
          { xmlns: PUBSUB_NS },
          xml('subscription', { node: detail, jid: clientJid, subscription: 'subscribed' }),
        ),
      ),
      reason: 'subscribed',
    };
  }
  if (ns === SESSION_NS) return { raw: result(), reason: 'legacy session establishment (RFC 3921) needs nothing more' };
  if (ns === ROSTER_NS && el.attrs.type === 'get')
    return { raw: result(xml('query', { xmlns: ROSTER_NS })), reason: 'an empty roster' };
  if (ns === DISCO_INFO_NS && el.attrs.type === 'get') {
    const identity =
      el.attrs.to && !el.attrs.to.includes('@')
        ? [
            xml('identity', {
              category: el.attrs.to.startsWith('pubsub.') ? 'pubsub' : 'server',
              type: el.attrs.to.startsWith('pubsub.') ? 'service' : 'im',
            }),
          ]
        : [];
    return {
      raw: result(
        xml(
          'query',
          { xmlns: DISCO_INFO_NS, ...(payload.attrs.node ? { node: payload.attrs.node } : {}) },
          ...identity,
        ),
      ),
      reason: 'no features beyond the recording',
    };
  }
  if (ns === DISCO_ITEMS_NS && el.attrs.type === 'get')
    return { raw: result(xml('query', { xmlns: DISCO_ITEMS_NS })), reason: 'no items' };
  if (ns === CARBONS_NS)
    return { raw: error('cancel', 'feature-not-implemented'), reason: 'message carbons are not offered by a replay' };
  return { raw: error('cancel', 'service-unavailable'), reason: 'the recording has no answer to it' };
}

/**
 * Recorded <stream:features/> with SASL cut down to PLAIN (added if the recording offered only
 * others). Any other feature is kept: the replay answers what a client asks of it.
 */
export function plainOnlyFeatures(raw: string): string {
  const parsed = parseXml(raw);
  if (!parsed.ok) return raw;
  const features = parsed.element;
  const mechanisms = features
    .getChildElements()
    .find((c) => localName(c.name) === 'mechanisms' && (c.attrs.xmlns ?? SASL_NS) === SASL_NS);
  if (!mechanisms) return raw;
  const offered = mechanisms.getChildElements().map((m) => m.getText().trim());
  if (offered.length === 1 && offered[0] === 'PLAIN') return raw;
  mechanisms.children = [xml('mechanism', {}, 'PLAIN')];
  return features.toString();
}
