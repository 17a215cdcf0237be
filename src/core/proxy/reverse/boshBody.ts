/**
 * A BOSH (XEP-0124/0206) `<body>` wrapper split into its parts without re-serialising them:
 * the wrapper's attributes and each child stanza as the exact text that was on the wire, so a
 * BOSH desktop's stanzas are captured byte for byte like a WebSocket desktop's frames.
 */
import { parseXml, skipPast } from '../../xmpp/xml';

export interface BoshBody {
  attrs: Record<string, string>;
  /** The wrapper's start tag as a self-contained element (`<body …/>`), for open/close frames. */
  wrapper: string;
  /** Each child element, exactly as sent. */
  children: string[];
}

export type BoshParse = { ok: true; body: BoshBody } | { ok: false; error: string };

export function parseBoshBody(text: string): BoshParse {
  const parsed = parseXml(text.replace(/^\s*<\?xml[^>]*\?>/, ''));
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const root = parsed.element;
  if (root.name !== 'body') return { ok: false, error: `Expected a BOSH <body> wrapper, got <${root.name}>` };
  const scan = scanChildren(text);
  if (!scan) return { ok: false, error: 'Unreadable BOSH <body> wrapper' };
  return {
    ok: true,
    body: { attrs: { ...root.attrs } as Record<string, string>, wrapper: scan.wrapper, children: scan.children },
  };
}

/**
 * Finds the wrapper's start tag and the top-level child elements by position. Runs only on text
 * that already parsed as one well-formed element, so it just tracks depth through tags,
 * skipping comments, CDATA, processing instructions and quoted attribute values.
 */
function scanChildren(text: string): { wrapper: string; children: string[] } | undefined {
  let i = 0;
  let depth = -1; // -1: before the root; 0: directly inside the wrapper
  let wrapper = '';
  let childStart = -1;
  const children: string[] = [];
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      i = skipPast(text, '-->', lt);
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      i = skipPast(text, ']]>', lt);
      continue;
    }
    if (text.startsWith('<?', lt) || text.startsWith('<!', lt)) {
      i = skipPast(text, '>', lt);
      continue;
    }
    const end = tagEnd(text, lt);
    if (end < 0) return undefined;
    const closing = text[lt + 1] === '/';
    const selfClosing = !closing && text[end - 1] === '/';
    i = end + 1;
    if (depth === -1) {
      const tag = text.slice(lt, end + 1);
      wrapper = selfClosing ? tag : `${tag.slice(0, -1).trimEnd()}/>`;
      if (selfClosing) break;
      depth = 0;
    } else if (closing) {
      if (depth === 0) break; // </body>
      if (--depth === 0) children.push(text.slice(childStart, end + 1));
    } else if (depth === 0) {
      childStart = lt;
      if (selfClosing) children.push(text.slice(lt, end + 1));
      else depth = 1;
    } else if (!selfClosing) depth++;
  }
  return wrapper ? { wrapper, children } : undefined;
}

/** Index of the `>` ending the tag that starts at `lt`, outside quoted attribute values. */
function tagEnd(text: string, lt: number): number {
  let quote = '';
  for (let j = lt + 1; j < text.length; j++) {
    const c = text[j];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j;
  }
  return -1;
}
