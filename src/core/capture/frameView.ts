/**
 * Derived, cached view of a frame: parsed element, stanza summary, Finesse Update, the hub
 * publish of a `hub` frame (with the Update it relays, decoded as an XMPP one is). Computed on
 * first use (never on the forwarding path) and cached per frame object, so a frame is parsed at
 * most once however many views read it. An edit (new raw text) invalidates the cache.
 */
import type { Frame } from './frame';
import { Element, parseXml, type ParseResult } from '../xmpp/xml';
import { parseStreamHeader } from '../proxy/tcp/streamHeader';
import { StanzaSummary, summarize } from '../xmpp/summary';
import { decodeUpdate, FinesseUpdate, updateLabel } from '../finesse/update';
import { HttpMessage, parseHttpMessage } from '../http/message';
import { type HubMessage, parseHubFrame } from '../hub/hubFrame';
import { hubPayloadLabel, relayedUpdate } from '../finesse/hubPayload';

export interface FrameView {
  element?: Element;
  /** Parse error for text frames that should have been XML. */
  error?: string;
  summary?: StanzaSummary;
  finesse?: FinesseUpdate;
  /** `User agent1 PUT → READY`, when the frame is a Finesse notification. */
  finesseLabel?: string;
  /** The HTTP request or response of a frame of kind `http`. */
  http?: HttpMessage;
  /**
   * The publish of a frame of kind `hub`. When its payload relays an Update, `finesse` (and
   * `finesseLabel`) hold that Update, so every Update key reads it as it reads an XMPP one.
   */
  hub?: HubMessage;
  /** `SubscribeNodeReq Team 1 Users`: a hub payload that is a Finesse request or answer, not an Update. */
  hubLabel?: { label: string; error?: boolean };
}

const cache = new WeakMap<Frame, { raw: string; view: FrameView }>();

export function frameView(frame: Frame): FrameView {
  const hit = cache.get(frame);
  if (hit && hit.raw === frame.raw) return hit.view;
  const view = computeView(frame);
  cache.set(frame, { raw: frame.raw, view });
  return view;
}

/**
 * The view without keeping it, for a reader that looks at each frame once (the CLI's JSON lines):
 * caching a parsed tree for every frame the store holds is what made the CLI's garbage
 * collector the busiest part of the process. A view already cached is reused. `raw` is the
 * frame's text when the caller already has it. Without `summary` and `finesseLabel`, which
 * only the panel shows.
 */
export function transientView(frame: Frame, raw = frame.raw): FrameView {
  const hit = cache.get(frame);
  return hit && hit.raw === raw ? hit.view : computeView(frame, raw, false);
}

function computeView(frame: Frame, raw = frame.raw, labels = true): FrameView {
  if (frame.kind === 'http') {
    const http = parseHttpMessage(raw);
    return http ? { http } : { error: 'Not an HTTP message' };
  }
  if (frame.kind === 'hub') return frame.flags?.truncated ? {} : hubView(raw, labels);
  if (frame.kind !== 'open' && frame.kind !== 'close' && frame.kind !== 'stanza') {
    // A text frame that is not whitespace and not XML is malformed for RFC 7395.
    if (frame.kind === 'text' && raw.trim()) return { error: 'Not an XML element' };
    return {};
  }
  // A frame the store kept only the start of is incomplete by our doing, not the peer's: it is
  // shown as text, not reported as malformed.
  if (frame.flags?.truncated) return {};
  // XMPP over TCP ends with the stream's end tag alone: nothing to parse, nothing wrong.
  if (frame.kind === 'close' && /^\s*<\/[^\s>]*stream\s*>\s*$/.test(raw)) return {};
  const parsed = frame.kind === 'open' ? parseOpen(raw) : parseXml(raw);
  if (!parsed.ok) return { error: parsed.error };
  const view: FrameView = { element: parsed.element };
  if (labels) view.summary = summarize(parsed.element);
  const finesse = decodeUpdate(parsed.element);
  if (finesse) {
    view.finesse = finesse;
    if (labels) view.finesseLabel = updateLabel(finesse);
  }
  return view;
}

/** An RFC 7395 <open/>, or XMPP over TCP's stream header (a start tag that is never closed). */
function parseOpen(raw: string): ParseResult {
  const parsed = parseXml(raw);
  if (parsed.ok) return parsed;
  const header = parseStreamHeader(raw);
  return header ? { ok: true, element: header } : parsed;
}

/** The JSON a hub frame holds (core/hub/hubFrame.ts); the text of an edit that broke it is an error. */
function hubView(raw: string, labels: boolean): FrameView {
  const hub = parseHubFrame(raw);
  if (!hub) return { error: HUB_ERROR };
  const view: FrameView = { hub };
  const finesse = relayedUpdate(hub.payload);
  if (finesse) {
    view.finesse = finesse;
    if (labels) view.finesseLabel = updateLabel(finesse);
  } else if (labels) {
    const label = hubPayloadLabel(hub.payload);
    if (label) view.hubLabel = label;
  }
  return view;
}
const HUB_ERROR = 'Not a hub record: expected JSON {topic, from, to: [], payload}';

/** The `finesse` object of the CLI JSON lines contract (docs/ARCHITECTURE.md). */
export interface FinesseJson {
  node: string;
  event?: string;
  requestId?: string;
  source?: string;
  kind?: string;
  state?: string;
}

export function finesseJson(u: FinesseUpdate): FinesseJson {
  const out: FinesseJson = { node: u.node };
  if (u.event) out.event = u.event;
  if (u.requestId) out.requestId = u.requestId;
  if (u.source) out.source = u.source;
  if (u.kind) out.kind = u.kind;
  if (u.state) out.state = u.state;
  return out;
}
