/**
 * "Break on frames like this": a filter-language query that matches frames of the same shape as
 * a given one (same direction; for a Finesse Update its node and event, otherwise the stanza's
 * element and type), so the rule catches the next such frame and not only this one. The result
 * is plain filter text: the user sees it in the Breakpoints view and can edit it.
 */
import type { Frame } from '../capture/frame';
import { frameView } from '../capture/frameView';
import { localName } from '../xmpp/xml';

export function filterLike(frame: Frame): string {
  const terms = [`dir:${frame.dir}`];
  const view =
    frame.kind === 'stanza' || frame.kind === 'open' || frame.kind === 'close' ? frameView(frame) : undefined;
  if (view?.finesse) {
    terms.push(`node:${view.finesse.node}`);
    if (view.finesse.event) terms.push(`event:${view.finesse.event}`);
    return terms.join(' ');
  }
  const el = view?.element;
  if (!el) {
    terms.push(`kind:${frame.kind}`);
    return terms.join(' ');
  }
  const name = localName(el.name).replace(/[^\w.-]/g, '');
  const type = el.attrs.type;
  // A regular expression on the start tag: element name, and its type attribute when it has one.
  terms.push(type && /^[\w-]+$/.test(type) ? `/^<${name}\\b[^>]*\\stype=['"]${type}['"]/` : `/^<${name}\\b/`);
  return terms.join(' ');
}
