/**
 * The Frame record: one WebSocket message (or lifecycle event) as it crossed the wire.
 * Only what was on the wire is stored; everything parsed from it (element, stanza summary,
 * Finesse Update) is derived on demand and cached in capture/frameView.ts, never stored twice.
 */
import { isUtf8 } from 'node:buffer';

/** `out` = client → server, `in` = server → client (as seen by the Finesse client). */
export type Direction = 'in' | 'out';

export type FrameKind =
  | 'open' // RFC 7395 <open/>
  | 'close' // RFC 7395 <close/>
  | 'stanza' // any other XML element (message, presence, iq, sasl, stream:features, …)
  | 'text' // a text frame that is not an XML element (keepalive whitespace, garbage)
  | 'binary' // a binary frame; raw holds base64
  | 'ping'
  | 'pong'
  | 'closeframe'; // the WebSocket close frame; raw holds `code reason`

export interface FrameFlags {
  malformed?: boolean;
  held?: boolean;
  edited?: boolean;
  injected?: boolean;
  dropped?: boolean;
  replayed?: boolean;
  /** Only the first bytes are kept (the store's per-frame limit); `bytes` is the size on the wire. */
  truncated?: boolean;
}

export interface Frame {
  id: number;
  session: string;
  dir: Direction;
  /** Epoch milliseconds with sub-millisecond precision. */
  t: number;
  kind: FrameKind;
  /** Text as sent; binary frames as base64; closeframe as `code reason`. */
  raw: string;
  /** Payload length in bytes on the wire. */
  bytes: number;
  flags: FrameFlags;
  /** The text as first captured, kept when an intercept edit replaced `raw`. */
  original?: string;
}

/** What a producer hands to the store; the store assigns the id. */
export type FrameInput = Omit<Frame, 'id' | 'flags' | 't' | 'bytes'> & {
  flags?: FrameFlags;
  t?: number;
  bytes?: number;
};

/**
 * Ping/pong payloads (≤ 125 bytes) are almost always empty or ASCII: kept as text when they are
 * valid UTF-8, otherwise as base64 so nothing is lost.
 */
export function controlPayloadText(payload: Buffer): string {
  return isUtf8(payload) ? payload.toString() : payload.toString('base64');
}

/** The close frame as `code reason`, or just `code`; 1005 = a close frame without a code. */
export function closeRaw(code: number, reason: Buffer | string): string {
  const text = typeof reason === 'string' ? reason : reason.toString();
  return text ? `${code} ${text}` : String(code);
}

/** Wall-clock time with sub-ms precision (Date.now() has only ms). */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
