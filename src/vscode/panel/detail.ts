/**
 * The detail pane's content for one frame: raw text (SASL payload masked until revealed),
 * pretty XML, the decoded Finesse Update as its own document, and the parse error of a
 * malformed frame. A hub frame shows its topic, publisher, receivers and the XMPP frame it
 * relays, its payload as indented JSON, and the Update it relays decoded like an XMPP one.
 * No vscode import: the webview tests run the real host logic in Node.
 */
import type { Frame } from '../../core/capture/frame';
import { frameView } from '../../core/capture/frameView';
import { toRow } from '../../core/capture/rows';
import { nestedDeeperThan, nestingNotice, prettyElement, prettyXml } from '../../core/xmpp/pretty';
import { hasSaslPayload, redact } from '../../core/xmpp/sasl';
import { parseXml } from '../../core/xmpp/xml';
import type { CopyWhat, DetailDto, FrameAction } from '../../protocol/messages';

export interface DetailOptions {
  reveal?: boolean;
  actions?: FrameAction[];
  sessionLabel?: string;
  /** Star and comment can be changed (the live store, not a saved session's viewer). */
  notes?: boolean;
}

/** The frame's text as the pane shows it: credentials masked unless revealed. */
function shownText(text: string, reveal: boolean): string {
  return reveal ? text : redact(text);
}

export function buildDetail(frame: Frame, opts: DetailOptions = {}): DetailDto {
  const reveal = !!opts.reveal;
  const row = toRow(frame);
  const view = frameView(frame);
  const masked = !reveal && hasSaslPayload(frame.raw);
  const raw = shownText(frame.raw, reveal);
  const detail: DetailDto = {
    id: frame.id,
    session: frame.session,
    dir: frame.dir,
    kind: frame.kind,
    t: frame.t,
    bytes: frame.bytes,
    flags: row.flags,
    summary: row.summary,
    raw,
    masked,
    actions: opts.actions ?? [],
    notes: !!opts.notes,
  };
  if (frame.note) detail.note = { ...frame.note };
  if (opts.sessionLabel) detail.sessionLabel = opts.sessionLabel;
  if (row.label) detail.label = row.label;
  if (view.error) detail.error = view.error;
  // Pretty-print what is shown (masked), never the secret behind it.
  if (view.element) detail.pretty = masked ? prettyXml(raw) : prettyElement(view.element);
  if (view.element && nestedDeeperThan(view.element)) detail.notice = nestingNotice();
  if (view.hub) {
    const { topic, from, to, causedBy } = view.hub;
    detail.hub = { topic, from, to };
    if (causedBy !== undefined) detail.hub.causedBy = causedBy;
    detail.pretty = prettyJson(view.hub.payload, reveal);
  }
  if (view.finesse) {
    const u = view.finesse;
    detail.update = { xml: u.element && !u.error ? prettyElement(u.element) : u.xml };
    if (view.finesseLabel) detail.update.label = view.finesseLabel;
    if (u.error) detail.update.error = u.error;
    if (u.apiErrors?.length)
      detail.apiErrors = u.apiErrors.map(
        (e) => `apiError · ${[e.type ?? 'ErrorType missing', e.message ?? 'no ErrorMessage'].join(' — ')}`,
      );
  }
  if (frame.original !== undefined) detail.original = shownText(frame.original, reveal);
  return detail;
}

/** A hub payload as the pane shows it: JSON indented by two, masked like the raw text. */
function prettyJson(payload: unknown, reveal: boolean): string {
  return shownText(JSON.stringify(payload, null, 2) ?? '(no payload)', reveal);
}

/** Text for the copy buttons (masked unless the pane shows it revealed). */
export function copyText(frame: Frame, what: CopyWhat, reveal = false): string {
  const raw = shownText(frame.raw, reveal);
  if (what === 'raw') return raw;
  if (what === 'original') return shownText(frame.original ?? frame.raw, reveal);
  if (what === 'pretty') {
    const hub = frameView(frame).hub;
    if (hub) return prettyJson(hub.payload, reveal);
    const parsed = parseXml(raw);
    return parsed.ok ? prettyElement(parsed.element) : raw;
  }
  const u = frameView(frame).finesse;
  if (!u) return '';
  return u.element && !u.error ? prettyElement(u.element) : u.xml;
}
