/**
 * What the rule and schema passes produce before positions become line/column: a range over the
 * text they looked at (which may be a decoded Finesse Update inside a stanza; the validator maps
 * it back to the stanza text).
 */
import type { DiagnosticSource, Severity } from './diagnostic';
import type { Range } from './positions';
import type { XElement } from './tree';

export interface Finding {
  severity: Severity;
  message: string;
  source: DiagnosticSource;
  code?: string;
  range: Range;
}

/** The element's start-tag name: where editors underline an element. */
export function nameRange(el: XElement): Range {
  return el.span.nameRange;
}

/** An attribute `name="value"` when present, else the element's name. */
export function attrRange(el: XElement, attr: string): Range {
  const a = el.span.attrs.get(attr);
  return a ? { start: a.name.start, end: a.value.end + 1 } : nameRange(el);
}

/** Only the attribute value (inside the quotes). */
export function attrValueRange(el: XElement, attr: string): Range {
  const a = el.span.attrs.get(attr);
  return a ? a.value : nameRange(el);
}

/** The text content of a leaf element, or its name when it is empty. */
export function textRange(el: XElement): Range {
  const close = el.span.close;
  if (!close || close.start <= el.span.end) return nameRange(el);
  return { start: el.span.end, end: close.start };
}
