/**
 * Finds the Finesse <Update> documents inside a stanza so they can be validated as documents of
 * their own, with positions mapped back into the stanza text:
 * - escaped (as Finesse sends it): the text of <notification> is unescaped with a map from each
 *   decoded character to its offset in the stanza, so `&lt;event&gt;FOO` points at FOO exactly;
 * - inline (the held-frame editor shows it so, and some gadgets send it so): the <Update>
 *   element's own text, cut out of the stanza.
 */
import { PUBSUB_EVENT_NS } from '../finesse/update';
import { PUBSUB_NS } from './rules';
import { walk, XElement } from './tree';

export interface EmbeddedUpdate {
  /** The Update document's text. */
  text: string;
  /** Offset in `text` → offset in the stanza text. */
  toOuter(offset: number): number;
  /** The pubsub node the item was published on. */
  node?: string;
  /** Where it sat: the <notification> (escaped) or the <Update> (inline). */
  host: XElement;
  escaped: boolean;
}

export function embeddedUpdates(root: XElement, text: string): EmbeddedUpdate[] {
  const out: EmbeddedUpdate[] = [];
  for (const el of walk(root)) {
    if (el.local !== 'notification' || el.ns !== PUBSUB_NS) continue;
    const items = el.parent?.parent;
    const node = items && items.local === 'items' && items.ns === PUBSUB_EVENT_NS ? items.attrs.node : undefined;
    const inline = el.children.find((c) => c.local.toLowerCase() === 'update');
    if (inline) {
      const start = inline.span.start;
      const end = inline.span.close?.end ?? inline.span.end;
      out.push({ text: text.slice(start, end), toOuter: (o) => start + o, node, host: inline, escaped: false });
      continue;
    }
    const close = el.span.close;
    if (!close) continue;
    const decoded = unescapeWithMap(text, el.span.end, close.start);
    if (!decoded.text.trim()) continue;
    out.push({
      text: decoded.text,
      toOuter: (o) => decoded.map[Math.max(0, Math.min(o, decoded.map.length - 1))],
      node,
      host: el,
      escaped: true,
    });
  }
  return out;
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Decodes character data (entities, character references, CDATA sections; comments dropped)
 * between two offsets. map[i] is the source offset of decoded char i; map[text.length] = end.
 */
export function unescapeWithMap(source: string, start: number, end: number): { text: string; map: number[] } {
  let text = '';
  const map: number[] = [];
  let i = start;
  while (i < end) {
    const c = source[i];
    if (c === '&') {
      const semi = source.indexOf(';', i);
      if (semi > i && semi < end) {
        const ref = source.slice(i + 1, semi);
        let value: string | undefined;
        if (ref.startsWith('#x') || ref.startsWith('#X')) value = safeCodePoint(parseInt(ref.slice(2), 16));
        else if (ref.startsWith('#')) value = safeCodePoint(parseInt(ref.slice(1), 10));
        else value = NAMED[ref];
        if (value !== undefined) {
          for (let k = 0; k < value.length; k++) {
            text += value[k];
            map.push(i);
          }
          i = semi + 1;
          continue;
        }
      }
    } else if (source.startsWith('<![CDATA[', i)) {
      const stop = source.indexOf(']]>', i);
      const cdataEnd = stop < 0 || stop > end ? end : stop;
      for (let k = i + 9; k < cdataEnd; k++) {
        text += source[k];
        map.push(k);
      }
      i = cdataEnd + 3;
      continue;
    } else if (source.startsWith('<!--', i)) {
      const stop = source.indexOf('-->', i);
      i = stop < 0 ? end : stop + 3;
      continue;
    }
    text += c;
    map.push(i);
    i++;
  }
  map.push(end);
  return { text, map };
}

function safeCodePoint(n: number): string | undefined {
  return Number.isFinite(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined;
}
