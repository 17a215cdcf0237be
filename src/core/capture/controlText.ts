/**
 * The text form of WebSocket control frames in the Frame record (`raw` of ping, pong and
 * closeframe frames). Node-side only: it reads Buffers, and the Frame record itself stays free
 * of Node types so the webview bundle can share it.
 */
import { isUtf8 } from 'node:buffer';

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
