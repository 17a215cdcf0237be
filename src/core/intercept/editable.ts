/**
 * The held-frame editor's text form of a stanza, and back to wire text.
 *
 * Editing: the stanza is pretty-printed, and a Finesse <Update> that travels escaped inside
 * <notification> is shown decoded, as real XML (with xmlns="" because Finesse XML has no
 * namespace and would otherwise inherit the pubsub one), so it can be edited and validated.
 * Sending: whitespace the pretty printer added between elements is removed again and the
 * Update is escaped back into <notification>, as Finesse sends it. Text the user did not touch
 * keeps its original bytes (the caller compares with `toEditable(original)`).
 *
 * A hub frame (kind `hub`) is its JSON record indented by two for editing, and goes back as the
 * compact record in formatHubFrame's key order.
 */
import type { FrameKind } from '../capture/frame';
import { formatHubFrame, parseHubFrame } from '../hub/hubFrame';
import { prettyElement } from '../xmpp/pretty';
import { Element, parseXml } from '../xmpp/xml';

const isElement = (c: Element | string): c is Element => typeof c !== 'string';
const local = (name: string) => name.slice(name.indexOf(':') + 1);

/** Pretty text for the editor; malformed frames come back unchanged (they are edited as text). */
export function toEditable(raw: string, kind: FrameKind = 'stanza', opts: { decodeUpdates?: boolean } = {}): string {
  if (kind === 'hub') return hubEditable(raw);
  const parsed = parseXml(raw);
  if (!parsed.ok) return raw;
  if (opts.decodeUpdates === false) return prettyElement(parsed.element);
  for (const notification of notifications(parsed.element)) {
    if (notification.children.some(isElement)) continue;
    const text = notification.getText().trim();
    const update = text ? parseXml(text) : undefined;
    if (!update?.ok || local(update.element.name).toLowerCase() !== 'update') continue;
    update.element.attrs.xmlns = '';
    update.element.parent = notification;
    notification.children = [update.element];
  }
  return prettyElement(parsed.element);
}

/** True when the frame carries its Finesse Update escaped (as Finesse does), so sending re-escapes. */
export function escapesUpdates(raw: string): boolean {
  const parsed = parseXml(raw);
  if (!parsed.ok) return true;
  return !notifications(parsed.element).some((n) =>
    n.children.some((c) => isElement(c) && local(c.name).toLowerCase() === 'update'),
  );
}

export type WireResult = { ok: true; raw: string } | { ok: false; error: string };

/**
 * Wire text from the editor's text: compact, Update re-escaped when `escapeUpdates`; for a hub
 * frame (`kind` hub) the compact record.
 */
export function fromEditable(
  text: string,
  opts: { escapeUpdates: boolean; kind?: FrameKind } = { escapeUpdates: true },
): WireResult {
  if (opts.kind === 'hub') {
    const record = parseHubFrame(text);
    return record
      ? { ok: true, raw: formatHubFrame(record) }
      : { ok: false, error: 'Not a hub record: expected JSON {topic, from, to: [], payload}' };
  }
  const parsed = parseXml(text);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  compact(parsed.element);
  if (opts.escapeUpdates) {
    for (const notification of notifications(parsed.element)) {
      const update = notification.children.find(
        (c): c is Element => isElement(c) && local(c.name).toLowerCase() === 'update',
      );
      if (!update) continue;
      if (update.attrs.xmlns === '') delete update.attrs.xmlns;
      // ltx escapes string children on serialisation: this is the escaping Finesse applies.
      notification.children = [update.toString()];
    }
  }
  return { ok: true, raw: parsed.element.toString() };
}

/** A hub record indented by two; text that is not JSON comes back unchanged (edited as text). */
function hubEditable(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

/** Drops whitespace-only text between elements (what pretty-printing added); leaf text stays. */
function compact(el: Element): void {
  if (el.children.some(isElement) && el.children.every((c) => isElement(c) || c.trim() === '')) {
    el.children = el.children.filter(isElement);
  }
  for (const c of el.children) if (isElement(c)) compact(c);
}

function notifications(root: Element): Element[] {
  const out: Element[] = [];
  const visit = (el: Element) => {
    if (local(el.name) === 'notification') out.push(el);
    else for (const c of el.children) if (isElement(c)) visit(c);
  };
  visit(root);
  return out;
}
