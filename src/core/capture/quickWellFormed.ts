/**
 * A fast, conservative well-formedness check for `has:error` and `is:malformed` over a whole
 * store: walking the tags of 100k frames with indexOf is ~50× cheaper than parsing them. It
 * answers `true` only when every tag is balanced, names match, no text lies outside the root and
 * every `&` starts one of the five predefined entities (others are left to the real parser); anything it is unsure of (comments, CDATA, processing
 * instructions, quotes it cannot follow) answers `undefined`, and the caller parses for real.
 */

/** Name, then `name="value"` attributes, optional `/`: each repetition starts with a space and a name, so it cannot backtrack. */
const START_TAG = /^[A-Za-z_][\w.:-]*(?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*\/?$/;

export function quickWellFormed(raw: string): boolean | undefined {
  let i = skipSpace(raw, 0);
  let end = raw.length;
  while (end > i && isSpace(raw.charCodeAt(end - 1))) end--;
  if (i >= end || raw.charCodeAt(i) !== 60 /* < */ || raw.charCodeAt(end - 1) !== 62 /* > */) return undefined;
  if (!entitiesKnown(raw)) return undefined;
  const open: string[] = [];
  let closedRoot = false;
  while (i < end) {
    const lt = raw.indexOf('<', i);
    if (lt < 0 || lt >= end) return undefined; // text after the last tag
    if (lt > i && (open.length === 0 || closedRoot)) return undefined; // text outside the root
    if (closedRoot) return undefined; // a second root
    const next = raw.charCodeAt(lt + 1);
    if (next === 33 /* ! */ || next === 63 /* ? */) return undefined;
    const gt = raw.indexOf('>', lt + 1);
    if (gt < 0) return undefined;
    if (next === 47 /* / */) {
      const name = raw.slice(lt + 2, gt).trimEnd();
      if (open.pop() !== name) return undefined;
    } else {
      const tag = raw.slice(lt + 1, gt);
      // A `>` inside a quoted value ends the slice early; the pattern then fails and we defer.
      if (!START_TAG.test(tag)) return undefined;
      let n = 0;
      while (n < tag.length && !isSpace(tag.charCodeAt(n)) && tag.charCodeAt(n) !== 47) n++;
      const name = tag.slice(0, n);
      if (tag.charCodeAt(tag.length - 1) !== 47) open.push(name);
      else if (open.length === 0) closedRoot = true;
    }
    if (open.length === 0) closedRoot = true;
    i = gt + 1;
  }
  return open.length === 0 && closedRoot ? true : undefined;
}

function entitiesKnown(raw: string): boolean {
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
