/**
 * RFC 7395 framing: each WebSocket text message is exactly one of <open/>, <close/> or one
 * complete stanza. Classification looks only at the first tag name so the hot path stays cheap;
 * full parsing happens lazily in capture/frameView.ts.
 */
import type { FrameKind } from '../capture/frame';
import { xml } from './xml';

export const FRAMING_NS = 'urn:ietf:params:xml:ns:xmpp-framing';
export const CLIENT_NS = 'jabber:client';
export const SUBPROTOCOL = 'xmpp';

const FIRST_TAG = /^\s*<([A-Za-z_][\w.:-]*)/;

/** Kind of a text frame from its first tag; not XML at all → 'text'. */
export function classifyText(raw: string): FrameKind {
  const m = FIRST_TAG.exec(raw);
  if (!m) return 'text';
  const name = m[1];
  if (name === 'open') return 'open';
  if (name === 'close') return 'close';
  return 'stanza';
}

/** The first tag name of a frame, without parsing the whole thing. */
export function firstTagName(raw: string): string | undefined {
  return FIRST_TAG.exec(raw)?.[1];
}

export function openFrame(to: string, lang = 'en'): string {
  return xml('open', { xmlns: FRAMING_NS, to, version: '1.0', 'xml:lang': lang }).toString();
}

export function closeFrame(): string {
  return xml('close', { xmlns: FRAMING_NS }).toString();
}

/** A whitespace-only text frame: some clients send these as keepalives. */
export function isWhitespaceKeepalive(raw: string): boolean {
  return raw.length > 0 && raw.trim() === '';
}
