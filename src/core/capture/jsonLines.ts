/**
 * The CLI's stable JSON-lines contract (DESIGN.md): the Frame record fields plus, where
 * decodable, `finesse: {node, event, requestId, source, kind, state}` and `error` for malformed
 * frames. SASL payloads are redacted unless the caller explicitly asks otherwise.
 */
import type { Frame } from './frame';
import { finesseJson, transientView, FinesseJson } from './frameView';
import { redact } from '../xmpp/sasl';

export interface FrameJson extends Frame {
  finesse?: FinesseJson;
  error?: string;
}

export function frameToJson(frame: Frame, opts: { reveal?: boolean; secrets?: string[] } = {}): FrameJson {
  const out: FrameJson = { ...frame, flags: { ...frame.flags } };
  if (!opts.reveal) {
    out.raw = redact(frame.raw, opts.secrets);
    if (frame.original !== undefined) out.original = redact(frame.original, opts.secrets);
  }
  const view = transientView(frame);
  if (view.error) {
    out.error = view.error;
    if (frame.kind !== 'text' || frame.raw.trim()) out.flags.malformed = true;
  }
  if (view.finesse) out.finesse = finesseJson(view.finesse);
  return out;
}

export function frameToJsonLine(frame: Frame, opts?: { reveal?: boolean; secrets?: string[] }): string {
  return JSON.stringify(frameToJson(frame, opts));
}
