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
 *   is:ping|starred|held|edited|injected|dropped|replayed|malformed|afterClose   (has:note: a comment)
 *   session:ID             capture session id contains the text
 *   req:ID                 REST call sent with requestId ID: its request, its response and the
 *                          Updates echoing it
 *   status:4xx             REST response status (404, 4xx, 2xx…): the response and its request
 *   topic:finesse.api.User  hub frames whose OpenAjax topic contains the text, or matches it as a
 *                          hub subscription does when it has wildcards (`*` one token, `**` the rest)
 *   from:desktop  from:3   hub frames published by the desktop, by gadget 3 (its module id) or by a
 *                          gadget whose title contains the text
 *   gadget:3               hub frames gadget 3 published or received (same values as from:)
 *   foo:bar                an unknown key is an error listing the keys (put "foo:bar" in quotes
 *                          to search the text); namespace-like words (urn:…, jabber:client,
 *                          xmlns:stream, http://…) stay plain text
 *   -ping                  hide WebSocket pings/pongs, whitespace keepalives, XEP-0199 pings and their
 *                          results (shorthand for -is:ping; "ping" in quotes searches the text)
 *
 * Everything is decided from the raw text first, cheaply; only terms about the decoded Update
 * (state:, event:, has:update) and has:error parse, and only frames that passed the cheap tests,
 * through the cached frameView(). A regex over 100k raw strings stays well under 100 ms. A hub
 * frame's Update keys read the Update its payload relays (frameView); topic:, from: and gadget:
 * read only the record's head (hubHead), and node: the node in its text (hubNodes), not the payload.
 */
import { FRAME_FLAGS, FRAME_KINDS, type Direction, type Frame, type FrameKind } from './frame';
import { frameView } from './frameView';
import { unescapeXml } from '../xmpp/xml';
import { compileUserRegex } from './userRegex';
import { quickWellFormed } from './quickWellFormed';
import { parseHubFrame } from '../hub/hubFrame';

const FLAG_NAMES = FRAME_FLAGS;
const IS_VALUES = ['ping', ...FLAG_NAMES, 'starred'] as const;
const HAS_VALUES = ['error', 'update', 'original', 'note'] as const;
const FILTER_KEYS = [
  'dir',
  'kind',
  'node',
  'state',
  'event',
  'has',
  'is',
  'session',
  'req',
  'status',
  'topic',
  'from',
  'gadget',
] as const;
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
  matcher(links?: FrameLinks): (frame: Frame) => boolean;
}

/**
 * How the frames of one REST call find each other, for `req:` and `status:`. Without it each
 * frame is judged alone: a request does not learn its status, a response not its requestId.
 */
export interface FrameLinks {
  get(id: number): Frame | undefined;
  /** The response frame answering request frame `id`, once captured. */
  responseTo(id: number): Frame | undefined;
}

export type CompileResult = { ok: true; filter: CompiledFilter } | { ok: false; error: string };

class FilterSyntaxError extends Error {}

/** One term's test; `ctx` carries per-pass state. */
type Test = (frame: Frame, ctx: PassContext) => boolean;
interface PassContext {
  /** `session id` of XEP-0199 ping requests seen so far, to recognise their empty results. */
  pingIds: Set<string>;
  links?: FrameLinks;
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
    matcher(links) {
      const ctx: PassContext = { pingIds: new Set(), links };
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
function parseTerms(text: string): Term[] {
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
    if (looksLikeKey(word, key)) {
      throw new FilterSyntaxError(
        `Unknown filter key "${key}:"; the keys are ${FILTER_KEYS.map((k) => `${k}:`).join(' ')} (put "${word}" in quotes to search the text)`,
      );
    }
  }
  return textTerm(word);
}

/** Prefixes of XML and XMPP names a user searches as text: `jabber:client`, `xmlns:stream`, `urn:…`. */
const TEXT_PREFIXES = new Set([
  'urn',
  'jabber',
  'xmlns',
  'xml',
  'stream',
  'http',
  'https',
  'ws',
  'wss',
  'xmpp',
  'sasl',
]);

/**
 * `foo:bar` reads as a key the user mistyped (an error is more useful than matching nothing);
 * words with several colons, a non-word prefix or a namespace prefix are text.
 */
function looksLikeKey(word: string, key: string): boolean {
  if (!/^[a-z]+$/.test(key) || TEXT_PREFIXES.has(key)) return false;
  return word.indexOf(':', key.length + 1) < 0;
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
      if (!(FRAME_KINDS as readonly string[]).includes(lower))
        throw new FilterSyntaxError(`kind: expects one of ${FRAME_KINDS.join(', ')}; not "${value}"`);
      return cheap((f) => f.kind === lower);
    }
    case 'session': {
      return cheap((f) => f.session.toLowerCase().includes(lower));
    }
    case 'node': {
      // `User/agent1` and `/finesse/api/User/agent1` both work: compare without the api prefix.
      const want = lower.replace(/^\/?finesse\/api\//, '').replace(/^\//, '');
      return cheap((f) => {
        if (f.kind === 'hub') return hubNodes(f.raw).some((node) => node.toLowerCase().includes(want));
        const node = frameNode(f.raw);
        return node !== undefined && node.toLowerCase().includes(want);
      });
    }
    case 'state': {
      const has = substring(value);
      const tag = updateField('state', value);
      const errorType = updateField('errorType', value);
      // A plain word is compared with the frame's remembered state word (see stateWord).
      const word = /^[\w-]+$/.test(value) ? lower : undefined;
      return parsing((f) => {
        // Learned ahead: the word answers without searching the text (it holds the word).
        const known = word ? learned(f) : undefined;
        if (known?.stateRead && known.state !== undefined) return known.state === word;
        if (!has(f.raw)) return false;
        if (word) {
          const said = stateWord(f);
          if (said !== undefined) return said === word;
        } else if (plainUpdate(f)) {
          // A plain Update with one <state> of its own (a user's, a dialog's beside its
          // participants') is decided from the text; others parse.
          // An apiErrors Update's state is its one error's ErrorType.
          if (API_ERRORS.test(f.raw)) {
            if (countOf(API_ERROR_OPEN, f.raw) === 1 && countOf(ERROR_TYPE_OPEN, f.raw) === 1)
              return errorType.test(f.raw);
          } else {
            const own = withoutParticipants(f.raw);
            if (own !== undefined && onlyOneState(own)) return tag.test(own);
          }
        }
        return frameView(f).finesse?.state?.toLowerCase() === lower;
      });
    }
    case 'event': {
      const up = value.toUpperCase();
      if (up !== 'POST' && up !== 'PUT' && up !== 'DELETE')
        throw new FilterSyntaxError(`event: expects POST, PUT or DELETE, not "${value}"`);
      const has = substring(up);
      const bit = EVENT_BITS[up];
      return parsing((f) => {
        // Learned ahead: the events answer without searching the text (it names them).
        const known = learned(f);
        if (known?.eventsRead && known.events !== undefined) return (known.events & bit) !== 0;
        if (!isUpdateCandidate(f.raw) || !has(f.raw)) return false;
        const said = eventsText(f);
        if (said !== undefined) return (said & EVENT_BITS[up]) !== 0;
        return frameView(f).finesse?.event === up;
      });
    }
    case 'has': {
      if (lower === 'error') return parsing(hasError);
      // A frame learned to be a plain Update was seen to carry the Update mark.
      if (lower === 'update')
        return parsing((f) => {
          if (learned(f)?.plain === true) return true;
          if (!isUpdateCandidate(f.raw)) return false;
          if (f.kind === 'hub') {
            const known = factsOf(f);
            if (!known.eventsRead) learnRelayed(f, known);
            if (known.relays !== undefined) return known.relays;
          }
          return plainUpdate(f, true) || frameView(f).finesse !== undefined;
        });
      if (lower === 'original') return cheap((f) => f.original !== undefined);
      if (lower === 'note') return cheap((f) => !!f.note?.text);
      throw new FilterSyntaxError(`has: expects one of ${HAS_VALUES.join(', ')}; not "${value}"`);
    }
    case 'req': {
      const has = substring(value);
      const sent = (f: Frame) => has(f.raw) && requestIdOf(f) === value;
      // A response carries no requestId: it is the call's when its request sent that one.
      return parsing((f, ctx) => {
        if (f.kind !== 'http' || f.answers === undefined) return sent(f);
        const request = ctx.links?.get(f.answers);
        return request !== undefined && sent(request);
      });
    }
    case 'status': {
      if (!/^[1-5][0-9x]{2}$/i.test(value))
        throw new FilterSyntaxError(`status: expects an HTTP status like 404 or 4xx, not "${value}"`);
      const re = new RegExp(`^${lower.replace(/x/g, '\\d')}$`);
      const status = (f: Frame) => re.test(String(frameView(f).http?.status ?? ''));
      // A request has the status of the response that answered it (none yet: no status).
      return parsing((f, ctx) => {
        if (f.kind !== 'http') return false;
        if (f.dir === 'in') return status(f);
        const response = ctx.links?.responseTo(f.id);
        return response !== undefined && status(response);
      });
    }
    case 'topic': {
      const match = topicMatcher(lower);
      return parsing((f) => {
        const head = f.kind === 'hub' ? hubHead(f) : undefined;
        return head !== undefined && match(head.topic.toLowerCase());
      });
    }
    case 'from':
    case 'gadget': {
      const match = participantMatcher(lower);
      const anyone = key === 'gadget';
      return parsing((f) => {
        const head = f.kind === 'hub' ? hubHead(f) : undefined;
        return head !== undefined && (match(head.from) || (anyone && head.to.some(match)));
      });
    }
    case 'is': {
      if (lower === 'ping') return { parses: false, test: isPing };
      if (lower === 'starred') return cheap((f) => !!f.note?.starred);
      // Flag names are matched in any case (is:afterclose = is:afterClose).
      const flag = FLAG_NAMES.find((n) => n.toLowerCase() === lower);
      if (flag) {
        if (flag === 'malformed') return parsing((f) => !!f.flags.malformed || parseError(f));
        return cheap((f) => !!f.flags[flag]);
      }
      throw new FilterSyntaxError(`is: expects one of ${IS_VALUES.join(', ')}; not "${value}"`);
    }
  }
}

/** The requestId a REST request frame sent, or the one an Update echoes. */
function requestIdOf(f: Frame): string | undefined {
  if (f.kind === 'http') {
    const http = frameView(f).http;
    return http?.method ? http.headers.find(([n]) => n.toLowerCase() === 'requestid')?.[1] : undefined;
  }
  return isUpdateCandidate(f.raw) ? frameView(f).finesse?.requestId : undefined;
}

function cheap(test: (f: Frame) => boolean): Term {
  return { parses: false, test };
}
function parsing(test: Test): Term {
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

/** User patterns run on the linear-time engine: `/(a+)+$/` cannot freeze the host. */
function regexTerm(source: string, flags: string): Term {
  let test: (text: string) => boolean;
  try {
    test = compileUserRegex(source, flags).test;
  } catch (e) {
    const message = (e as Error).message;
    throw new FilterSyntaxError(message.charAt(0).toUpperCase() + message.slice(1));
  }
  return cheap((f) => test(f.raw));
}

const NODE_ATTR = /\bnode=(?:"([^"]*)"|'([^']*)')/;

/** The pubsub node a frame is about (event items, subscribe, publish…), read without parsing. */
export function frameNode(raw: string): string | undefined {
  const m = NODE_ATTR.exec(raw);
  if (!m) return undefined;
  const node = m[1] ?? m[2];
  return node.includes('&') ? unescapeXml(node) : node;
}

/**
 * Could carry a Finesse Update (escaped or inline, or in a hub record's JSON, where `<` may be
 * written `\u003c`); frames without it need no parse.
 */
const UPDATE_MARK = /(?:&lt;|<|\\u003c)update\b/i;
function isUpdateCandidate(raw: string): boolean {
  return UPDATE_MARK.test(raw);
}

/** `<event>PUT</event>` inside an Update, escaped (`&lt;event&gt;`) or inline, any case. */
function updateField(field: string, value: string): RegExp {
  const v = value.replace(REGEX_SPECIALS, '\\$&');
  return new RegExp(`(?:&lt;|<)${field}(?:&gt;|>)\\s*${v}\\s*(?:&lt;|<)/${field}(?:&gt;|>)`, 'i');
}

/**
 * A well-formed pubsub event message with one item carrying an Update: what Finesse sends.
 * For these the Update's fields can be read from the text; anything else is parsed.
 */
function plainUpdate(f: Frame, updateMarked = false): boolean {
  const known = factsOf(f);
  return (known.plain ??= isPlainUpdate(f, updateMarked));
}

function isPlainUpdate(f: Frame, updateMarked: boolean): boolean {
  const raw = f.raw;
  if (f.kind !== 'stanza' || !MESSAGE_START.test(raw) || (!updateMarked && !UPDATE_MARK.test(raw))) return false;
  const items = raw.indexOf('<items');
  if (items < 0) return false;
  const item = raw.indexOf('<item', items + 6);
  if (item < 0 || raw.indexOf('<item', item + 5) >= 0) return false;
  return wellFormed(f);
}

/**
 * What the text of a frame was found to say, kept per frame while its text is unchanged: every
 * key that reads an Update from the text (state:, event:, has:update) and has:error/is:malformed
 * ask it, so the next filter over the same frames neither walks nor searches them again.
 */
interface TextFacts {
  raw: string;
  /** The tag walk vouches for the markup. */
  wellFormed?: boolean;
  /** A plain Finesse notification (see plainUpdate). */
  plain?: boolean;
  /** See stateWord; `stateRead` tells an answer of undefined from no answer yet. */
  stateRead?: boolean;
  state?: string | null;
  /** Bits of EVENT_BITS found in `<event>` elements; undefined: not plain, parse. */
  eventsRead?: boolean;
  events?: number;
  /** A hub frame's topic, publisher and receivers; null: the text is no hub record. */
  hub?: HubHead | null;
  /** A hub frame relays an Update (see learnRelayed); undefined: the text cannot say, parse. */
  relays?: boolean;
  /** A hub frame's text is no hub record (frameView's error for it). */
  notRecord?: boolean;
}
const facts = new WeakMap<Frame, TextFacts>();
function factsOf(f: Frame): TextFacts {
  const hit = facts.get(f);
  if (hit && hit.raw === f.raw) return hit;
  const fresh: TextFacts = { raw: f.raw };
  facts.set(f, fresh);
  return fresh;
}

/**
 * Learns ahead what the text-reading keys would learn about a frame on their first pass (the tag
 * walk, whether it is a plain Update, its state text and events), so a filter run after the
 * host's idle time finds them known. The facts are the ones the keys compute themselves, so
 * the answers stay the same; only when the work is done moves.
 */
export function learnTextFacts(f: Frame): void {
  if (f.kind === 'hub') {
    hubHead(f);
    // Whether it is a record at all: has:error and is:malformed ask every hub frame that.
    if (!f.flags.truncated) hubRecordError(f);
    if (isUpdateCandidate(f.raw)) learnRelayed(f, factsOf(f));
    return;
  }
  if (f.kind !== 'stanza' && f.kind !== 'open' && f.kind !== 'close') return;
  wellFormed(f);
  if (f.kind === 'stanza' && isUpdateCandidate(f.raw)) {
    stateWord(f);
    eventsText(f);
  }
}

/** The facts known about the frame's current text, without starting any. */
function learned(f: Frame): TextFacts | undefined {
  const hit = facts.get(f);
  return hit && hit.raw === f.raw ? hit : undefined;
}

function wellFormed(f: Frame): boolean {
  const known = factsOf(f);
  return (known.wellFormed ??= quickWellFormed(f.raw) === true);
}

/**
 * The word a plain Update's one `<state>` (or an apiErrors Update's one `<errorType>`) holds,
 * lower-cased: the text from just after that open tag to the end of the first close tag of the
 * same name (see readStateText) is `\s*word\s*</state>`, and a state value that is a word is
 * the Update's exactly when it equals this one. null: no word there (no word matches);
 * undefined: the text cannot say, parse.
 */
function stateWord(f: Frame): string | null | undefined {
  const known = factsOf(f);
  if (!known.stateRead && f.kind === 'hub') learnRelayed(f, known);
  if (!known.stateRead) {
    known.state = wordOf(readStateText(f));
    known.stateRead = true;
  }
  return known.state;
}

const STATE_WORD = /^\s*([\w-]+)\s*(?:&lt;|<)\/(?:state|errorType)(?:&gt;|>)$/i;
/** Words are kept as their own strings: a slice of the frame's text would keep all of it alive. */
const WORDS = new Map<string, string>();
function wordOf(text: string | null | undefined): string | null | undefined {
  if (text === null || text === undefined) return text;
  const m = STATE_WORD.exec(text);
  if (!m) return null;
  const word = m[1].toLowerCase();
  const known = WORDS.get(word);
  if (known !== undefined) return known;
  const own = [...word].join('');
  if (WORDS.size < 256) WORDS.set(own, own); // Finesse has a few dozen states and error types
  return own;
}

function readStateText(f: Frame): string | null | undefined {
  return plainUpdate(f) ? stateTextOf(f.raw) : undefined;
}

/** readStateText over a text known to hold one well-formed Update (escaped or not). */
function stateTextOf(raw: string): string | null | undefined {
  if (API_ERRORS.test(raw)) {
    if (countOf(API_ERROR_OPEN, raw) !== 1 || countOf(ERROR_TYPE_OPEN, raw) !== 1) return undefined;
    return textAfter(raw, ERROR_TYPE_OPEN, ERROR_TYPE_CLOSE);
  }
  const own = withoutParticipants(raw);
  if (own === undefined || !onlyOneState(own)) return undefined;
  return textAfter(own, STATE_OPEN, STATE_CLOSE);
}
const STATE_OPEN = /(?:&lt;|<)state(?:&gt;|>)/gi;
const STATE_CLOSE = /(?:&lt;|<)\/state(?:&gt;|>)/gi;
const ERROR_TYPE_CLOSE = /(?:&lt;|<)\/errorType(?:&gt;|>)/gi;

function textAfter(text: string, open: RegExp, close: RegExp): string | null {
  open.lastIndex = 0;
  const m = open.exec(text) as RegExpExecArray;
  const from = m.index + m[0].length;
  close.lastIndex = from;
  const c = close.exec(text);
  return c ? text.slice(from, c.index + c[0].length) : null;
}

const EVENT_BITS: Record<string, number> = { POST: 1, PUT: 2, DELETE: 4 };
const EVENT_ELEMENT = /(?:&lt;|<)event(?:&gt;|>)\s*(POST|PUT|DELETE)\s*(?:&lt;|<)\/event(?:&gt;|>)/gi;

/**
 * Which of POST/PUT/DELETE a plain Update's `<event>` elements say (undefined: not plain, parse).
 * Callers have seen the Update mark already.
 */
function eventsText(f: Frame): number | undefined {
  const known = factsOf(f);
  if (!known.eventsRead && f.kind === 'hub') learnRelayed(f, known);
  if (!known.eventsRead) {
    if (plainUpdate(f, true)) {
      let bits = 0;
      EVENT_ELEMENT.lastIndex = 0;
      for (let m = EVENT_ELEMENT.exec(f.raw); m; m = EVENT_ELEMENT.exec(f.raw)) bits |= EVENT_BITS[m[1].toUpperCase()];
      known.events = bits;
    }
    known.eventsRead = true;
  }
  return known.events;
}
const MESSAGE_START = /^\s*<message\b/;

/** The text without a dialog's `<participants>…</participants>` (their states are not the dialog's). */
function withoutParticipants(raw: string): string | undefined {
  const open = raw.search(PARTICIPANTS_OPEN);
  if (open < 0) return raw;
  const closes = [...raw.matchAll(PARTICIPANTS_CLOSE)];
  if (closes.length !== 1) return undefined;
  const close = closes[0].index + closes[0][0].length;
  return close > open ? raw.slice(0, open) + raw.slice(close) : undefined;
}
const PARTICIPANTS_OPEN = /(?:&lt;|<)participants(?:&gt;|>)/i;
const PARTICIPANTS_CLOSE = /(?:&lt;|<)\/participants(?:&gt;|>)/gi;

const API_ERRORS = /(?:&lt;|<)apiErrors(?:&gt;|>)/i;
const API_ERROR_OPEN = /(?:&lt;|<)apiError(?:&gt;|>)/gi;
const ERROR_TYPE_OPEN = /(?:&lt;|<)errorType(?:&gt;|>)/gi;

function countOf(re: RegExp, text: string): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(text)) n++;
  return n;
}

/** Exactly one `<state>…</state>` in the text (a user's Update, not a dialog with participants). */
function onlyOneState(raw: string): boolean {
  const open = /(?:&lt;|<)state(?:&gt;|>)/gi;
  let n = 0;
  while (open.exec(raw)) if (++n > 1) return false;
  return n === 1 && !/errorType/i.test(raw);
}

const ERROR_MARK = /\btype=["']error["']|apiErrors|<stream:error\b/i;
/** Every ERROR_MARK alternative holds this word; the plain search is ~3× cheaper than the alternation. */
const ERROR_WORD = /error/i;
function hasError(f: Frame): boolean {
  if (f.flags.malformed) return true;
  if (f.kind === 'text') return f.raw.trim() !== '';
  if (f.kind === 'hub') {
    // Not a hub record, a relayed apiErrors Update, or a request's answer saying it failed: the
    // last two name an error (apiErrors, "error"), so a record without the word needs no decoding.
    if (!ERROR_WORD.test(f.raw)) return parseError(f);
    const view = frameView(f);
    return view.error !== undefined || !!view.finesse?.apiErrors?.length || !!view.hubLabel?.error;
  }
  if (f.kind !== 'stanza' && f.kind !== 'open' && f.kind !== 'close') return false;
  if (ERROR_WORD.test(f.raw) && ERROR_MARK.test(f.raw)) return true;
  return parseError(f);
}

/** The frame does not parse; the quick tag walk spares the real parse for ordinary frames. */
function parseError(f: Frame): boolean {
  if ((f.kind === 'stanza' || f.kind === 'open' || f.kind === 'close') && wellFormed(f)) return false;
  // A hub frame's only parse error is not being a record (frameView): its JSON answers, unkept.
  if (f.kind === 'hub') return !f.flags.truncated && hubRecordError(f);
  return frameView(f).error !== undefined;
}

function hubRecordError(f: Frame): boolean {
  const known = factsOf(f);
  return (known.notRecord ??= parseHubFrame(f.raw) === undefined);
}

/** What topic:, from: and gadget: read of a hub frame. */
interface HubHead {
  topic: string;
  from: string;
  to: string[];
}

const PAYLOAD_KEY = ',"payload":';

/**
 * The head of a hub record, without parsing its payload (an Update relayed twice over, as XML
 * and as its object): a record as formatHubFrame writes it has topic, from and to first, and
 * `,"payload":` cannot occur inside a JSON string before it (its quote would be escaped), so the
 * text up to there, closed, is the head as JSON. Any other text is parsed whole.
 */
function hubHead(f: Frame): HubHead | undefined {
  const known = factsOf(f);
  if (known.hub === undefined) known.hub = readHubHead(f.raw) ?? null;
  return known.hub ?? undefined;
}

function readHubHead(raw: string): HubHead | undefined {
  const end = raw.startsWith('{"topic":') ? raw.indexOf(PAYLOAD_KEY) : -1;
  if (end > 0) {
    try {
      const head = JSON.parse(raw.slice(0, end) + '}') as Partial<HubHead>;
      if (
        typeof head.topic === 'string' &&
        typeof head.from === 'string' &&
        Array.isArray(head.to) &&
        head.to.every((r) => typeof r === 'string')
      )
        return { topic: head.topic, from: head.from, to: head.to };
    } catch {
      // Not the usual layout: read it whole below.
    }
  }
  const whole = parseHubFrame(raw);
  return whole && { topic: whole.topic, from: whole.from, to: whole.to };
}

/**
 * What the Update keys would read of the Update a hub frame relays (frameView decodes it from
 * the payload's `content`, finesse/hubPayload.ts), read from the text instead: the content
 * string is cut out and unescaped (the one JSON string, not the payload), and the same text
 * reading as a plain stanza's (stateTextOf, EVENT_ELEMENT) runs over its Update. Only for a
 * record as the desktop writes it (`"payload":{"content":"…"` first, no second `content` key
 * after it) and an Update the tag walk vouches for, holding no escaped markup; anything else
 * leaves the facts unknown and the keys parse. The Update text itself is not kept.
 */
function learnRelayed(f: Frame, known: TextFacts): void {
  const facts = relayedFacts(f.raw);
  known.stateRead = known.eventsRead = true;
  known.relays = facts.relays;
  known.state = facts.state;
  known.events = facts.events;
}

/**
 * learnRelayed's reading of a hub record's text: whether it relays an Update, and that Update's
 * state word (null: none) and events (EVENT_BITS); each undefined when the text cannot say.
 * Exported for the test that holds it to frameView's answers.
 */
export function relayedFacts(raw: string): { relays?: boolean; state?: string | null; events?: number } {
  const xml = relayedXml(raw);
  if (xml === undefined) return {};
  if (xml === null) return { relays: false, state: null, events: 0 };
  if (xml.includes('&lt;') || quickWellFormed(xml) !== true) return { relays: true };
  let events = 0;
  EVENT_ELEMENT.lastIndex = 0;
  for (let m = EVENT_ELEMENT.exec(xml); m; m = EVENT_ELEMENT.exec(xml)) events |= EVENT_BITS[m[1].toUpperCase()];
  return { relays: true, state: wordOf(stateTextOf(xml)), events };
}

const CONTENT_START = '{"content":"';

/**
 * The Update XML a hub record relays (as relayedUpdate decides it), null when it relays none,
 * undefined when the text is not laid out as the desktop writes it.
 */
function relayedXml(raw: string): string | null | undefined {
  if (!raw.startsWith('{"topic":')) return undefined;
  const at = raw.indexOf(PAYLOAD_KEY);
  if (at < 0) return undefined;
  const from = at + PAYLOAD_KEY.length;
  const first = raw.charAt(from);
  // A payload that is not an object has no content; an object may have it after other keys.
  if (first !== '{') return first === '' ? undefined : null;
  if (!raw.startsWith(CONTENT_START, from)) return undefined;
  const open = from + CONTENT_START.length - 1;
  let close = raw.indexOf('"', open + 1);
  while (close > 0) {
    let slashes = 0;
    while (raw.charCodeAt(close - 1 - slashes) === 92 /* \ */) slashes++;
    if (slashes % 2 === 0) break;
    close = raw.indexOf('"', close + 1);
  }
  if (close < 0 || raw.includes('"content":', close)) return undefined;
  let content: string;
  try {
    content = JSON.parse(raw.slice(open, close + 1)) as string;
  } catch {
    return undefined;
  }
  const lt = content.indexOf('<');
  if (lt <= 0 || content[0] !== '/') return null;
  const xml = content.slice(lt);
  return /^<\s*update\b/i.test(xml) ? xml : null;
}

/** A relayed Update's `content` starts with its node; a Subscribe/UnsubscribeNodeReq names one in `data.node`. */
const HUB_NODE = /"(?:content|node)":"(\/[^"<\\]*)/g;

/**
 * The nodes a hub frame is about (a relayed Update's, a subscribe request's), read from the text
 * as frameNode reads a stanza's: the payload is not parsed for node:.
 */
function hubNodes(raw: string): string[] {
  if (!raw.includes('"/')) return [];
  const out: string[] = [];
  HUB_NODE.lastIndex = 0;
  for (let m = HUB_NODE.exec(raw); m; m = HUB_NODE.exec(raw)) out.push(m[1]);
  return out;
}

/**
 * A topic test: text without wildcards is contained in the topic (as node: and session: compare);
 * with them it is an OpenAjax subscription, `*` standing for one token and a final `**` for one
 * or more, and a `*` inside a token for any characters in it. Both are lower case.
 */
function topicMatcher(pattern: string): (topic: string) => boolean {
  if (!pattern.includes('*')) return (topic) => topic.includes(pattern);
  const tokens = pattern.split('.');
  const parts = tokens.map((t, i) => {
    if (t === '**' && i === tokens.length - 1) return '[^.]+(?:\\.[^.]+)*';
    if (t === '*') return '[^.]+';
    return t
      .split('*')
      .map((piece) => piece.replace(REGEX_SPECIALS, '\\$&'))
      .join('[^.]*');
  });
  const re = new RegExp(`^${parts.join('\\.')}$`);
  return (topic) => re.test(topic);
}

/**
 * Who a from:/gadget: value names: a number is a gadget's module id (the first word of its name
 * in the record), anything else is contained in the name (`desktop`, words of a gadget's title).
 */
function participantMatcher(value: string): (name: string) => boolean {
  if (/^\d+$/.test(value)) return (name) => name.split(' ', 1)[0] === value;
  return (name) => name.toLowerCase().includes(value);
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

/** [start, end) ranges of text to mark, sorted and merged. */
export type Marks = [number, number][];

/**
 * What the search highlights: the positive text, phrase and regex terms of a query (keys and
 * negated terms select frames but match no particular text). A query that does not compile
 * highlights nothing. Regexes run on the linear-time engine, like the filter itself.
 */
export function highlighter(text: string): ((s: string) => Marks) | undefined {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch {
    return undefined;
  }
  const finders: ((s: string) => Marks)[] = [];
  for (const t of tokens) {
    if (t.negated) continue;
    if (t.kind === 'regex') {
      try {
        const re = compileUserRegex(t.source, t.flags);
        finders.push((s) => re.ranges(s, 200));
      } catch {
        return undefined;
      }
    } else {
      const word = t.text;
      if (!word || word.toLowerCase() === 'ping') continue;
      const colon = word.indexOf(':');
      if (
        t.kind === 'word' &&
        colon > 0 &&
        (FILTER_KEYS as readonly string[]).includes(word.slice(0, colon).toLowerCase())
      )
        continue;
      const needle = word.toLowerCase();
      finders.push((s) => {
        const out: Marks = [];
        const hay = s.toLowerCase();
        for (let i = hay.indexOf(needle); i >= 0 && out.length < 200; i = hay.indexOf(needle, i + needle.length))
          out.push([i, i + needle.length]);
        return out;
      });
    }
  }
  if (!finders.length) return undefined;
  return (s) => mergeMarks(finders.flatMap((f) => f(s)));
}

function mergeMarks(marks: Marks): Marks {
  if (marks.length < 2) return marks;
  marks.sort((a, b) => a[0] - b[0]);
  const out: Marks = [marks[0]];
  for (const [a, b] of marks.slice(1)) {
    const last = out[out.length - 1];
    if (a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
