/**
 * The single ltx façade. Everything that parses XML goes through here so that malformed input
 * never throws into a caller: a frame is captured and forwarded whatever it contains, and the
 * parse error is shown next to it.
 */
import * as ltx from 'ltx';
import { parseSimpleXml } from './fastXml';

export type Element = ltx.Element;
export const Element = ltx.Element;

export type ParseResult = { ok: true; element: Element } | { ok: false; error: string };

/**
 * Parses one XML element. Trailing text, text before the root, a second root element or a
 * mismatched end tag is an error (RFC 7395 §3.3.3: one complete element per frame), although
 * ltx's tree builder alone would silently accept all of them.
 */
export function parseXml(raw: string): ParseResult {
  // Plain frames (nearly all of them) take the one-pass path; it answers only for frames the
  // ltx path below accepts, with the same tree (fastXml.ts).
  const simple = parseSimpleXml(raw);
  return simple ? { ok: true, element: simple } : parseXmlWithLtx(raw);
}

/** parseXml without the fast path: every error message comes from here. */
export function parseXmlWithLtx(raw: string): ParseResult {
  if (!raw.trim()) return { ok: false, error: 'Empty frame' };
  const parser = new ltx.Parser();
  // The inner SAX parser reports every element and text run; ltx's tree builder ignores what
  // lies outside the first root and end tags that do not match, so those are checked here.
  const sax = (parser as unknown as { parser: ltx.Parser }).parser;
  const open: string[] = [];
  let roots = 0;
  let outsideText: 'before' | 'after' | undefined;
  let root: Element | undefined;
  let error: string | undefined;
  sax.on('startElement', (name) => {
    if (open.length === 0) roots++;
    open.push(name);
  });
  sax.on('endElement', (name) => {
    const expected = open.pop();
    if (expected === undefined) error ??= `Unexpected end tag </${name}>`;
    else if (expected !== name) error ??= `Mismatched end tag </${name}>, expected </${expected}>`;
  });
  sax.on('text', (text) => {
    if (open.length === 0 && text.trim()) outsideText ??= roots > 0 ? 'after' : 'before';
  });
  parser.on('tree', (tree) => {
    root = tree;
  });
  parser.on('error', (e) => {
    error ??= e.message;
  });
  try {
    // ltx emits a text run only when the next '<' arrives: this one flushes text after the
    // root (`<a/>x>`) and, inside an unfinished tag, changes nothing. Written with the frame in
    // one call: ltx looks for the next '<' from every character of a text run that has none
    // after it in the current write, so a long unterminated text (a frame cut short) cost
    // time quadratic in its length (a 16 MB one: minutes) when the '<' came separately.
    parser.write(raw + '<');
  } catch (e) {
    error ??= (e as Error).message;
  }
  try {
    parser.end();
  } catch (e) {
    error ??= (e as Error).message;
  }
  if (error === 'Incomplete document') error = undefined;
  if (error) return { ok: false, error };
  if (outsideText === 'before') return { ok: false, error: 'Text before the root element' };
  if (roots > 1) return { ok: false, error: 'More than one root element in a frame' };
  if (!root || open.length) return { ok: false, error: 'Incomplete XML element' };
  // Unfinished constructs after the root (`<a/><!--`, `<a/><b`) never reach the SAX events.
  if (outsideText === 'after' || raw.slice(raw.lastIndexOf('>') + 1).trim())
    return { ok: false, error: 'Text after the root element' };
  const amp = bareAmpersand(raw);
  if (amp !== undefined) return { ok: false, error: `Unescaped "&" at offset ${amp}` };
  return { ok: true, element: root };
}

// ltx unescapes leniently: an "&" without a ";" after it passes as text. XML forbids it
// outside CDATA sections and comments. A linear scan (untrusted input must not backtrack).
const ENTITY = /&(?:[A-Za-z_][\w.-]*|#[0-9]+|#x[0-9A-Fa-f]+);/y;

function bareAmpersand(raw: string): number | undefined {
  let pos = 0;
  let comment = -2; // next "<!--" at or after pos (-1: none left, -2: not looked up yet)
  let cdata = -2;
  for (;;) {
    const amp = raw.indexOf('&', pos);
    if (amp < 0) return undefined;
    if (comment !== -1 && comment < pos) comment = raw.indexOf('<!--', pos);
    if (cdata !== -1 && cdata < pos) cdata = raw.indexOf('<![CDATA[', pos);
    const skip = [comment, cdata].filter((i) => i >= 0 && i < amp).sort((a, b) => a - b)[0];
    if (skip !== undefined) {
      const end = skip === comment ? raw.indexOf('-->', skip + 4) : raw.indexOf(']]>', skip + 9);
      if (end < 0) return undefined;
      pos = end + 3;
      continue;
    }
    ENTITY.lastIndex = amp;
    if (!ENTITY.test(raw)) return amp;
    pos = amp + 1;
  }
}

/** `stream:features` → `features`: element names compared without their prefix. */
export function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

export const escapeXml = ltx.escapeXML;
export const unescapeXml = ltx.unescapeXML;
export const escapeXmlText = ltx.escapeXMLText;

/** Builds an element: xml('iq', {type:'get'}, xml('ping', {xmlns:'urn:xmpp:ping'})). */
export function xml(
  name: string,
  attrs: Record<string, string | number | undefined> = {},
  ...children: (Element | string)[]
): Element {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) clean[k] = String(v);
  return ltx.createElement(name, clean, ...children);
}

/** The index just past the next `marker` at or after `from`, or the text's end when there is none. */
export function skipPast(text: string, marker: string, from: number): number {
  const at = text.indexOf(marker, from);
  return at < 0 ? text.length : at + marker.length;
}
