/**
 * The stream header of XMPP over TCP (RFC 6120 §4.7) and its RFC 7395 counterpart: the TCP
 * stream opens with an unclosed `<stream:stream …>` start tag and ends with `</stream:stream>`,
 * where a WebSocket sends `<open/>` and `<close/>`. The local Finesse's TCP listener and replay
 * turn one into the other so the same XmppServerSession and recordings serve both; capture reads
 * a header's attributes without the closing tag it never has.
 */
import { CLIENT_NS, FRAMING_NS, STREAMS_NS } from '../../xmpp/namespaces';
import { Element, escapeXml, parseXml, xml } from '../../xmpp/xml';

export const STREAM_CLOSE = '</stream:stream>';

/** The header's start tag as an element (attributes only), or undefined when it is not one. */
export function parseStreamHeader(raw: string): Element | undefined {
  const tag = raw.replace(/^\s*(?:<\?[\s\S]*?\?>\s*)?/, '');
  if (!/^<[^\s/>]*stream[\s>]/.test(tag) || !tag.endsWith('>') || tag.endsWith('/>')) return undefined;
  const name = /^<([^\s>]+)/.exec(tag)?.[1] as string;
  const parsed = parseXml(`${tag}</${name}>`);
  return parsed.ok ? parsed.element : undefined;
}

/** A client's TCP header as the RFC 7395 <open/> the server session reads. */
export function headerToOpen(header: Element): string {
  const attrs: Record<string, string> = { xmlns: FRAMING_NS };
  for (const k of ['to', 'from', 'id', 'version', 'xml:lang']) {
    const v = (header.attrs as Record<string, string | undefined>)[k];
    if (v !== undefined) attrs[k] = v;
  }
  return xml('open', attrs).toString();
}

/** The server session's <open/> (or a recorded one) as the TCP header a client expects. */
export function openToHeader(open: Element): string {
  const attrs: Record<string, string> = { xmlns: CLIENT_NS, 'xmlns:stream': STREAMS_NS };
  for (const [k, v] of Object.entries(open.attrs as Record<string, string>)) if (k !== 'xmlns') attrs[k] = v;
  const text = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  return `<?xml version='1.0'?><stream:stream${text}>`;
}
