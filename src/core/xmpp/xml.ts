/**
 * The single ltx façade. Everything that parses XML goes through here so that malformed input
 * never throws into a caller: a frame is captured and forwarded whatever it contains, and the
 * parse error is shown next to it.
 */
import * as ltx from 'ltx';

export type Element = ltx.Element;
export const Element = ltx.Element;

export type ParseResult =
  | { ok: true; element: Element }
  | { ok: false; error: string };

/** Parses one XML element. Trailing text or a second root element is an error (RFC 7395 §3.3.3). */
export function parseXml(raw: string): ParseResult {
  const parser = new ltx.Parser();
  // The inner SAX parser reports every element; ltx's tree builder silently ignores what
  // follows the first root, which RFC 7395 (one element per frame) makes an error.
  const sax = (parser as unknown as { parser: ltx.Parser }).parser;
  let depth = 0;
  let roots = 0;
  let trailingText = false;
  let root: Element | undefined;
  let error: string | undefined;
  sax.on('startElement', () => {
    if (depth++ === 0) roots++;
  });
  sax.on('endElement', () => {
    depth--;
  });
  sax.on('text', (text) => {
    if (depth === 0 && roots > 0 && text.trim()) trailingText = true;
  });
  parser.on('tree', (tree) => {
    root = tree;
  });
  parser.on('error', (e) => {
    error ??= e.message;
  });
  try {
    parser.write(raw);
    parser.end();
  } catch (e) {
    error ??= (e as Error).message;
  }
  if (!raw.trim()) return { ok: false, error: 'Empty frame' };
  if (error || !root) return { ok: false, error: error === 'Incomplete document' || !error ? 'Incomplete XML element' : error };
  if (roots > 1) return { ok: false, error: 'More than one root element in a frame' };
  // ltx flushes text only at the next '<', so text after the last '>' is checked here.
  if (trailingText || raw.slice(raw.lastIndexOf('>') + 1).trim()) return { ok: false, error: 'Text after the root element' };
  return { ok: true, element: root };
}

export const escapeXml = ltx.escapeXML;
export const unescapeXml = ltx.unescapeXML;
export const escapeXmlText = ltx.escapeXMLText;

/** Builds an element: xml('iq', {type:'get'}, xml('ping', {xmlns:'urn:xmpp:ping'})). */
export function xml(name: string, attrs: Record<string, string | number | undefined> = {}, ...children: (Element | string)[]): Element {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) clean[k] = String(v);
  return ltx.createElement(name, clean, ...children);
}
