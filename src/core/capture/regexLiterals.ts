/**
 * Text a user pattern cannot match without: the literal runs it requires, and groups of plain
 * alternatives such as `(READY|TALKING)` (one of them is required). The filter checks these with
 * the native string search first and runs the linear-time engine (~6 ns a character) only on
 * frames that hold them all, which at 100k frames is a small share. The reading is deliberately
 * conservative: anything it does not fully understand (top-level `|`, inline flags, `\Q…\E`,
 * classes, escapes of letters or digits, quantified parts) requires nothing, so the answer is
 * always the engine's own.
 */

/** Each entry: one of these strings must occur (a single string: that one must). */
export type RequiredText = string[][];

export interface PatternText {
  required: RequiredText;
  /** The pattern is nothing but that text (literals and plain alternatives): finding it is the answer. */
  exact: boolean;
}

const SPECIAL = new Set([...'\\.[](){}|?*+^$']);
const QUANTIFIER = new Set([...'?*+{']);
/** Beyond this many spellings a run of alternatives is split into separate requirements. */
const MAX_SPELLINGS = 64;

const NOTHING: PatternText = { required: [], exact: false };

/** What `source` requires: contiguous literal parts are spelled out whole (`a(b|c)d` → abd or acd). */
export function patternText(source: string): PatternText {
  if (/\(\?(?!:)/.test(source)) return NOTHING; // inline flags, named groups
  if (/\\[QE]/.test(source)) return NOTHING;
  const required: RequiredText = [];
  let exact = true;
  let spellings = [''];
  const end = () => {
    if (spellings.some((x) => x !== '')) required.push(spellings);
    spellings = [''];
  };
  const append = (alts: string[]) => {
    if (spellings.length * alts.length > MAX_SPELLINGS) end();
    spellings = spellings.flatMap((x) => alts.map((a) => x + a));
  };
  const cut = () => {
    exact = false;
    end();
  };
  /** Adds one literal character unless a quantifier makes it optional; returns the next index. */
  const literal = (ch: string, next: number): number => {
    const q = source[next];
    if (q !== undefined && QUANTIFIER.has(q)) {
      // `a+` still needs one `a`, `a?`, `a*`, `a{0,…}` do not: either way the spelling ends here.
      if (q === '+') append([ch]);
      cut();
      return next;
    }
    append([ch]);
    return next;
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '|') return NOTHING; // alternatives at the top: nothing is required of all of them
    if (c === '\\') {
      const e = source[i + 1];
      if (e === undefined || /[0-9A-Za-z]/.test(e)) {
        cut();
        i += 2;
        continue;
      }
      i = literal(e, i + 2);
      continue;
    }
    if (c === '(') {
      const close = groupEnd(source, i);
      if (close < 0) return NOTHING;
      const alts = source.slice(source.startsWith('(?:', i) ? i + 3 : i + 1, close).split('|');
      const next = source[close + 1];
      const plain = alts.every((a) => a !== '' && !hasSpecial(a)) && alts.length <= MAX_SPELLINGS;
      if (plain && (next === undefined || !QUANTIFIER.has(next))) append(alts);
      else if (plain && next === '+') {
        append(alts);
        cut();
      } else cut();
      i = close + 1;
      continue;
    }
    if (c === '[') {
      const close = classEnd(source, i);
      if (close < 0) return NOTHING;
      cut();
      i = close + 1;
      continue;
    }
    if (c === '{') {
      // A repetition's counts are no text; a `{` RE2 would read literally is left alone.
      const rep = /^\{\d+(?:,\d*)?\}/.exec(source.slice(i));
      if (!rep) return NOTHING;
      cut();
      i += rep[0].length;
      continue;
    }
    if (SPECIAL.has(c)) {
      cut();
      i++;
      continue;
    }
    i = literal(c, i + 1);
  }
  end();
  return { required, exact: exact && required.length === 1 };
}

/** The requirements alone (see patternText). */
export function requiredText(source: string): RequiredText {
  return patternText(source).required;
}

function hasSpecial(s: string): boolean {
  for (const c of s) if (SPECIAL.has(c)) return true;
  return false;
}

/** Index of the `)` closing the group opened at `open`, or -1 (escapes and classes honoured). */
function groupEnd(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') {
      i = classEnd(source, i);
      if (i < 0) return -1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Index of the `]` closing the class opened at `open` (a `]` right after `[` or `[^` is literal). */
function classEnd(source: string, open: number): number {
  let i = open + 1;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  for (; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[' && source[i + 1] === ':') {
      const close = source.indexOf(':]', i + 2);
      if (close < 0) return -1;
      i = close + 1;
    } else if (c === ']') return i;
  }
  return -1;
}

const ESCAPE = /[.*+?^${}()|[\]\\/]/g;

/**
 * A native test for the required text (false: the pattern cannot match; when `exact`, its answer
 * is the pattern's), or undefined when nothing is required. Case-insensitive patterns use Unicode case folding, as RE2 does.
 */
export function requiredTextTest(
  source: string,
  flags: string,
): { test: (text: string) => boolean; exact: boolean } | undefined {
  const { required, exact } = patternText(source);
  if (!required.length) return undefined;
  const fold = flags.includes('i');
  // Folded non-ASCII letters would depend on two engines' Unicode tables agreeing: not worth it.
  if (fold && required.some((alts) => alts.some((a) => /[^\x00-\x7f]/.test(a)))) return undefined;
  const tests = required.map((alts) => {
    if (alts.length === 1 && !fold) {
      const s = alts[0];
      return (text: string) => text.includes(s);
    }
    const re = new RegExp(alts.map((a) => a.replace(ESCAPE, '\\$&')).join('|'), fold ? 'iu' : 'u');
    return (text: string) => re.test(text);
  });
  if (tests.length === 1) return { test: tests[0], exact };
  return {
    test: (text) => {
      for (const t of tests) if (!t(text)) return false;
      return true;
    },
    exact,
  };
}
