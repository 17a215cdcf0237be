/**
 * The Finesse facts of a notification read straight from its text, without building a tree:
 * what `finesseJson(decodeUpdate(parseXml(raw)))` gives (update.ts, frameView.ts), for the plain
 * notifications Finesse sends. The CLI prints these facts for every frame, and parsing each event
 * twice into ltx Elements (the stanza, then the escaped <Update> inside it) was most of its time.
 *
 * It answers only where the quick tag walk (quickWellFormed) vouches for both the stanza and the
 * Update inside: then every `<` opens a tag, the first `>` after it closes it, and the only
 * entities are the five named ones, so an index walk reads the same tree the parser builds.
 * Anything else — an inline <Update>, an element that is not an Update, markup the walk is not
 * sure of — answers undefined and the caller parses as before; so the answers never differ
 * (test/unit/core/finesse/notificationText.test.ts compares them).
 */
import type { FinesseJson } from '../capture/frameView';
import { quickWellFormed } from '../capture/quickWellFormed';
import { decodeEntities } from '../xmpp/fastXml';
import { describeNode } from './nodes';

/**
 * The facts of a stanza's first Update; null for a well-formed stanza that carries none (no
 * decode, no error); undefined when only the parser can say.
 */
export function readNotification(raw: string): FinesseJson | null | undefined {
  if (quickWellFormed(raw) !== true) return undefined;
  const found = firstUpdateText(raw);
  if (found === undefined || found === null) return found;
  return readUpdate(found.text, found.node);
}

// What an open element is to the reader; SKIP's children are not looked at.
const SKIP = 0;
const MESSAGE = 1;
const EVENT = 2;
const ITEMS = 3;
const ITEM = 4;
const NOTIFICATION = 5;

/**
 * The open elements: what each is to the reader, and which of its children's roles are taken
 * (bits; childCi finds the first child of a name only). Numbers, not objects: a frame opens
 * dozens of elements and the CLI reads a hundred thousand frames a second.
 */
class OpenElements {
  private roles: number[] = [];
  private taken: number[] = [];
  get depth(): number {
    return this.roles.length;
  }
  get role(): number {
    return this.roles[this.roles.length - 1];
  }
  push(role: number): void {
    this.roles.push(role);
    this.taken.push(0);
  }
  pop(): number | undefined {
    this.taken.pop();
    return this.roles.pop();
  }
  /** `role` for the first child of the innermost element that matches, SKIP for the rest. */
  takeFirst(matches: boolean, role: number): number {
    const at = this.taken.length - 1;
    if (!matches || this.taken[at] & (1 << role)) return SKIP;
    this.taken[at] |= 1 << role;
    return role;
  }
}

/** Where the local name (after any `prefix:`) of the tag opened at `lt` starts and ends. */
let nameFrom = 0;
let nameTo = 0;
function readName(text: string, lt: number, gt: number): void {
  nameFrom = lt + 1;
  let end = lt + 1;
  for (; end < gt; end++) {
    const c = text.charCodeAt(end);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 47 /* / */) break;
    if (c === 58 /* : */ && nameFrom === lt + 1) nameFrom = end + 1;
  }
  nameTo = end;
}

/** The last read name is `lower` (given in lower case), compared ignoring case unless `exact`. */
function nameIs(text: string, lower: string, exact = false): boolean {
  if (nameTo - nameFrom !== lower.length) return false;
  for (let k = 0; k < lower.length; k++) {
    const c = text.charCodeAt(nameFrom + k);
    const want = lower.charCodeAt(k);
    if (c !== want && (exact || (c | 0x20) !== want || want < 97 || want > 122)) return false;
  }
  return true;
}

/**
 * The trimmed text of the first pubsub item of a `<message>` that has any (update.ts
 * decodeUpdates), and the items' node; null when there is none, undefined when an item holds
 * its Update as child elements (the parser serializes those).
 */
function firstUpdateText(raw: string): { text: string; node: string } | null | undefined {
  const open = new OpenElements();
  let node = '';
  let itemText = '';
  let notificationText = '';
  let hasNotification = false;
  let lt = raw.indexOf('<');
  while (lt >= 0) {
    const gt = raw.indexOf('>', lt);
    if (raw.charCodeAt(lt + 1) === 47 /* / */) {
      if (open.pop() === ITEM) {
        const text = (hasNotification ? notificationText : itemText).trim();
        if (text) return { text, node };
      }
    } else {
      const root = open.depth === 0;
      let role: number | undefined = SKIP;
      if (root) {
        // decodeUpdates reads `message` stanzas only, by their full name.
        readName(raw, lt, gt);
        if (nameFrom !== lt + 1 || !nameIs(raw, 'message', true)) return null;
        role = MESSAGE;
      } else if (open.role !== SKIP) role = stanzaRole(open, raw, lt, gt);
      if (role === undefined) return undefined;
      if (role === ITEMS) node = attribute(raw, lt, gt, 'node') ?? '';
      if (role === ITEM) {
        itemText = notificationText = '';
        hasNotification = false;
      }
      if (role === NOTIFICATION) hasNotification = true;
      // An empty <item/> has no text (the next item is read); an empty <message/> has no items.
      if (raw.charCodeAt(gt - 1) !== 47 /* / */) open.push(role);
      else if (root) return null;
    }
    const next = raw.indexOf('<', gt + 1);
    const inner = open.depth ? open.role : SKIP;
    if (next > gt + 1 && (inner === ITEM || inner === NOTIFICATION)) {
      const text = decodeEntities(raw, gt + 1, next);
      if (text === undefined) return undefined;
      if (inner === ITEM) itemText += text;
      else notificationText += text;
    }
    lt = next;
  }
  return null;
}

/**
 * What a child of an element the stanza reader follows is: the first `event` of the message
 * (exact local name), the first `items` of that (any case), every `item` (exact), the first
 * `notification` of an item (any case). An `update` element under an item or its notification
 * is an inline Update: undefined.
 */
function stanzaRole(open: OpenElements, raw: string, lt: number, gt: number): number | undefined {
  readName(raw, lt, gt);
  switch (open.role) {
    case MESSAGE:
      return open.takeFirst(nameIs(raw, 'event', true), EVENT);
    case EVENT:
      return open.takeFirst(nameIs(raw, 'items'), ITEMS);
    case ITEMS:
      return nameIs(raw, 'item', true) ? ITEM : SKIP;
    case ITEM:
    case NOTIFICATION:
      if (nameIs(raw, 'update')) return undefined;
      return open.role === ITEM ? open.takeFirst(nameIs(raw, 'notification'), NOTIFICATION) : SKIP;
  }
  return SKIP;
}

const ATTRIBUTE = /\s([A-Za-z_:][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** An attribute's value in the start tag [lt, gt]; the last one when it repeats, as ltx keeps. */
function attribute(raw: string, lt: number, gt: number, name: string): string | undefined {
  const tag = raw.slice(lt, gt);
  let value: string | undefined;
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(tag); m; m = ATTRIBUTE.exec(tag)) if (m[1] === name) value = m[2] ?? m[3];
  return value === undefined ? undefined : decodeEntities(value, 0, value.length);
}

// Roles inside the Update (update.ts decodeUpdateText and entityState).
const UPDATE = 10;
const DATA = 11;
const ENTITY = 12;
const HOLDER = 13;
const U_EVENT = 20;
const U_REQUEST_ID = 21;
const U_SOURCE = 22;
const STATE = 23;
const ERROR_TYPE = 24;
const ERROR_MESSAGE = 25;
// Roles whose text is read: from here on (DATA, ENTITY and HOLDER are not).
const FIRST_TEXT_ROLE = 20;

/** The Update's facts; undefined when its text is not one the walk vouches for, or not an Update. */
function readUpdate(text: string, node: string): FinesseJson | undefined {
  if (quickWellFormed(text) !== true) return undefined;
  const open = new OpenElements();
  const texts: (string | undefined)[] = [];
  let kind: string | undefined;
  let entity = '';
  let lt = text.indexOf('<');
  while (lt >= 0) {
    const gt = text.indexOf('>', lt);
    if (text.charCodeAt(lt + 1) === 47 /* / */) open.pop();
    else {
      let role = SKIP;
      if (open.depth === 0) {
        readName(text, lt, gt);
        if (!nameIs(text, 'update')) return undefined;
        role = UPDATE;
      } else if (open.role !== SKIP) {
        readName(text, lt, gt);
        switch (open.role) {
          case UPDATE:
            if (nameIs(text, 'event')) role = open.takeFirst(true, U_EVENT);
            else if (nameIs(text, 'requestid')) role = open.takeFirst(true, U_REQUEST_ID);
            else if (nameIs(text, 'source')) role = open.takeFirst(true, U_SOURCE);
            else role = open.takeFirst(nameIs(text, 'data'), DATA);
            break;
          case DATA:
            role = open.takeFirst(true, ENTITY);
            if (role === ENTITY) {
              kind = text.slice(nameFrom, nameTo);
              entity = kind.toLowerCase();
            }
            break;
          case ENTITY:
            // apiErrors: the first apiError; dialogs and users: their first element; else the entity's own state.
            if (entity === 'apierrors') role = open.takeFirst(nameIs(text, 'apierror'), HOLDER);
            else if (entity === 'dialogs' || entity === 'users') role = open.takeFirst(true, HOLDER);
            else role = open.takeFirst(nameIs(text, 'state'), STATE);
            break;
          case HOLDER:
            if (entity !== 'apierrors') role = open.takeFirst(nameIs(text, 'state'), STATE);
            else if (nameIs(text, 'errortype')) role = open.takeFirst(true, ERROR_TYPE);
            else role = open.takeFirst(nameIs(text, 'errormessage'), ERROR_MESSAGE);
            break;
        }
      }
      if (role >= FIRST_TEXT_ROLE) texts[role] = '';
      if (text.charCodeAt(gt - 1) !== 47 /* / */) open.push(role);
    }
    const next = text.indexOf('<', gt + 1);
    const inner = open.depth ? open.role : SKIP;
    if (next > gt + 1 && inner >= FIRST_TEXT_ROLE && texts[inner] !== undefined) {
      const part = decodeEntities(text, gt + 1, next);
      if (part === undefined) return undefined;
      texts[inner] += part;
    }
    lt = next;
  }
  const field = (role: number): string | undefined => {
    const t = texts[role]?.trim();
    return t ? t : undefined;
  };
  const out: FinesseJson = { node };
  const event = field(U_EVENT)?.toUpperCase();
  if (event === 'POST' || event === 'PUT' || event === 'DELETE') out.event = event;
  const requestId = field(U_REQUEST_ID);
  if (requestId) out.requestId = requestId;
  const source = field(U_SOURCE);
  if (source) out.source = source;
  if (kind !== undefined) {
    out.kind = kind;
    const state = entity === 'apierrors' ? (field(ERROR_TYPE) ?? field(ERROR_MESSAGE)) : field(STATE);
    if (state) out.state = state;
  } else {
    const info = describeNode(source ?? node);
    if (info) out.kind = info.entity.toLowerCase();
  }
  return out;
}
