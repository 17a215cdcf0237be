/**
 * The stanzas a Finesse client session sends (RFC 6120 bind, RFC 3921 session, XEP-0060
 * subscribe/unsubscribe, XEP-0199 ping) and the small readers for what the server answers.
 * Built with the xml façade, so every value is escaped; every stanza names jabber:client, as
 * RFC 7395 §3.3.3 requires (there is no stream element to inherit it from).
 */
import { Element, localName as localNameOf, xml } from '../xmpp/xml';
import { PUBSUB_NS } from '../finesse/builders';
import { CLIENT_NS } from '../xmpp/framing';
import { BIND_NS, PING_NS, SESSION_NS, STANZAS_NS } from '../xmpp/namespaces';

export function localName(el: Element): string {
  return localNameOf(el.name);
}

/** The first child element with this local name (prefix ignored), optionally in a namespace. */
export function child(el: Element, name: string, ns?: string): Element | undefined {
  return el.getChildElements().find((c) => localName(c) === name && (ns === undefined || namespaceOf(c) === ns));
}

/** The namespace of an element: the default namespace in scope, or the one its prefix names. */
export function namespaceOf(el: Element): string | undefined {
  const i = el.name.indexOf(':');
  const attr = i < 0 ? 'xmlns' : `xmlns:${el.name.slice(0, i)}`;
  for (let e: Element | null = el; e; e = e.parent) {
    const ns = e.attrs[attr];
    if (ns !== undefined) return ns;
  }
  return undefined;
}

export function bindIq(id: string, resource: string): Element {
  return xml(
    'iq',
    { xmlns: CLIENT_NS, type: 'set', id },
    xml('bind', { xmlns: BIND_NS }, xml('resource', {}, resource)),
  );
}

export function sessionIq(id: string): Element {
  return xml('iq', { xmlns: CLIENT_NS, type: 'set', id }, xml('session', { xmlns: SESSION_NS }));
}

export function presence(): Element {
  return xml('presence', { xmlns: CLIENT_NS });
}

export function subscribeIq(id: string, pubsub: string, node: string, jid: string): Element {
  return xml(
    'iq',
    { xmlns: CLIENT_NS, type: 'set', to: pubsub, id },
    xml('pubsub', { xmlns: PUBSUB_NS }, xml('subscribe', { node, jid })),
  );
}

export function unsubscribeIq(id: string, pubsub: string, node: string, jid: string): Element {
  return xml(
    'iq',
    { xmlns: CLIENT_NS, type: 'set', to: pubsub, id },
    xml('pubsub', { xmlns: PUBSUB_NS }, xml('unsubscribe', { node, jid })),
  );
}

export function pingIq(id: string, to: string): Element {
  return xml('iq', { xmlns: CLIENT_NS, type: 'get', to, id }, xml('ping', { xmlns: PING_NS }));
}

/** RFC 6120 §8.2.3: every iq get/set gets an answer; a ping gets an empty result. */
export function iqResult(request: Element): Element {
  return xml('iq', { xmlns: CLIENT_NS, type: 'result', id: request.attrs.id, to: request.attrs.from });
}

/** The answer to an iq get/set this client does not handle. */
export function iqServiceUnavailable(request: Element): Element {
  return xml(
    'iq',
    { xmlns: CLIENT_NS, type: 'error', id: request.attrs.id, to: request.attrs.from },
    xml('error', { type: 'cancel' }, xml('service-unavailable', { xmlns: STANZAS_NS })),
  );
}

export function isPing(iq: Element): boolean {
  return iq.name === 'iq' && iq.attrs.type === 'get' && !!child(iq, 'ping', PING_NS);
}

/** SASL mechanisms offered in <stream:features>. */
export function saslMechanisms(features: Element): string[] {
  const mechanisms = child(features, 'mechanisms');
  return mechanisms
    ? mechanisms
        .getChildElements()
        .filter((m) => localName(m) === 'mechanism')
        .map((m) => m.getText().trim())
    : [];
}

/** True when the features ask for the legacy RFC 3921 session iq (not marked <optional/>). */
export function sessionRequired(features: Element): boolean {
  const session = child(features, 'session', SESSION_NS);
  return !!session && !child(session, 'optional');
}

/** The defined condition and text of a SASL <failure/>, a stanza <error/> or a <stream:error/>. */
export function errorCondition(el: Element | undefined): { condition: string; text?: string } {
  if (!el) return { condition: 'undefined-condition' };
  const conditions = el.getChildElements().filter((c) => localName(c) !== 'text');
  const text = child(el, 'text')?.getText().trim();
  return { condition: conditions[0] ? localName(conditions[0]) : 'undefined-condition', ...(text ? { text } : {}) };
}

/** The condition of an iq error reply, e.g. `item-not-found`. */
export function iqErrorCondition(iq: Element): { condition: string; text?: string } {
  return errorCondition(child(iq, 'error'));
}
