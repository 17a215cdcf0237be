/** One-line description of a stanza for lists and JSON lines: name, type, id, from, to. */
import type { Element } from './xml';

export interface StanzaSummary {
  name: string;
  type?: string;
  id?: string;
  from?: string;
  to?: string;
  /** Namespace of the first child (iq payload, pubsub, sasl…), e.g. `urn:xmpp:ping`. */
  payloadNs?: string;
  /** Local name of the first child, e.g. `bind`, `pubsub`, `event`. */
  payload?: string;
}

export function summarize(el: Element): StanzaSummary {
  const s: StanzaSummary = { name: el.name };
  const { type, id, from, to } = el.attrs;
  if (type) s.type = type;
  if (id) s.id = id;
  if (from) s.from = from;
  if (to) s.to = to;
  const first = el.getChildElements()[0];
  if (first) {
    s.payload = first.name.includes(':') ? first.name.split(':')[1] : first.name;
    const ns = first.attrs.xmlns;
    if (ns) s.payloadNs = ns;
  }
  return s;
}

/** `iq get ping #abc` style text for the list's summary column. */
export function summaryText(s: StanzaSummary): string {
  const parts = [s.name];
  if (s.type) parts.push(s.type);
  if (s.payload && s.payload !== s.name) parts.push(s.payload);
  if (s.id) parts.push(`#${s.id}`);
  return parts.join(' ');
}
