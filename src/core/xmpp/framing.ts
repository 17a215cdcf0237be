/**
 * RFC 7395 framing: each WebSocket text message is exactly one of <open/>, <close/> or one
 * complete stanza. Classification looks only at the first tag name so the hot path stays cheap;
 * full parsing happens lazily in capture/frameView.ts.
 */
import type { FrameKind } from '../capture/frame';
import { xml } from './xml';
import { CLIENT_NS, FRAMING_NS } from './namespaces';
export { CLIENT_NS, FRAMING_NS };

export const SUBPROTOCOL = 'xmpp';

const TAG_NAME = /<([A-Za-z_][\w.:-]*)/y;
const SPACE = /\s*/y;

/**
 * The first tag name of a frame, without parsing the whole thing. Leading whitespace, an XML
 * declaration or comments may precede it: RFC 7395 frames should not carry them, but a frame
 * that does is still XML, not garbage text. A scan, not one regex, so no input can make it
 * backtrack.
 */
export function firstTagName(raw: string): string | undefined {
  let pos = skipSpace(raw, 0);
  for (;;) {
    const end = raw.startsWith('<?', pos)
      ? raw.indexOf('?>', pos + 2) + 2
      : raw.startsWith('<!--', pos)
        ? raw.indexOf('-->', pos + 4) + 3
        : 0;
    if (end === 0) break;
    if (end < pos + 2) return undefined; // unterminated declaration or comment
    pos = skipSpace(raw, end);
  }
  TAG_NAME.lastIndex = pos;
  return TAG_NAME.exec(raw)?.[1];
}

function skipSpace(raw: string, pos: number): number {
  SPACE.lastIndex = pos;
  SPACE.exec(raw);
  return SPACE.lastIndex;
}

/** Kind of a text frame from its first tag; not XML at all → 'text'. */
export function classifyText(raw: string): FrameKind {
  const name = firstTagName(raw);
  if (name === undefined) return 'text';
  if (name === 'open') return 'open';
  if (name === 'close') return 'close';
  return 'stanza';
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
