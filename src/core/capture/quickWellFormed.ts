/**
 * A fast, conservative well-formedness check for `has:error` and `is:malformed` over a whole
 * store: walking the tags of 100k frames with indexOf is ~50× cheaper than parsing them. It
 * answers `true` only when every tag is balanced, names match, no text lies outside the root and
 * every `&` starts one of the five predefined entities (others are left to the real parser);
 * anything it is unsure of (comments, CDATA, processing instructions, character references, at
 * either level of escaping, and quotes it cannot follow) answers `undefined`, and the caller
 * parses for real.
 */

/**
 * A start tag's inside and its `>`, read in place from just after the `<` (sticky: no slice per
 * tag). Name, then `name="value"` attributes, optional `/`: each repetition starts with a space
 * and a name, so it cannot backtrack. A value holding `>` makes the match end past the first `>`,
 * which the caller takes as "not sure".
 */
const START_TAG = /[A-Za-z_][\w.:-]*(?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*\/?>/y;

/** Open elements' names as [start, length] in the text: compared in place, never sliced. */
let nameAt = new Int32Array(64);
let nameLength = new Int32Array(64);

export function quickWellFormed(raw: string): boolean | undefined {
  let i = skipSpace(raw, 0);
  let end = raw.length;
  while (end > i && isSpace(raw.charCodeAt(end - 1))) end--;
  if (i >= end || raw.charCodeAt(i) !== 60 /* < */ || raw.charCodeAt(end - 1) !== 62 /* > */) return undefined;
  if (!entitiesKnown(raw)) return undefined;
  let depth = 0;
  let closedRoot = false;
  while (i < end) {
    const lt = raw.indexOf('<', i);
    if (lt < 0 || lt >= end) return undefined; // text after the last tag
    if (lt > i && (depth === 0 || closedRoot)) return undefined; // text outside the root
    if (closedRoot) return undefined; // a second root
    const next = raw.charCodeAt(lt + 1);
    if (next === 33 /* ! */ || next === 63 /* ? */) return undefined;
    const gt = raw.indexOf('>', lt + 1);
    if (gt < 0) return undefined;
    if (next === 47 /* / */) {
      if (depth === 0 || !closes(raw, lt + 2, gt, nameAt[depth - 1], nameLength[depth - 1])) return undefined;
      depth--;
    } else {
      START_TAG.lastIndex = lt + 1;
      if (!START_TAG.test(raw) || START_TAG.lastIndex !== gt + 1) return undefined;
      if (raw.charCodeAt(gt - 1) !== 47 /* / */) {
        let n = lt + 2;
        while (n < gt && isNameChar(raw.charCodeAt(n))) n++;
        if (depth === nameAt.length) grow();
        nameAt[depth] = lt + 1;
        nameLength[depth] = n - lt - 1;
        depth++;
      } else if (depth === 0) closedRoot = true;
    }
    if (depth === 0) closedRoot = true;
    i = gt + 1;
  }
  return depth === 0 && closedRoot ? true : undefined;
}

/** `</…>` from `from` to `gt` names the element opened at [at, at+length), then only spaces. */
function closes(raw: string, from: number, gt: number, at: number, length: number): boolean {
  if (gt - from < length) return false;
  for (let k = 0; k < length; k++) if (raw.charCodeAt(from + k) !== raw.charCodeAt(at + k)) return false;
  for (let k = from + length; k < gt; k++) if (!isSpace(raw.charCodeAt(k))) return false;
  return true;
}

function grow(): void {
  const at = new Int32Array(nameAt.length * 2);
  const length = new Int32Array(nameAt.length * 2);
  at.set(nameAt);
  length.set(nameLength);
  nameAt = at;
  nameLength = length;
}

/** [A-Za-z0-9_.:-], the rest of a name as START_TAG reads it. */
function isNameChar(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x30 && c <= 0x3a) ||
    c === 0x5f ||
    c === 0x2e ||
    c === 0x2d
  );
}

/**
 * Every `&` starts one of the five predefined entities, and none of them escapes markup that
 * hides elements one level down (`&lt;!` comments and CDATA, `&lt;?` instructions, `&amp;#`
 * character references inside an escaped Update): the keys that read an Update from the text
 * rely on a frame vouched for here having none. Up to PATTERN_LIMIT characters, one
 * pattern over the whole text: the engine runs `[^&]*` natively between entities, ~25% cheaper
 * than stopping at each `&` in a loop (an Update escaped into a notification holds a hundred of
 * them); its two alternatives start differently, so a text that fails is rejected in linear time.
 * Longer texts take the loop: the pattern keeps a backtrack entry per entity, and millions of
 * them overflow the engine's stack.
 */
const KNOWN_ENTITIES = /^[^&]*(?:&(?:lt;(?![!?])|gt;|amp;(?!#)|quot;|apos;)[^&]*)*$/;
const PATTERN_LIMIT = 256 * 1024;
function entitiesKnown(raw: string): boolean {
  if (raw.length <= PATTERN_LIMIT) return KNOWN_ENTITIES.test(raw);
  let amp = raw.indexOf('&');
  while (amp >= 0) {
    const c = raw.charCodeAt(amp + 1);
    let len: number;
    if ((c === 108 /* l */ || c === 103) /* g */ && raw.charCodeAt(amp + 2) === 116 /* t */) len = 3;
    else if (c === 97 /* a */ && raw.charCodeAt(amp + 2) === 109 /* m */ && raw.charCodeAt(amp + 3) === 112 /* p */)
      len = 4;
    else if (raw.startsWith('quot;', amp + 1) || raw.startsWith('apos;', amp + 1)) len = 5;
    else return false;
    if (raw.charCodeAt(amp + len) !== 59 /* ; */) return false;
    // `&lt;!`, `&lt;?` and `&amp;#`: markup hidden one level down, as in the pattern.
    const after = raw.charCodeAt(amp + len + 1);
    if (len === 3 && c === 108 && (after === 33 || after === 63)) return false;
    if (len === 4 && after === 35) return false;
    amp = raw.indexOf('&', amp + len);
  }
  return true;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}
