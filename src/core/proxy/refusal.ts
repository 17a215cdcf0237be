/**
 * When the upstream will not take the connection, the client gets the answer it would have got
 * directly: the server's own HTTP status, headers and body (e.g. Prosody's 501 when `xmpp` is
 * not offered), or 502 Bad Gateway naming the connect/TLS error when no server answered.
 */
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { UpstreamRefusedError } from './upstream';

/** Response headers not relayed: framing is redone here (the body may have been cut). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade']);

export function refuseUpgrade(socket: Duplex, err: Error): void {
  if (socket.destroyed || !socket.writable) return;
  let status: number;
  let message: string;
  let headers: [string, string][] = [];
  let body: Buffer;
  if (err instanceof UpstreamRefusedError) {
    status = err.statusCode;
    message = err.statusMessage || STATUS_CODES[status] || '';
    for (const [name, value] of Object.entries(err.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name)) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.push([name, v]);
    }
    body = err.body;
  } else {
    status = 502;
    message = STATUS_CODES[502] as string;
    headers = [['content-type', 'text/plain; charset=utf-8']];
    body = Buffer.from(`finesse-frames proxy: upstream failed: ${err.message}\n`);
  }
  const head =
    `HTTP/1.1 ${status} ${message.replace(/[\r\n]/g, ' ')}\r\n` +
    headers.map(([n, v]) => `${n}: ${v.replace(/[\r\n]/g, ' ')}\r\n`).join('') +
    `content-length: ${body.length}\r\nconnection: close\r\n\r\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}

/** A request ws will accept as an upgrade; anything else goes straight to ws for its 4xx. */
export function looksLikeUpgrade(req: IncomingMessage): boolean {
  const key = req.headers['sec-websocket-key'];
  return (
    req.method === 'GET' &&
    req.headers.upgrade?.toLowerCase() === 'websocket' &&
    typeof key === 'string' &&
    /^[+/0-9A-Za-z]{22}==$/.test(key) &&
    (req.headers['sec-websocket-version'] === '13' || req.headers['sec-websocket-version'] === '8')
  );
}
