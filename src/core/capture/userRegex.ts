/**
 * Regular expressions written by the user (filter text, breakpoint `match`, replace rules) run
 * on RE2JS, a linear-time engine: a pattern such as `(a+)+$` that backtracks for minutes in
 * JavaScript's own engine answers at once here, so no user pattern can freeze the extension host
 * or the forwarding path. The price is RE2's syntax: no backreferences and no lookaround; such a
 * pattern is refused with RE2's message, which the filter bar and the rule views show.
 */
import { RE2JS } from 're2js';
import { requiredTextTest } from './regexLiterals';

export interface UserRegex {
  readonly source: string;
  /** True when the pattern is found anywhere in the text. */
  test(text: string): boolean;
  /** Every match replaced; `$1`… insert groups, as in JavaScript's String.replace. */
  replaceAll(text: string, replacement: string): string;
  /** [start, end) of each non-empty match, at most `limit` (search highlights). */
  ranges(text: string, limit?: number): [number, number][];
}

/** JavaScript-style flag letters the engine understands; `g` and `y` mean nothing here. */
const FLAGS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  g: 0,
  y: 0,
  u: 0,
};

/** Compiles a user pattern; throws an Error whose message says what is wrong with it. */
export function compileUserRegex(source: string, flags = ''): UserRegex {
  let mask = 0;
  for (const f of flags) {
    const bit = FLAGS[f];
    if (bit === undefined) throw new Error(`unknown regular expression flag "${f}" (use i, m or s)`);
    mask |= bit;
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(source, mask);
  } catch (err) {
    throw new Error(`invalid regular expression /${source}/: ${(err as Error).message}`);
  }
  // Most texts lack the pattern's literals: the native search says so far faster than the engine.
  const required = requiredTextTest(source, flags);
  return {
    source,
    test: !required
      ? (text) => re.test(text)
      : required.exact
        ? required.test
        : (text) => required.test(text) && re.test(text),
    replaceAll: (text, replacement) => re.matcher(text).replaceAll(replacement),
    ranges: (text, limit = 1000) => {
      const out: [number, number][] = [];
      const m = re.matcher(text);
      while (out.length < limit && m.find()) {
        const start = m.start();
        const end = m.end();
        if (end > start) out.push([start, end]);
      }
      return out;
    },
  };
}
