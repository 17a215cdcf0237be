/**
 * One list row of the frames panel: what a view needs to draw a frame in one line, derived from
 * the frame and its cached frameView(). Rows are small and plain (they cross to the webview by
 * postMessage); the raw text stays in the store and goes over only for the detail pane.
 */
import type { Direction, Frame, FrameFlags, FrameKind, FrameNote } from './frame';
import { frameView } from './frameView';
import { redact } from '../xmpp/sasl';
import { summaryText } from '../xmpp/summary';
import { apiErrorLabel } from '../finesse/update';

export interface FrameRow {
  id: number;
  t: number;
  dir: Direction;
  kind: FrameKind;
  /** `iq set pubsub #sub1`, `open`, `"  " (keepalive)`, `1000 normal`… */
  summary: string;
  /** `User agent1 PUT → READY` when the frame carries a Finesse Update. */
  label?: string;
  bytes: number;
  /** The frame's flags, plus `malformed` when it does not parse. */
  flags: FrameFlags;
  /** Parse error of a malformed frame. */
  error?: string;
  session: string;
  /** A REST call's request frame id, on its request, its response and the Updates it caused (highlighted together). */
  link?: number;
  /** A hub frame: the id of the XMPP frame it relays (its REST cause is that frame's). */
  relays?: number;
  /**
   * A Finesse `apiErrors` Update (or a hub answer carrying an error): the label reads as the
   * error and shows in the error colour.
   */
  apiError?: boolean;
  /** The user's star and comment. */
  note?: FrameNote;
}

const SUMMARY_MAX = 160;

const cache = new WeakMap<Frame, { raw: string; flags: FrameFlags; note: FrameNote | undefined; row: FrameRow }>();

/** The row for a frame; cached per frame until its text or flags change (intercept edits). */
export function toRow(frame: Frame): FrameRow {
  const hit = cache.get(frame);
  if (hit && hit.raw === frame.raw && hit.flags === frame.flags && hit.note === frame.note) return hit.row;
  const row = computeRow(frame);
  cache.set(frame, { raw: frame.raw, flags: frame.flags, note: frame.note, row });
  return row;
}

function computeRow(frame: Frame): FrameRow {
  const view = frameView(frame);
  const row: FrameRow = {
    id: frame.id,
    t: frame.t,
    dir: frame.dir,
    kind: frame.kind,
    summary: '',
    bytes: frame.bytes,
    flags: { ...frame.flags },
    session: frame.session,
  };
  if (view.error) {
    row.error = view.error;
    // Whitespace keepalives have no view error; any other error means the frame is not valid RFC 7395.
    row.flags.malformed = true;
  }
  if (view.summary) row.summary = summaryText(view.summary);
  else if (view.hub) {
    row.summary = clip(`hub ${view.hub.topic} ${view.hub.from} → ${audience(view.hub.to)}`);
    if (view.hub.causedBy !== undefined) row.relays = view.hub.causedBy;
  } else if (view.http)
    row.summary = view.http.method
      ? `${view.http.method} ${view.http.target ?? ''}`
      : `HTTP ${view.http.status ?? ''} ${view.http.statusText ?? ''}`.trim();
  else row.summary = rawSummary(frame);
  // Finesse event messages carry no id: the pubsub item id is what tells a thousand of them apart.
  const itemId = view.finesse?.itemId;
  if (view.summary && !view.summary.id && itemId) row.summary += ` · item ${itemId}`;
  if (view.finesseLabel) row.label = view.finesseLabel;
  else if (view.hubLabel) {
    row.label = view.hubLabel.label;
    if (view.hubLabel.error) row.apiError = true;
  }
  if (frame.note) row.note = { ...frame.note };
  const apiError = view.finesse && apiErrorLabel(view.finesse);
  if (apiError) {
    row.label = apiError;
    row.apiError = true;
  }
  return row;
}

/** Who received a hub publish, in a few words: `2 gadgets`, `3 Team`, `(no subscriber)`. */
function audience(to: string[]): string {
  if (to.length === 0) return '(no subscriber)';
  if (to.length === 1) return to[0];
  const gadgets = to.filter((r) => r !== 'desktop').length;
  const plural = (n: number) => `${n} gadget${n === 1 ? '' : 's'}`;
  return gadgets === to.length ? plural(gadgets) : `desktop + ${plural(gadgets)}`;
}

/** Summary for frames without a parsed element: keepalives, garbage, binary, close frames. */
function rawSummary(frame: Frame): string {
  switch (frame.kind) {
    case 'ping':
    case 'pong':
      return frame.raw ? `${frame.kind} ${clip(frame.raw)}` : frame.kind;
    case 'binary':
      return `binary ${frame.bytes} B`;
    case 'closeframe':
      return `close ${clip(frame.raw)}`;
    case 'text':
      return frame.raw.trim() ? clip(JSON.stringify(redact(frame.raw))) : `keepalive ${JSON.stringify(frame.raw)}`;
    default:
      // A malformed login still hides its payload in the list.
      return clip(redact(frame.raw));
  }
}

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > SUMMARY_MAX ? one.slice(0, SUMMARY_MAX - 1) + '…' : one;
}
