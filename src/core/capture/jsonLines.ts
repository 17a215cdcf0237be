/**
 * The CLI's stable JSON-lines contract (docs/ARCHITECTURE.md): the Frame record fields plus, where
 * decodable, `finesse: {node, event, requestId, source, kind, state}`, `http` for a REST call,
 * `hub: {topic, from, to, causedBy}` for a gadget desktop's hub publish (with `finesse` for the
 * Update it relays) and `error` for malformed frames. SASL payloads are redacted unless the
 * caller explicitly asks otherwise.
 */
import type { Frame } from './frame';
import { peekText } from './lazyFrame';
import { finesseJson, transientView, FinesseJson, FrameView } from './frameView';
import { redact } from '../xmpp/sasl';
import { readNotification } from '../finesse/notificationText';
import type { Correlator } from '../finesse/correlation';
import { headerValue, pathOf } from '../http/message';

/** A REST call's frame (kind `http`): the request's method, path and requestId; the response's status. */
interface HttpJson {
  method?: string;
  path?: string;
  status?: number;
  requestId?: string;
}

/** A hub publish (kind `hub`): its topic, who published it, who received it, the XMPP frame it relays. */
interface HubJson {
  topic: string;
  from: string;
  to: string[];
  causedBy?: number;
}

export interface FrameJson extends Frame {
  finesse?: FinesseJson & { causedBy?: number; likelyCause?: number };
  http?: HttpJson;
  hub?: HubJson;
  error?: string;
}

export interface FrameJsonOptions {
  reveal?: boolean;
  secrets?: string[];
  /** Links Updates to the REST calls that caused them (`finesse.causedBy`, or `likelyCause` for a guess). */
  correlation?: Correlator;
}

export function frameToJson(frame: Frame, opts: FrameJsonOptions = {}): FrameJson {
  // The frame's fields in their order, as `{ ...frame }` would give them, but reading a lazy
  // frame's text without caching it there (peekText).
  const raw = peekText(frame);
  const out = {} as FrameJson;
  for (const key of Object.keys(frame) as (keyof Frame)[])
    (out as unknown as Record<string, unknown>)[key] = key === 'raw' ? raw : frame[key];
  out.flags = { ...frame.flags };
  if (!opts.reveal) {
    out.raw = redact(raw, opts.secrets);
    if (frame.original !== undefined) out.original = redact(frame.original, opts.secrets);
  }
  // A plain notification's facts are read from its text; the rest is parsed (notificationText.ts).
  const quick = frame.kind === 'stanza' && !frame.flags.truncated ? readNotification(raw) : undefined;
  const view: FrameView = quick === undefined ? transientView(frame, raw) : {};
  if (view.error) {
    out.error = view.error;
    if (frame.kind !== 'text' || raw.trim()) out.flags.malformed = true;
  }
  const finesse = quick ?? (view.finesse && finesseJson(view.finesse));
  if (view.hub) {
    const hub: HubJson = { topic: view.hub.topic, from: view.hub.from, to: view.hub.to };
    if (view.hub.causedBy !== undefined) hub.causedBy = view.hub.causedBy;
    out.hub = hub;
  }
  if (finesse) {
    out.finesse = finesse;
    // A relayed Update was caused by what caused the XMPP Update it relays.
    const cause = opts.correlation?.causeOf(view.hub?.causedBy ?? frame.id);
    if (cause) out.finesse[cause.guess ? 'likelyCause' : 'causedBy'] = cause.request;
  }
  if (view.http) {
    const http: HttpJson = {};
    const call = opts.correlation?.effectsOf(frame.id);
    const method = view.http.method ?? call?.method;
    if (method) http.method = method;
    const path = view.http.target !== undefined ? pathOf(view.http.target) : call?.path;
    if (path) http.path = path;
    if (view.http.status !== undefined) http.status = view.http.status;
    const requestId = view.http.method ? headerValue(view.http.headers, 'requestId') : call?.requestId;
    if (requestId) http.requestId = requestId;
    out.http = http;
  }
  return out;
}

export function frameToJsonLine(frame: Frame, opts?: FrameJsonOptions): string {
  return JSON.stringify(frameToJson(frame, opts));
}
