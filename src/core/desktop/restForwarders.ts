/**
 * The gadget desktop's RestForwarders (core/gadgets/restForwarder.ts): where a gadget's
 * makeRequest, and the desktop's own sign-in and state calls, go.
 *  - local: over loopback to the local Finesse's own REST API, which captures every call it
 *    serves as `http` frames; the forwarder itself captures nothing, so each call is in the
 *    store once, with its requestId for the Updates it causes.
 *  - lab: HTTPS to the lab server, TLS verified (core/session/tls.ts: the system CAs, a CA file
 *    or a pinned fingerprint; never unverified), each exchange captured here as two `http`
 *    frames (request `out`, response `in` answering it), credentials redacted before any text
 *    exists (core/http/message.ts).
 * Either way only the path and query of the gadget's URL are kept: the gadget names the REST host
 * it was given (`up_restHost`), and the forwarder decides the server.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions as TlsRequestOptions } from 'node:https';
import { randomBytes } from 'node:crypto';
import { now, type Frame } from '../capture/frame';
import type { FrameStore, SessionInfo } from '../capture/frameStore';
import { formatRequest, formatResponse, type HeaderList, redactHeader } from '../http/message';
import type { RestForwarder, RestRequest, RestResponse } from '../gadgets/restForwarder';
import { tlsOptions, type TlsTrust } from '../session/tls';

/** The largest response body passed back to a gadget. */
const MAX_BODY = 8 << 20;
const TIMEOUT_MS = 30_000;
/** Headers that describe one hop, never forwarded. */
const HOP = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'content-length',
  'te',
  'trailer',
  'cookie',
  'origin',
  'referer',
]);

/** The local Finesse at `origin` (`http://127.0.0.1:PORT`); `ca`: its certificate when https. */
export function localRestForwarder(origin: string, ca?: string | Buffer): RestForwarder {
  const base = new URL(origin);
  const tls: TlsRequestOptions = base.protocol === 'https:' ? { ca, rejectUnauthorized: true } : {};
  return (req) => send(base, req, tls);
}

export interface LabForwarderOptions {
  /** The lab server's REST origin, `https://finesse1.lab:8445`. */
  origin: string;
  trust?: TlsTrust;
  store: FrameStore;
}

/** A forwarder to the lab server, capturing each exchange in its own store session. */
export function labRestForwarder(opts: LabForwarderOptions): RestForwarder & { session(): SessionInfo | undefined } {
  const base = new URL(opts.origin);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new Error(`not an http(s) URL: ${opts.origin}`);
  const tls = base.protocol === 'https:' ? tlsOptions(opts.trust) : {};
  let session: SessionInfo | undefined;
  const append = (dir: 'in' | 'out', raw: string, bytes: number, t: number, answers?: number): Frame => {
    session ??= opts.store.openSession({
      id: `desktop-rest-${randomBytes(3).toString('hex')}`,
      label: `REST ${base.origin} (gadget desktop)`,
      target: base.origin,
    });
    return opts.store.append({ session: session.id, dir, kind: 'http', raw, t, bytes, answers });
  };
  const forward = async (req: RestRequest): Promise<RestResponse> => {
    const target = req.url.pathname + req.url.search;
    const headers = forwardedHeaders(req.headers);
    const shown: HeaderList = [
      ['Host', base.host],
      ...Object.entries(headers).map(([n, v]): [string, string] => [n, redactHeader(n, v)]),
    ];
    const body = req.body ?? '';
    const request = append('out', formatRequest(req.method, target, shown, body), Buffer.byteLength(body), now());
    try {
      const res = await send(base, req, tls as TlsRequestOptions);
      const list: HeaderList = Object.entries(res.headers).map(([n, v]) => [n, redactHeader(n, v)]);
      append(
        'in',
        formatResponse(res.status, res.statusText ?? '', list, res.body),
        Buffer.byteLength(res.body),
        now(),
        request.id,
      );
      return { status: res.status, headers: res.headers, body: res.body };
    } catch (e) {
      append('in', formatResponse(502, `(${(e as Error).message})`, [], ''), 0, now(), request.id);
      throw e;
    }
  };
  return Object.assign(forward, { session: () => session });
}

function forwardedHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP.has(name.toLowerCase())) out[name] = value;
  return out;
}

function send(base: URL, req: RestRequest, extra: TlsRequestOptions): Promise<RestResponse & { statusText?: string }> {
  const body = req.body === undefined || req.body === '' ? undefined : Buffer.from(req.body, 'utf8');
  const headers: Record<string, string> = { ...forwardedHeaders(req.headers), Host: base.host };
  if (body) headers['Content-Length'] = String(body.length);
  const options: TlsRequestOptions = {
    ...extra,
    protocol: base.protocol,
    hostname: base.hostname.replace(/^\[|\]$/g, ''),
    port: base.port || (base.protocol === 'https:' ? 443 : 80),
    method: req.method.toUpperCase(),
    path: req.url.pathname + req.url.search,
    headers,
    timeout: TIMEOUT_MS,
  };
  return new Promise((resolve, reject) => {
    const done = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY) chunks.push(c);
      });
      res.on('end', () => {
        const out: Record<string, string> = {};
        for (const [n, v] of Object.entries(res.headers))
          if (v !== undefined) out[n] = Array.isArray(v) ? v.join(', ') : v;
        resolve({
          status: res.statusCode ?? 502,
          statusText: res.statusMessage,
          headers: out,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', reject);
    };
    const r = (base.protocol === 'https:' ? httpsRequest : httpRequest)(options, done);
    r.on('timeout', () => r.destroy(new Error(`no answer from ${base.origin} within ${TIMEOUT_MS / 1000} s`)));
    r.on('error', reject);
    r.end(body);
  });
}
