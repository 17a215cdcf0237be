/**
 * Frame capture from ws events. Cheap by design: the payload is decoded to a string for the
 * store (binary as base64) and classified by its first tag only; the full parse happens later,
 * lazily, in capture/frameView.ts. The forwarded bytes are never touched here.
 */
import { isUtf8 } from 'node:buffer';
import type { Direction, Frame, FrameFlags } from '../capture/frame';
import type { FrameStore } from '../capture/frameStore';
import { classifyText } from '../xmpp/framing';

/** ws reports these for a close without a status code / without a close frame at all. */
export const NO_STATUS = 1005;
export const ABNORMAL = 1006;

/** A text or binary message as received (ws hands a Buffer plus `isBinary`). */
export function captureMessage(
  store: FrameStore,
  session: string,
  dir: Direction,
  data: Buffer,
  isBinary: boolean,
  flags?: FrameFlags,
): Frame {
  if (isBinary) return store.append({ session, dir, kind: 'binary', raw: data.toString('base64'), bytes: data.length, flags });
  const raw = data.toString();
  return store.append({ session, dir, kind: classifyText(raw), raw, bytes: data.length, flags });
}

/**
 * Ping/pong payloads (≤ 125 bytes) are almost always empty or ASCII: kept as text when they are
 * valid UTF-8, otherwise as base64 so nothing is lost.
 */
export function controlPayloadText(payload: Buffer): string {
  return isUtf8(payload) ? payload.toString() : payload.toString('base64');
}

export function captureControl(store: FrameStore, session: string, dir: Direction, kind: 'ping' | 'pong', payload: Buffer): Frame {
  return store.append({ session, dir, kind, raw: controlPayloadText(payload), bytes: payload.length });
}

/** The close frame as `code reason` (Frame contract); 1005 = a close frame without a code. */
export function closeRaw(code: number, reason: Buffer | string): string {
  const text = typeof reason === 'string' ? reason : reason.toString();
  return text ? `${code} ${text}` : String(code);
}

/**
 * A received (or proxy-sent, flags.injected) close frame. An abrupt end without any close frame
 * is recorded the way ws reports it, as `1006` with 0 bytes: nothing crossed the wire, but the
 * frame list must show that the connection ended and how.
 */
export function captureClose(
  store: FrameStore,
  session: string,
  dir: Direction,
  code: number,
  reason: Buffer | string,
  flags?: FrameFlags,
): Frame {
  const bytes = code === NO_STATUS || code === ABNORMAL ? 0 : 2 + Buffer.byteLength(reason);
  return store.append({ session, dir, kind: 'closeframe', raw: closeRaw(code, reason), bytes, flags });
}
