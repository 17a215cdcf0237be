/**
 * Shindig's hangman variables: `__UP_name__` (a UserPref the spec declares: its `up_name` value,
 * else its default, HTML-escaped), `__MSG_name__` (the message bundle; a message may itself hold
 * variables, but not further messages), `__MODULE_ID__`, and the `__BIDI_…__` set. An unknown
 * variable is left as written, and the scan moves on one underscore at a time (so
 * `___MODULE_ID__` keeps its first underscore), as Shindig's Substitutions does.
 */

export interface Substitutions {
  /** `UP_name`, `MSG_name`, `MODULE_ID`, `BIDI_DIR`… → replacement. */
  readonly values: ReadonlyMap<string, string>;
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

export interface SubstitutionInput {
  /** UserPrefs the spec declares, with their defaults. */
  userPrefs: readonly { name: string; defaultValue?: string }[];
  /** `up_*` values from the request, without the prefix. */
  prefValues: Readonly<Record<string, string>>;
  messages: Readonly<Record<string, string>>;
  moduleId: string;
  rtl?: boolean;
}

export function substitutions(input: SubstitutionInput): Substitutions {
  const values = new Map<string, string>();
  for (const [name, text] of Object.entries(input.messages)) values.set(`MSG_${name}`, text);
  for (const p of input.userPrefs)
    values.set(`UP_${p.name}`, escapeHtml(input.prefValues[p.name] ?? p.defaultValue ?? ''));
  values.set('MODULE_ID', input.moduleId);
  const rtl = !!input.rtl;
  values.set('BIDI_START_EDGE', rtl ? 'right' : 'left');
  values.set('BIDI_END_EDGE', rtl ? 'left' : 'right');
  values.set('BIDI_DIR', rtl ? 'rtl' : 'ltr');
  values.set('BIDI_REVERSE_DIR', rtl ? 'ltr' : 'rtl');
  return { values };
}

export function substitute(input: string, subs: Substitutions): string {
  return input.includes('__') ? run(input, subs, false) : input;
}

function run(input: string, subs: Substitutions, nested: boolean): string {
  let out = '';
  let last = 0;
  let i: number;
  while ((i = input.indexOf('__', last)) !== -1) {
    const next = input.indexOf('__', i + 2);
    if (next === -1) break;
    out += input.slice(last, i);
    const key = input.slice(i + 2, next);
    const isMessage = key.startsWith('MSG_');
    // Inside a message, a message is kept as written (and consumed), so messages cannot recurse.
    const replacement = isMessage && nested ? `__${key}__` : subs.values.get(key);
    if (replacement === undefined) {
      out += '_';
      last = i + 1;
    } else {
      out += isMessage && !nested ? run(replacement, subs, true) : replacement;
      last = next + 2;
    }
  }
  return out + input.slice(last);
}

/** Names in `__UP_name__` the text uses that no declared UserPref substitutes. */
export function undeclaredPrefs(text: string, subs: Substitutions): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/__UP_([A-Za-z0-9_.-]+?)__/g)) if (!subs.values.has(`UP_${m[1]}`)) names.add(m[1]);
  return [...names];
}
