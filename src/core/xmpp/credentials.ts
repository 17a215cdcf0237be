/**
 * Where credentials live in a frame's text, found by reading its XML structure rather than one
 * spelling of it: a SASL <auth> is the same element whether its end tag is `</auth>`,
 * `</auth >` or `</auth\n>`, its payload plain text, CDATA or split by comments, its namespace
 * declared on it or inherited, its name prefixed or not. A single linear pass (no backtracking:
 * the text is untrusted) tracks tags, quoted attribute values, comments, CDATA sections,
 * processing instructions and namespace declarations, and reports the content range of every
 * credential element:
 *  - <auth> (SASL and legacy), <initial-response> (SASL2), <password> (XEP-0077, XEP-0078);
 *  - <response> in a SASL namespace only (elsewhere it is a common word).
 * Malformed text errs on the side of hiding: a credential element never closed is hidden up to
 * the frame's end, and a credential start tag never finished (`<auth mechanism="PLAIN" AGFn…`)
 * from its name on, to the element's end tag or the frame's end.
 */
import { SASL_NS } from './namespaces';

const CREDENTIAL_NAMES = new Set(['auth', 'initial-response', 'password']);
const SASL_ONLY_NAMES = new Set(['response']);
/** Any frame holding a credential element contains one of these (names cannot be escaped). */
const NAME_HINT = /auth|response|password/;

export interface Range {
  start: number;
  end: number;
}

interface Open {
  name: string;
  ns: Map<string, string>;
}

export function credentialRanges(raw: string): Range[] {
  if (!NAME_HINT.test(raw)) return [];
  const ranges: Range[] = [];
  const stack: Open[] = [];
  let secretDepth = -1; // stack length at which the current credential element opened
  let secretStart = 0;
  let pos = 0;
  const len = raw.length;
  while (pos < len) {
    const lt = raw.indexOf('<', pos);
    if (lt < 0) break;
    const skipTo = (close: string, from: number) => {
      const end = raw.indexOf(close, from);
      return end < 0 ? len : end + close.length;
    };
    if (raw.startsWith('<!--', lt)) {
      pos = skipTo('-->', lt + 4);
      continue;
    }
    if (raw.startsWith('<![CDATA[', lt)) {
      pos = skipTo(']]>', lt + 9);
      continue;
    }
    if (raw.startsWith('<?', lt)) {
      pos = skipTo('?>', lt + 2);
      continue;
    }
    if (raw.startsWith('<!', lt)) {
      pos = skipTo('>', lt + 2);
      continue;
    }
    if (raw[lt + 1] === '/') {
      const gt = raw.indexOf('>', lt + 2);
      const next = raw.indexOf('<', lt + 2);
      if (gt < 0 || (next >= 0 && next < gt)) {
        pos = next < 0 ? len : next;
        continue;
      }
      const name = raw.slice(lt + 2, gt).trim();
      // Pop to the matching open element; an end tag matching nothing is ignored.
      let i = stack.length - 1;
      while (i >= 0 && stack[i].name !== name) i--;
      if (i >= 0) {
        stack.length = i;
        if (secretDepth >= 0 && stack.length < secretDepth) {
          ranges.push({ start: secretStart, end: lt });
          secretDepth = -1;
        }
      }
      pos = gt + 1;
      continue;
    }
    const tag = readStartTag(raw, lt);
    const parent = stack.length ? stack[stack.length - 1].ns : new Map<string, string>();
    if (!tag.complete) {
      // An unfinished start tag of a credential: hidden from its name on, as if the element
      // had opened there (to its end tag, or the frame's end).
      if (secretDepth < 0 && isCredential(tag.name, resolveNs(tag.name, parent, tag.attrs))) {
        stack.push({ name: tag.name, ns: parent });
        secretDepth = stack.length;
        secretStart = lt + 1 + tag.name.length;
      }
      pos = tag.end;
      continue;
    }
    pos = tag.end;
    if (tag.selfClosing || !tag.name) continue;
    const ns = scopeOf(parent, tag.attrs);
    stack.push({ name: tag.name, ns });
    if (secretDepth < 0 && isCredential(tag.name, resolveNs(tag.name, ns, tag.attrs))) {
      secretDepth = stack.length;
      secretStart = tag.end;
    }
  }
  // A credential element never closed: hidden to the end of the frame.
  if (secretDepth >= 0) ranges.push({ start: secretStart, end: len });
  return ranges.filter((r) => carriesSecret(raw.slice(r.start, r.end)));
}

/** Empty and "=" (RFC 6120 §6.4.2: an empty response) carry nothing secret. */
function carriesSecret(content: string): boolean {
  const t = content.trim();
  return t !== '' && t !== '=';
}

/** A credential element by (qualified or local) name and namespace. */
export function isCredential(qname: string, ns: string | undefined): boolean {
  const local = qname.slice(qname.indexOf(':') + 1);
  if (CREDENTIAL_NAMES.has(local)) return true;
  return SASL_ONLY_NAMES.has(local) && ns !== undefined && (ns === SASL_NS || ns.startsWith('urn:xmpp:sasl:'));
}

function scopeOf(parent: Map<string, string>, attrs: [string, string][]): Map<string, string> {
  let scope = parent;
  for (const [k, v] of attrs) {
    if (k !== 'xmlns' && !k.startsWith('xmlns:')) continue;
    if (scope === parent) scope = new Map(parent);
    scope.set(k === 'xmlns' ? '' : k.slice(6), v);
  }
  return scope;
}

function resolveNs(qname: string, scope: Map<string, string>, attrs: [string, string][]): string | undefined {
  const colon = qname.indexOf(':');
  const prefix = colon < 0 ? '' : qname.slice(0, colon);
  const own = attrs.find(([k]) => k === (prefix ? `xmlns:${prefix}` : 'xmlns'));
  return own ? own[1] : scope.get(prefix);
}

interface StartTag {
  name: string;
  attrs: [string, string][];
  selfClosing: boolean;
  /** False when the frame ends, or a '<' comes, before the tag's '>'. */
  complete: boolean;
  /** Where scanning goes on: after '>' when complete, else at the next '<' (or the end). */
  end: number;
}

const NAME_END = /[\s/>=<"']/;

function readStartTag(raw: string, lt: number): StartTag {
  const len = raw.length;
  let i = lt + 1;
  while (i < len && !NAME_END.test(raw[i])) i++;
  const name = raw.slice(lt + 1, i);
  const attrs: [string, string][] = [];
  let attrName = '';
  for (;;) {
    if (i >= len) return { name, attrs, selfClosing: false, complete: false, end: len };
    const c = raw[i];
    if (c === '>') return { name, attrs, selfClosing: raw[i - 1] === '/', complete: true, end: i + 1 };
    if (c === '<') return { name, attrs, selfClosing: false, complete: false, end: i };
    if (c === '"' || c === "'") {
      const close = raw.indexOf(c, i + 1);
      if (close < 0) {
        const next = raw.indexOf('<', i + 1);
        return { name, attrs, selfClosing: false, complete: false, end: next < 0 ? len : next };
      }
      if (attrName) attrs.push([attrName, unescapeAttr(raw.slice(i + 1, close))]);
      attrName = '';
      i = close + 1;
      continue;
    }
    if (/[\s=/]/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    while (i < len && !NAME_END.test(raw[i])) i++;
    attrName = raw.slice(start, i);
  }
}

function unescapeAttr(v: string): string {
  return v.includes('&')
    ? v.replace(
        /&(lt|gt|amp|quot|apos);/g,
        (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e] as string,
      )
    : v;
}
