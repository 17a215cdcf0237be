/**
 * Decoding of Finesse notifications. Finesse publishes each change as a pubsub item whose
 * <notification> holds an *escaped* <Update> document:
 *   <message><event xmlns=".../pubsub#event"><items node="/finesse/api/User/1001">
 *     <item id="…"><notification xmlns="http://jabber.org/protocol/pubsub">&lt;Update&gt;…
 * Update = { data, event (POST|PUT|DELETE), requestId, source }. Element names vary in case
 * between Finesse releases and gadgets (Update/update, requestId/requestID), so lookups here
 * ignore case.
 */
import { Element, localName, parseXml } from '../xmpp/xml';
import { describeNode, nodeLabel } from './nodes';
import { PUBSUB_EVENT_NS } from '../xmpp/namespaces';
export { PUBSUB_EVENT_NS };

type UpdateEvent = 'POST' | 'PUT' | 'DELETE';

export interface FinesseUpdate {
  node: string;
  itemId?: string;
  event?: UpdateEvent;
  requestId?: string;
  source?: string;
  /** Root element name inside <data>: user, dialog, dialogs, team, apiErrors, queue… */
  kind?: string;
  /** User state (READY/NOT_READY/…), dialog state (ALERTING/ACTIVE/DROPPED…), or error type. */
  state?: string;
  /** The decoded <Update> text, unescaped, exactly as Finesse published it. */
  xml: string;
  /** Parsed <Update>, when the unescaped text is well-formed. */
  element?: Element;
  /** Why the notification could not be decoded, when it could not. */
  error?: string;
  /** The failures an `apiErrors` Update reports (a REST request that did not succeed). */
  apiErrors?: ApiError[];
}

interface ApiError {
  /** `Invalid State`, `Parameter Missing`… */
  type?: string;
  /** `Cannot change state to READY from TALKING`. */
  message?: string;
}

/** Case-insensitive child lookup, ignoring namespace prefixes. */
function childCi(el: Element | undefined, name: string): Element | undefined {
  if (!el) return undefined;
  const want = name.toLowerCase();
  return el.getChildElements().find((c) => localName(c.name).toLowerCase() === want);
}

function textCi(el: Element | undefined, name: string): string | undefined {
  const c = childCi(el, name);
  const t = c?.getText().trim();
  return t ? t : undefined;
}

/** Finds the <items> of a pubsub event message, if this stanza is one. */
function eventItems(stanza: Element): Element | undefined {
  if (stanza.name !== 'message') return undefined;
  const event = stanza.getChildElements().find((c) => localName(c.name) === 'event');
  return childCi(event, 'items');
}

/** Decodes every Finesse Update in a stanza (a pubsub event may carry several items). */
export function decodeUpdates(stanza: Element): FinesseUpdate[] {
  const items = eventItems(stanza);
  if (!items) return [];
  const node = items.attrs.node ?? '';
  const out: FinesseUpdate[] = [];
  for (const item of items.getChildElements()) {
    if (localName(item.name) !== 'item') continue;
    const notification = childCi(item, 'notification');
    // Newer Finesse and some gadgets put the Update as real child XML instead of escaped text.
    const inline = childCi(notification ?? item, 'update');
    const text = inline ? inline.toString() : (notification ?? item).getText().trim();
    if (!text) continue;
    out.push(decodeUpdateText(text, node, item.attrs.id));
  }
  return out;
}

/** The first Update of a stanza, or undefined when it is not a Finesse notification. */
export function decodeUpdate(stanza: Element): FinesseUpdate | undefined {
  return decodeUpdates(stanza)[0];
}

/** Decodes the (already unescaped) text of an <Update> document. */
export function decodeUpdateText(text: string, node: string, itemId?: string): FinesseUpdate {
  const base: FinesseUpdate = { node, xml: text };
  if (itemId) base.itemId = itemId;
  const parsed = parseXml(text);
  if (!parsed.ok) return { ...base, error: parsed.error };
  const update = parsed.element;
  if (localName(update.name).toLowerCase() !== 'update') {
    return {
      ...base,
      element: update,
      kind: localName(update.name),
      error: `Expected <Update>, found <${update.name}>`,
    };
  }
  const result: FinesseUpdate = { ...base, element: update };
  const event = textCi(update, 'event')?.toUpperCase();
  if (event === 'POST' || event === 'PUT' || event === 'DELETE') result.event = event;
  const requestId = textCi(update, 'requestId');
  if (requestId) result.requestId = requestId;
  const source = textCi(update, 'source');
  if (source) result.source = source;
  const data = childCi(update, 'data');
  const entity = data?.getChildElements()[0];
  if (entity) {
    result.kind = localName(entity.name);
    const state = entityState(entity);
    if (state) result.state = state;
    if (result.kind.toLowerCase() === 'apierrors') result.apiErrors = apiErrorsOf(entity);
  } else {
    const info = describeNode(source ?? node);
    if (info) result.kind = info.entity.toLowerCase();
  }
  return result;
}

function apiErrorsOf(entity: Element): ApiError[] {
  return entity
    .getChildElements()
    .filter((c) => localName(c.name).toLowerCase() === 'apierror')
    .map((err) => {
      const e: ApiError = {};
      const type = textCi(err, 'errorType');
      const message = textCi(err, 'errorMessage');
      if (type) e.type = type;
      if (message) e.message = message;
      return e;
    });
}

/** `apiError · Invalid State — Cannot change state to READY from TALKING`: the list shows an error as one. */
export function apiErrorLabel(u: FinesseUpdate): string | undefined {
  const first = u.apiErrors?.[0];
  if (!first) return undefined;
  const text = [first.type, first.message].filter(Boolean).join(' — ');
  const more = u.apiErrors!.length > 1 ? ` (+${u.apiErrors!.length - 1} more)` : '';
  return `apiError · ${text || 'no details'}${more}`;
}

/** The state worth showing for an entity: user/dialog state, or the first apiError type. */
function entityState(entity: Element): string | undefined {
  const kind = localName(entity.name).toLowerCase();
  if (kind === 'apierrors') {
    const err = childCi(entity, 'apiError');
    return textCi(err, 'errorType') ?? textCi(err, 'errorMessage');
  }
  if (kind === 'dialogs') {
    // POST carries <dialogs><Dialog>…; an empty <dialogs/> has no state.
    const dialog = entity.getChildElements()[0];
    return dialog ? textCi(dialog, 'state') : undefined;
  }
  if (kind === 'users') {
    const user = entity.getChildElements()[0];
    return user ? textCi(user, 'state') : undefined;
  }
  return textCi(entity, 'state');
}

/** `User agent1 PUT → READY` for list columns. */
export function updateLabel(u: FinesseUpdate): string {
  // The node path reads as the subject: `User agent1`, `User agent1 Dialogs`, `Team 1 Users`.
  const parts = [nodeLabel(u.node)];
  if (u.event) parts.push(u.event);
  let label = parts.join(' ');
  if (u.state) label += ` → ${u.state}`;
  else if (u.kind) label += ` ${u.kind}`;
  return label;
}
