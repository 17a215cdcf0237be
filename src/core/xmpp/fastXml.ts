/**
 * A fast path for parseXml (xml.ts): one pass over the plain subset of XML that XMPP and Finesse
 * frames use — elements, quoted attributes, text, the five named entities — building the same
 * ltx Elements ltx's own parser would. Anything outside that subset (comments, CDATA, processing
 * instructions, numeric character references, unusual names, any error) returns undefined, and
 * the caller parses with ltx and its checks as before; so this path only ever answers for
 * frames ltx accepts, with the same tree, and every error message still comes from ltx.
 *
 * Why: the CLI prints a JSON line per frame and parses each Finesse event twice (the stanza, then
 * the escaped <Update> inside it); ltx's event-emitting SAX loop was the largest part of that.
 */
import { Element } from 'ltx';

// Names as XMPP and Finesse write them (ASCII); anything else goes to ltx.
const NAME = /[A-Za-z_:][\w.:-]*/y;
const SPACE = /[ \t\r\n]*/y;

/** The five named entities; undefined for anything else (ltx then decides). */
export function decodeEntities(s: string, from: number, to: number): string | undefined {
  let amp = s.indexOf('&', from);
  if (amp < 0 || amp >= to) return s.slice(from, to);
  let out = '';
  let pos = from;
  while (amp >= 0 && amp < to) {
    out += s.slice(pos, amp);
    const c = s.charCodeAt(amp + 1);
    if (c === 108 /* l */ && s.startsWith('lt;', amp + 1)) {
      out += '<';
      pos = amp + 4;
    } else if (c === 103 /* g */ && s.startsWith('gt;', amp + 1)) {
      out += '>';
      pos = amp + 4;
    } else if (c === 97 /* a */ && s.startsWith('amp;', amp + 1)) {
      out += '&';
      pos = amp + 5;
    } else if (c === 113 /* q */ && s.startsWith('quot;', amp + 1)) {
      out += '"';
      pos = amp + 6;
    } else if (c === 97 /* a */ && s.startsWith('apos;', amp + 1)) {
      out += "'";
      pos = amp + 6;
    } else return undefined;
    if (pos > to) return undefined;
    amp = s.indexOf('&', pos);
  }
  return out + s.slice(pos, to);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** The root element of `raw`, or undefined when ltx must decide. */
export function parseSimpleXml(raw: string): Element | undefined {
  const len = raw.length;
  SPACE.lastIndex = 0;
  SPACE.test(raw);
  let pos = SPACE.lastIndex;
  let el: Element | undefined;
  let root: Element | undefined;
  while (pos < len) {
    if (raw.charCodeAt(pos) !== 60 /* < */) {
      // Text: inside an element only (whitespace after the root is checked below).
      if (!el) break;
      const lt = raw.indexOf('<', pos);
      if (lt < 0) return undefined;
      const text = decodeEntities(raw, pos, lt);
      if (text === undefined) return undefined;
      el.t(text);
      pos = lt;
      continue;
    }
    if (raw.charCodeAt(pos + 1) === 47 /* / */) {
      if (!el) return undefined;
      NAME.lastIndex = pos + 2;
      if (!NAME.test(raw)) return undefined;
      const name = raw.slice(pos + 2, NAME.lastIndex);
      if (name !== el.name) return undefined;
      SPACE.lastIndex = NAME.lastIndex;
      SPACE.test(raw);
      if (raw.charCodeAt(SPACE.lastIndex) !== 62 /* > */) return undefined;
      pos = SPACE.lastIndex + 1;
      if (el.parent) el = el.parent;
      else {
        root = el;
        break;
      }
      continue;
    }
    NAME.lastIndex = pos + 1;
    if (!NAME.test(raw)) return undefined;
    const name = raw.slice(pos + 1, NAME.lastIndex);
    pos = NAME.lastIndex;
    const attrs: Record<string, string> = {};
    let selfClosing = false;
    for (;;) {
      const at = pos;
      SPACE.lastIndex = pos;
      SPACE.test(raw);
      pos = SPACE.lastIndex;
      const c = raw.charCodeAt(pos);
      if (c === 62 /* > */) {
        pos++;
        break;
      }
      if (c === 47 /* / */ && raw.charCodeAt(pos + 1) === 62) {
        selfClosing = true;
        pos += 2;
        break;
      }
      // An attribute needs space before it.
      if (pos === at) return undefined;
      NAME.lastIndex = pos;
      if (!NAME.test(raw)) return undefined;
      const attr = raw.slice(pos, NAME.lastIndex);
      SPACE.lastIndex = NAME.lastIndex;
      SPACE.test(raw);
      pos = SPACE.lastIndex;
      if (raw.charCodeAt(pos) !== 61 /* = */) return undefined;
      SPACE.lastIndex = pos + 1;
      SPACE.test(raw);
      pos = SPACE.lastIndex;
      const q = raw.charCodeAt(pos);
      if (q !== 34 && q !== 39) return undefined;
      const end = raw.indexOf(q === 34 ? '"' : "'", pos + 1);
      if (end < 0) return undefined;
      // ltx would read a raw '<' in a value, XML would not: such a frame is left to ltx.
      const lt = raw.indexOf('<', pos + 1);
      if (lt >= 0 && lt < end) return undefined;
      const value = decodeEntities(raw, pos + 1, end);
      if (value === undefined) return undefined;
      attrs[attr] = value;
      pos = end + 1;
    }
    const child = new Element(name, attrs);
    if (el) {
      // What ltx's cnode does, which its typings here leave out.
      el.children.push(child);
      child.parent = el;
    }
    if (!selfClosing) el = child;
    else if (!el) {
      root = child;
      break;
    }
  }
  if (!root) return undefined;
  for (; pos < len; pos++) if (!isSpace(raw.charCodeAt(pos))) return undefined;
  return root;
}
