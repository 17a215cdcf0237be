/**
 * The Frame record: one WebSocket message (or lifecycle event) as it crossed the wire.
 * Only what was on the wire is stored; everything parsed from it (element, stanza summary,
 * Finesse Update) is derived on demand and cached in capture/frameView.ts, never stored twice.
 */

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
  | 'closeframe' // the WebSocket close frame; raw holds `code reason`
  | 'http' // one HTTP request (out) or response (in) of a REST call; raw holds it as HTTP/1.1 text (core/http/message.ts)
  | 'hub'; // one OpenAjax hub publish in the gadget desktop; raw holds it as JSON (core/hub/hubFrame.ts)

export interface FrameFlags {
  malformed?: boolean;
  held?: boolean;
  edited?: boolean;
  injected?: boolean;
  dropped?: boolean;
  replayed?: boolean;
  /**
   * Arrived after the other side had gone away (its socket closed, or the proxy closed this
   * direction), so it was recorded but could not be delivered. Not `dropped`: nobody chose to
   * drop it, e.g. a client's normal close reply to a server that already closed.
   */
  afterClose?: boolean;
  /** Only the first bytes are kept (the store's per-frame limit); `bytes` is the size on the wire. */
  truncated?: boolean;
  /**
   * Forwarded out of order by intercept: a later frame of its session and direction went first
   * (a let-the-rest-pass breakpoint held it), or it was forwarded while an earlier one was held.
   */
  reordered?: boolean;
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
  /** kind `http`, dir `in`: the id of the request frame this response answers. */
  answers?: number;
  /** The user's star and comment on this frame (kept in saved sessions). */
  note?: FrameNote;
}

/** A mark the user puts on a frame, like Burp's highlight and comment. */
export interface FrameNote {
  starred?: boolean;
  text?: string;
}

/** What a producer hands to the store; the store assigns the id. */
export type FrameInput = Omit<Frame, 'id' | 'flags' | 't' | 'bytes'> & {
  flags?: FrameFlags;
  t?: number;
  bytes?: number;
};

/** Every frame kind: the filter's `kind:` and the session format check against this one list. */
export const FRAME_KINDS: readonly FrameKind[] = [
  'open',
  'close',
  'stanza',
  'text',
  'binary',
  'ping',
  'pong',
  'closeframe',
  'http',
  'hub',
];

/** Every flag a frame can carry: the filter's `is:` and the session format read this one list. */
export const FRAME_FLAGS = [
  'malformed',
  'held',
  'edited',
  'injected',
  'dropped',
  'replayed',
  'afterClose',
  'truncated',
  'reordered',
] as const satisfies readonly (keyof FrameFlags)[];

/** Wall-clock time with sub-ms precision (Date.now() has only ms). */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
