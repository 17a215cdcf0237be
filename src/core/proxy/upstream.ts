/**
 * The upstream half of a proxied connection: which URL it goes to, which of the client's
 * request headers travel with it, and opening it (verified TLS) before the client's upgrade is
 * accepted, so the subprotocol the real server picked can be echoed to the client.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect, isIP } from 'node:net';
import type { NetConnectOpts, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import { tlsOptions, TlsTrust } from '../session/tls';
import type { Upgraded } from './handoff';

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
  /** The subprotocol the server chose ('' for none), relayed to the client whatever it is. */
  protocol: string;
  /** Other headers of the server's 101 answer (e.g. Set-Cookie), relayed to the client. */
  headers: [string, string][];
}

/** The server's 101 headers that are about this hop's handshake, not for the client. */
const HANDSHAKE_RESPONSE = new Set([
  'upgrade',
  'connection',
  'sec-websocket-accept',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'content-length',
  'transfer-encoding',
  'keep-alive',
]);

/**
 * Opens the upstream connection with the client's offered subprotocols and headers. The opening
 * handshake is done here rather than by a WebSocket library on purpose: a library would refuse
 * a server answer the client might accept (or the reverse), whereas the proxy only checks that
 * the server really upgraded (Sec-WebSocket-Accept) and relays the rest for the client to judge
 * as it would directly. Rejects with UpstreamRefusedError when the server answers with another
 * HTTP status, or with the connect/TLS error. `abort()` ends an attempt still in progress.
 */
export function connectUpstream(opts: UpstreamOptions): { opened: Promise<UpstreamConnection>; abort: () => void } {
  const url = new URL(opts.url);
  const secure = url.protocol === 'wss:';
  const key = randomBytes(16).toString('base64');
  const headers: Record<string, string> = {
    ...opts.headers,
    connection: 'Upgrade',
    upgrade: 'websocket',
    'sec-websocket-key': key,
    'sec-websocket-version': '13',
  };
  if (opts.protocols.length) headers['sec-websocket-protocol'] = opts.protocols.join(', ');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const tls = secure ? tlsOptions(opts.trust) : undefined;
  const request: RequestOptions = {
    host,
    port: url.port || (secure ? 443 : 80),
    path: url.pathname + url.search,
    method: 'GET',
    headers,
    timeout: HANDSHAKE_TIMEOUT_MS,
    // No agent: one fresh connection per client socket, made here (as ws does). With a pinned
    // fingerprint tls.ts's own factory (spread below) checks the certificate before the request
    // is written; all of tls.ts's options (CA, identity check) go with the request.
    createConnection: (secure
      ? (o: ConnectionOptions) => tlsConnect(o)
      : (o: NetConnectOpts) => netConnect(o)) as RequestOptions['createConnection'],
    ...(tls ? { servername: isIP(host) ? undefined : host, ...(tls as RequestOptions) } : {}),
  };
  const req = (secure ? httpsRequest : httpRequest)(request);
  let settled = false;
  const opened = new Promise<UpstreamConnection>((resolve, reject) => {
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(err);
    };
    req.once('error', fail);
    req.once('timeout', () =>
      fail(new Error(`${opts.url}: no answer to the WebSocket upgrade within ${HANDSHAKE_TIMEOUT_MS / 1000} s`)),
    );
    req.once('upgrade', (res: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (settled) return socket.destroy();
      if (res.headers['sec-websocket-accept'] !== acceptKey(key)) {
        socket.destroy();
        return fail(new Error(`${opts.url} answered the upgrade with a wrong Sec-WebSocket-Accept`));
      }
      settled = true;
      (socket as Socket).setTimeout?.(0);
      (socket as Socket).setNoDelay?.(true);
      socket.pause();
      const relayed: [string, string][] = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2) {
        if (!HANDSHAKE_RESPONSE.has(res.rawHeaders[i].toLowerCase()))
          relayed.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
      }
      resolve({ socket, head, protocol: String(res.headers['sec-websocket-protocol'] ?? ''), headers: relayed });
    });
    req.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const limit = opts.maxRefusalBody ?? REFUSAL_BODY_LIMIT;
      const done = () =>
        fail(
          new UpstreamRefusedError(
            opts.url,
            res.statusCode ?? 502,
            res.statusMessage ?? '',
            res.headers,
            Buffer.concat(chunks),
          ),
        );
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
  req.end();
  // Whoever awaits `opened` sees the rejection; this keeps an abandoned attempt quiet.
  opened.catch(() => undefined);
  const abort = () => {
    if (!settled) {
      settled = true;
      req.destroy();
    } else
      opened.then(
        (up) => up.socket.destroy(),
        () => undefined,
      );
  };
  return { opened, abort };
}

const HANDSHAKE_TIMEOUT_MS = 30_000;
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** RFC 6455 4.2.2: the server proves it read the key. */
function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}
