/**
 * Close-frame mirroring. A proxy that let ws answer each close frame by itself would be visible:
 * ws echoes the peer's code, whereas a real server may answer with its own (Prosody answers any
 * client close with `1000 Goodbye`). So the close handshake is carried end to end:
 *
 *   client ──close(X,R)──▶ proxy: captured, forwarded upstream; the client gets no answer yet
 *   proxy ──close(X,R)──▶ server ──close(Y,R')──▶ proxy: captured, sent to the client as (Y,R')
 *
 * and the same the other way round. Codes the WebSocket protocol cannot put in a frame are
 * mapped: 1005 (a close frame without a code) is forwarded as a close frame without a code;
 * 1006 (the TCP connection ended without a close frame) terminates the other socket, so its
 * peer sees 1006 too. A side whose frames break the protocol is closed by ws with 1002/1007/1009
 * and the other side gets a close frame with the same code.
 *
 * ws has no public "close frame received" hook; it calls `websocket.close(code, reason)` to
 * answer, with `_closeFrameReceived`/`_closeCode`/`_closeMessage` already set. Shadowing
 * `close` on the instance is the one place this module reaches into ws (checked against ws 8).
 */
import WebSocket from 'ws';
import { ABNORMAL, NO_STATUS } from './capture';

interface CloseInternals {
  _closeFrameReceived: boolean;
  _closeCode: number;
  _closeMessage: Buffer;
}

const protoClose = WebSocket.prototype.close;

/** Sends a close frame (or none, for 1005) without going through an interceptor. */
export function sendClose(ws: WebSocket, code: number, reason?: Buffer | string): void {
  if (ws.readyState === WebSocket.CLOSED) return;
  if (code === NO_STATUS) protoClose.call(ws);
  else protoClose.call(ws, code, reason as string | undefined);
}

/**
 * Calls `onCloseFrame` once, when the peer's close frame arrives. If this side has not sent its
 * own close frame yet, ws's automatic answer is withheld: the answer comes later, through
 * `sendClose`, with whatever the other side's peer answered.
 */
export function onCloseFrame(ws: WebSocket, handler: (code: number, reason: Buffer) => void): void {
  const internals = ws as unknown as CloseInternals;
  let seen = false;
  ws.close = function close(this: WebSocket, code?: number, reason?: string | Buffer): void {
    if (internals._closeFrameReceived && !seen) {
      seen = true;
      handler(internals._closeCode, internals._closeMessage);
      if (ws.readyState === WebSocket.OPEN) return;
    }
    protoClose.call(ws, code, reason as string | undefined);
  };
}

/**
 * The close code ws sent when it closed this side itself because the peer broke the protocol
 * (1002 bad framing, 1007 invalid UTF-8, 1008 too many parts, 1009 too big), so the other
 * side can be closed with the same code. ws keeps it on the error under a private symbol.
 */
export function protocolErrorCode(err: Error): number | undefined {
  for (const sym of Object.getOwnPropertySymbols(err)) {
    if (sym.description === 'status-code') {
      const code = (err as unknown as Record<symbol, unknown>)[sym];
      if (typeof code === 'number') return code;
    }
  }
  return undefined;
}

/** Whether a `close` event came from a real close frame or from the socket just ending. */
export function isAbrupt(code: number): boolean {
  return code === ABNORMAL;
}
