/**
 * The frames filter language (filter bar of the panel, `--filter` of tools). A query is a list of
 * terms, all of which must match (AND); `-` in front of a term negates it:
 *
 *   agent1                 substring of the raw text, case-insensitive
 *   "presence type"        a quoted phrase, same
 *   /state&gt;(READY|WORK)/i  a regular expression over the raw text
 *   dir:in  dir:out        direction (in = server → client)
 *   kind:stanza|open       frame kind; `|` or `,` separate alternatives in any key
 *   node:User/agent1       Finesse/pubsub node contains the text (/finesse/api/ may be left out)
 *   state:READY            state of the decoded Finesse Update (user, dialog, error type)
 *   event:PUT              event of the decoded Finesse Update (POST, PUT, DELETE)
 *   has:error|update|original   parse error / error stanza / apiErrors; a Finesse Update; edited text
 *   is:ping|held|edited|injected|dropped|replayed|malformed|afterClose
 *   session:ID             capture session id contains the text
 *   -ping                  hide WebSocket pings/pongs, whitespace keepalives, XEP-0199 pings and their
 *                          results (shorthand for -is:ping; "ping" in quotes searches the text)
 *
 * Everything is decided from the raw text first, cheaply; only terms about the decoded Update
 * (state:, event:, has:update) and has:error parse, and only frames that passed the cheap tests,
 * through the cached frameView(). A regex over 100k raw strings stays well under 100 ms.
 */
import type { Direction, Frame, FrameFlags, FrameKind } from './frame';
import { frameView } from './frameView';
import { unescapeXml } from '../xmpp/xml';

export const FRAME_KINDS: readonly FrameKind[] = ['open', 'close', 'stanza', 'text', 'binary', 'ping', 'pong', 'closeframe'];
const FLAG_NAMES = ['held', 'edited', 'injected', 'dropped', 'replayed', 'malformed', 'afterClose'] as const satisfies readonly (keyof FrameFlags)[];
const IS_VALUES = ['ping', ...FLAG_NAMES] as const;
const HAS_VALUES = ['error', 'update', 'original'] as const;
export const FILTER_KEYS = ['dir', 'kind', 'node', 'state', 'event', 'has', 'is', 'session'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

/** What the filter bar sends: the query text plus the quick controls next to it. */
export interface FilterSpec {
  text: string;
  dir?: Direction;
  kind?: FrameKind;
  /** Same as `-ping` in the text. */
  hidePings?: boolean;
}

/**
 * A frame predicate. `matcher()` returns a fresh stateful test for one pass over the frames in
 * store order (the `-ping` term remembers ping ids to hide their results too).
 */
export interface CompiledFilter {
  /** No term at all: every frame matches (the index then maps rows to ids directly). */
  readonly matchesAll: boolean;
  /** Some term may parse frames (slow the first time over a large store). */
  readonly parses: boolean;
  matcher(): (frame: Frame) => boolean;
}

export type CompileResult = { ok: true; filter: CompiledFilter } | { ok: false; error: string };

export class FilterSyntaxError extends Error {}

/** One term's test; `ctx` carries per-pass state. */
type Test = (frame: Frame, ctx: PassContext) => boolean;
interface PassContext {
  /** `session id` of XEP-0199 ping requests seen so far, to recognise their empty results. */
  pingIds: Set<string>;
}

interface Term {
  test: Test;
  parses: boolean;
}

export function compileFilter(spec: FilterSpec | string): CompileResult {
  const s: FilterSpec = typeof spec === 'string' ? { text: spec } : spec;
  let terms: Term[];
  try {
    terms = parseTerms(s.text ?? '');
  } catch (e) {
    if (e instanceof FilterSyntaxError) return { ok: false, error: e.message };
    throw e;
  }
  if (s.dir) terms.unshift(termFor('dir', s.dir));
  if (s.kind) terms.unshift(termFor('kind', s.kind));
  if (s.hidePings) terms.unshift(negate(keyTerm('is', 'ping')));
  // Cheap terms first, so parsing terms only see frames that passed them.
  terms.sort((a, b) => Number(a.parses) - Number(b.parses));
  const tests = terms.map((t) => t.test);
  const filter: CompiledFilter = {
    matchesAll: tests.length === 0,
    parses: terms.some((t) => t.parses),
    matcher() {
      const ctx: PassContext = { pingIds: new Set() };
      if (tests.length === 1) {
        const only = tests[0];
        return (f) => only(f, ctx);
      }
      return (f) => {
        for (const test of tests) if (!test(f, ctx)) return false;
        return true;
      };
    },
  };
  return { ok: true, filter };
}

/** Throws FilterSyntaxError with a message meant for the filter bar. */
export function parseTerms(text: string): Term[] {
  const terms: Term[] = [];
  for (const token of tokenize(text)) {
    let term: Term;
    if (token.kind === 'regex') term = regexTerm(token.source, token.flags);
    else if (token.kind === 'phrase') term = textTerm(token.text);
    else term = wordTerm(token.text);
    terms.push(token.negated ? negate(term) : term);
  }
  return terms;
}

type Token =
  | { kind: 'word'; text: string; negated: boolean }
  | { kind: 'phrase'; text: string; negated: boolean }
  | { kind: 'regex'; source: string; flags: string; negated: boolean };

/** Splits on whitespace, keeping "quoted phrases" and /regular expressions/flags whole. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    let negated = false;
    if (text[i] === '-' && i + 1 < text.length && !/\s/.test(text[i + 1])) {
      negated = true;
      i++;
    }
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new FilterSyntaxError(`Unclosed quote at ${i + 1}`);
      tokens.push({ kind: 'phrase', text: text.slice(i + 1, end), negated });
      i = end + 1;
    } else if (text[i] === '/') {
      const end = regexEnd(text, i);
      if (end < 0) throw new FilterSyntaxError(`Unclosed /regular expression/ at ${i + 1}`);
      let j = end + 1;
      while (j < text.length && /[a-z]/i.test(text[j])) j++;
      tokens.push({ kind: 'regex', source: text.slice(i + 1, end), flags: text.slice(end + 1, j), negated });
      i = j;
    } else {
      let j = i;
      while (j < text.length && !/\s/.test(text[j])) j++;
      tokens.push({ kind: 'word', text: text.slice(i, j), negated });
      i = j;
    }
  }
  return tokens;
}

/** Index of the `/` closing a regex literal starting at `start`, honouring `\/` and `[/]`. */
function regexEnd(text: string, start: number): number {
  let inClass = false;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) return i;
  }
  return -1;
}

function wordTerm(word: string): Term {
  // `ping` / `-ping` are the documented shorthand for `is:ping` / `-is:ping`; "ping" is the text.
  if (word.toLowerCase() === 'ping') return keyTerm('is', 'ping');
  const colon = word.indexOf(':');
  if (colon > 0) {
    const key = word.slice(0, colon).toLowerCase();
    if ((FILTER_KEYS as readonly string[]).includes(key)) {
      const value = word.slice(colon + 1);
      if (!value) throw new FilterSyntaxError(`${key}: needs a value`);
      return termFor(key as FilterKey, value);
    }
  }
  return textTerm(word);
}

/** Builds the term for `key:v1|v2` (alternatives are ORed). */
function termFor(key: FilterKey, value: string): Term {
  const values = value
    .split(/[|,]/)
    .map((v) => v.trim())
    .filter(Boolean);
  if (!values.length) throw new FilterSyntaxError(`${key}: needs a value`);
  const alternatives = values.map((v) => keyTerm(key, v));
  if (alternatives.length === 1) return alternatives[0];
  return {
    parses: alternatives.some((a) => a.parses),
    test: (f, ctx) => alternatives.some((a) => a.test(f, ctx)),
  };
}

function keyTerm(key: FilterKey, value: string): Term {
  const lower = value.toLowerCase();
  switch (key) {
    case 'dir': {
      if (lower !== 'in' && lower !== 'out') throw new FilterSyntaxError(`dir: expects in or out, not "${value}"`);
      return cheap((f) => f.dir === lower);
    }
    case 'kind': {
      if (!(FRAME_KINDS as readonly string[]).includes(lower)) throw new FilterSyntaxError(`kind: expects one of ${FRAME_KINDS.join(', ')}; not "${value}"`);
      return cheap((f) => f.kind === lower);
    }
    case 'session': {
      return cheap((f) => f.session.toLowerCase().includes(lower));
    }
    case 'node': {
      // `User/agent1` and `/finesse/api/User/agent1` both work: compare without the api prefix.
      const want = lower.replace(/^\/?finesse\/api\//, '').replace(/^\//, '');
      return cheap((f) => {
        const node = frameNode(f.raw);
        return node !== undefined && node.toLowerCase().includes(want);
      });
    }
    case 'state': {
      const has = substring(value);
      return parsing((f) => has(f.raw) && frameView(f).finesse?.state?.toLowerCase() === lower);
    }
    case 'event': {
      const up = value.toUpperCase();
      if (up !== 'POST' && up !== 'PUT' && up !== 'DELETE') throw new FilterSyntaxError(`event: expects POST, PUT or DELETE, not "${value}"`);
      const has = substring(up);
      return parsing((f) => isUpdateCandidate(f.raw) && has(f.raw) && frameView(f).finesse?.event === up);
    }
    case 'has': {
      if (lower === 'error') return parsing(hasError);
      if (lower === 'update') return parsing((f) => isUpdateCandidate(f.raw) && frameView(f).finesse !== undefined);
      if (lower === 'original') return cheap((f) => f.original !== undefined);
      throw new FilterSyntaxError(`has: expects one of ${HAS_VALUES.join(', ')}; not "${value}"`);
    }
    case 'is': {
      if (lower === 'ping') return { parses: false, test: isPing };
      // Flag names are matched in any case (is:afterclose = is:afterClose).
      const flag = FLAG_NAMES.find((n) => n.toLowerCase() === lower);
      if (flag) {
        if (flag === 'malformed') return parsing((f) => !!f.flags.malformed || frameView(f).error !== undefined);
        return cheap((f) => !!f.flags[flag]);
      }
      throw new FilterSyntaxError(`is: expects one of ${IS_VALUES.join(', ')}; not "${value}"`);
    }
  }
}

function cheap(test: (f: Frame) => boolean): Term {
  return { parses: false, test };
}
function parsing(test: (f: Frame) => boolean): Term {
  return { parses: true, test };
}

function negate(term: Term): Term {
  return { parses: term.parses, test: (f, ctx) => !term.test(f, ctx) };
}

const REGEX_SPECIALS = /[.*+?^${}()|[\]\\]/g;

/** Case-insensitive substring test; a case-insensitive regex is faster than lowercasing 100k strings. */
function substring(text: string): (raw: string) => boolean {
  const re = new RegExp(text.replace(REGEX_SPECIALS, '\\$&'), 'i');
  return (raw) => re.test(raw);
}

function textTerm(text: string): Term {
  const has = substring(text);
  return cheap((f) => has(f.raw));
}

function regexTerm(source: string, flags: string): Term {
  let re: RegExp;
  try {
    // g/y would make test() stateful (lastIndex) and skip matches.
    re = new RegExp(source, flags.replace(/[gy]/g, ''));
  } catch (e) {
    throw new FilterSyntaxError(`Invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
  return cheap((f) => re.test(f.raw));
}

const NODE_ATTR = /\bnode=(?:"([^"]*)"|'([^']*)')/;

/** The pubsub node a frame is about (event items, subscribe, publish…), read without parsing. */
export function frameNode(raw: string): string | undefined {
  const m = NODE_ATTR.exec(raw);
  if (!m) return undefined;
  const node = m[1] ?? m[2];
  return node.includes('&') ? unescapeXml(node) : node;
}

/** Could carry a Finesse Update (escaped or inline); frames without it need no parse. */
const UPDATE_MARK = /(?:&lt;|<)update\b/i;
function isUpdateCandidate(raw: string): boolean {
  return UPDATE_MARK.test(raw);
}

const ERROR_MARK = /\btype=["']error["']|apiErrors|<stream:error\b/i;
function hasError(f: Frame): boolean {
  if (f.flags.malformed) return true;
  if (f.kind === 'text') return f.raw.trim() !== '';
  if (f.kind !== 'stanza' && f.kind !== 'open' && f.kind !== 'close') return false;
  if (ERROR_MARK.test(f.raw)) return true;
  return frameView(f).error !== undefined;
}

const PING_IQ = /^\s*<iq\b[^>]*>\s*<ping\b[^>]*urn:xmpp:ping/;
const EMPTY_RESULT_IQ = /^\s*<iq\b([^>]*?)\/>\s*$|^\s*<iq\b([^>]*)>\s*<\/iq>\s*$/;
const ID_ATTR = /\bid=(?:"([^"]*)"|'([^']*)')/;
const RESULT_TYPE = /\btype=["']result["']/;

/**
 * Keepalive traffic: WebSocket ping/pong, whitespace text frames, XEP-0199 <ping/> iqs and the
 * empty result answering one (matched by session and id within the pass, in store order).
 */
function isPing(f: Frame, ctx: PassContext): boolean {
  if (f.kind === 'ping' || f.kind === 'pong') return true;
  if (f.kind === 'text') return f.raw.trim() === '';
  if (f.kind !== 'stanza' || !f.raw.includes('<iq')) return false;
  if (PING_IQ.test(f.raw)) {
    const id = ID_ATTR.exec(f.raw);
    if (id) {
      if (ctx.pingIds.size > 10_000) ctx.pingIds.clear(); // bounded: results follow their ping closely
      ctx.pingIds.add(`${f.session} ${id[1] ?? id[2]}`);
    }
    return true;
  }
  const empty = EMPTY_RESULT_IQ.exec(f.raw);
  if (!empty) return false;
  const attrs = empty[1] ?? empty[2] ?? '';
  if (!RESULT_TYPE.test(attrs)) return false;
  const id = ID_ATTR.exec(attrs);
  return !!id && ctx.pingIds.has(`${f.session} ${id[1] ?? id[2]}`);
}
