/**
 * The upstream half of a proxied connection: which URL it goes to, which of the client's
 * request headers travel with it, and opening it (verified TLS) before the client's upgrade is
 * accepted, so the subprotocol the real server picked can be echoed to the client.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
import { tlsOptions, TlsTrust } from '../session/tls';
import { HandoffSocket, Upgraded } from './handoff';

/** The path the proxy advertises (`ws://127.0.0.1:PORT/ws/`), as Finesse serves it. */
export const LISTEN_PATH = '/ws/';

/**
 * The upstream URL for a client request. The advertised `/ws/` maps to the target URL itself
 * (so `--target wss://finesse:8445/ws/` and Prosody's `ws://…/ws` both work unchanged);
 * whatever the client adds after `/ws/` (or after `/` for other paths) is appended to the
 * target path, and the client's query parameters follow the target's own.
 */
export function upstreamUrl(target: string, requestUrl = '/'): string {
  const url = new URL(target);
  const [rawPath, rawQuery = ''] = splitQuery(requestUrl);
  let rest: string;
  if (rawPath === '/ws' || rawPath === LISTEN_PATH) rest = '';
  else if (rawPath.startsWith(LISTEN_PATH)) rest = rawPath.slice(LISTEN_PATH.length);
  else rest = rawPath.replace(/^\/+/, '');
  if (rest) url.pathname = (url.pathname.endsWith('/') ? url.pathname : url.pathname + '/') + rest;
  if (rawQuery) url.search = url.search ? `${url.search}&${rawQuery}` : `?${rawQuery}`;
  return url.toString();
}

function splitQuery(requestUrl: string): [string, string?] {
  const i = requestUrl.indexOf('?');
  return i < 0 ? [requestUrl || '/'] : [requestUrl.slice(0, i) || '/', requestUrl.slice(i + 1)];
}

/** Hop-by-hop and handshake headers that ws generates itself for the upstream request. */
const NOT_FORWARDED = new Set([
  'host',
  'connection',
  'upgrade',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'content-length',
  'proxy-authorization',
  'proxy-connection',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
]);

/**
 * The client's request headers that go upstream unchanged (Origin, Cookie, Authorization,
 * User-Agent, …), so the server sees the same client it would see directly.
 */
export function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    // Node already joins repeated request headers; only a (nonsensical) set-cookie is an array.
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The subprotocols the client offered, in its order (`Sec-WebSocket-Protocol: xmpp, foo`). */
export function offeredProtocols(headers: IncomingHttpHeaders): string[] {
  const value = headers['sec-websocket-protocol'];
  if (!value) return [];
  return value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/** An upstream refusal to upgrade (e.g. Prosody's 501 without `xmpp`), to be relayed as is. */
export class UpstreamRefusedError extends Error {
  constructor(
    readonly url: string,
    readonly statusCode: number,
    readonly statusMessage: string,
    readonly headers: IncomingHttpHeaders,
    readonly body: Buffer,
  ) {
    super(`${url} refused the WebSocket upgrade: ${statusCode} ${statusMessage}`);
  }
}

export interface UpstreamOptions {
  url: string;
  protocols: string[];
  headers: Record<string, string>;
  trust?: TlsTrust;
  /** Upstream refusals keep at most this much of the response body for the client. */
  maxRefusalBody?: number;
}

/** Largest HTTP refusal body relayed to the client (bodies are short pages; bound it anyway). */
const REFUSAL_BODY_LIMIT = 64 * 1024;

export interface UpstreamConnection extends Upgraded {
  /** The subprotocol the server chose ('' for none). */
  protocol: string;
}

/**
 * Opens the upstream connection: ws does the handshake (verified TLS, accept key, subprotocol
 * checks) and hands over the raw socket. Rejects with UpstreamRefusedError when the server
 * answers the upgrade with another HTTP status, or with the connect/TLS error. `abort()` ends an
 * attempt still in progress (the client went away).
 */
export function connectUpstream(opts: UpstreamOptions): { opened: Promise<UpstreamConnection>; abort: () => void } {
  const secure = opts.url.startsWith('wss:');
  const ws = new HandoffSocket(opts.url, opts.protocols, {
    headers: opts.headers,
    // tls.ts's createConnection uses http's async (options, oncreate) form, which ws passes on
    // to http.request unchanged; ws's typings only know the synchronous net.connect form.
    ...(secure ? (tlsOptions(opts.trust) as WebSocket.ClientOptions) : {}),
    // Neither leg negotiates compression: frames can then go through byte for byte.
    perMessageDeflate: false,
    handshakeTimeout: 30_000,
  });
  let settled = false;
  const opened = new Promise<UpstreamConnection>((resolve, reject) => {
    ws.once('handoff', (up: Upgraded) => {
      settled = true;
      resolve({ ...up, protocol: ws.protocol });
    });
    ws.once('error', (err: Error) => {
      settled = true;
      reject(err);
    });
    ws.once('unexpected-response', (req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const limit = opts.maxRefusalBody ?? REFUSAL_BODY_LIMIT;
      const done = () => {
        if (settled) return;
        settled = true;
        reject(new UpstreamRefusedError(opts.url, res.statusCode ?? 502, res.statusMessage ?? '', res.headers, Buffer.concat(chunks)));
        // ws leaves ending the request to whoever handles 'unexpected-response'.
        res.destroy();
        req.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        if (size < limit) chunks.push(chunk.subarray(0, limit - size));
        size += chunk.length;
        if (size >= limit) done();
      });
      res.once('end', done);
      res.once('error', done);
      res.once('close', done);
    });
  });
  // Whoever awaits `opened` sees the rejection; this keeps an abandoned attempt quiet.
  opened.catch(() => undefined);
  const abort = () => {
    if (!settled) ws.terminate();
    else opened.then((up) => up.socket.destroy(), () => undefined);
  };
  return { opened, abort };
}
