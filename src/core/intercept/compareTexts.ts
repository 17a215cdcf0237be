/**
 * The two sides of "Compare with Original", made alike so the diff shows only what changed. Both
 * are in the editor form (pretty-printed, a Finesse Update decoded) when both can be; when one
 * side cannot be parsed (an edit sent with errors) both are compared as sent, and when only one
 * side's Update decodes, neither is decoded: a side pretty-printed against one left as a single
 * line made one changed value a diff of dozens of lines.
 */
import type { FrameKind } from '../capture/frame';
import { parseXml } from '../xmpp/xml';
import { toEditable } from './editable';

export function compareTexts(original: string, edited: string, kind: FrameKind = 'stanza'): [string, string] {
  if (kind === 'hub') return [toEditable(original, kind), toEditable(edited, kind)];
  if (!parseXml(original).ok || !parseXml(edited).ok) return [original, edited];
  const a = toEditable(original, kind);
  const b = toEditable(edited, kind);
  if (decodedUpdates(a) === decodedUpdates(b)) return [a, b];
  return [toEditable(original, kind, { decodeUpdates: false }), toEditable(edited, kind, { decodeUpdates: false })];
}

/** How many Updates the editor form shows decoded (they carry xmlns=""). */
function decodedUpdates(editable: string): number {
  return editable.match(/<Update xmlns="">/g)?.length ?? 0;
}
