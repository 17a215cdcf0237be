/**
 * What the reverse-mode listener lets through, before anything is forwarded:
 *  - the request must address this listener (net/host.ts, as every listener of ours): a Host
 *    naming another site (a DNS name rebound to 127.0.0.1 by a hostile page, or a request meant
 *    for some other server) gets 421 Misdirected Request, so the desktop's session cookies and
 *    our Origin rewriting never serve a page of another site;
 *  - an absolute-form target (`GET https://host/path`, what a client configured to use us as a
 *    forward proxy sends) becomes origin-form (`/path`), its authority checked like a Host;
 *  - a WebSocket upgrade must also come from an allowed Origin (net/origin.ts): the desktop,
 *    loaded from this listener, is same-origin and allowed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { checkHost } from '../../net/host';
import { checkOrigin, refuseSocket } from '../../net/origin';

export type Admission = { ok: true } | { ok: false; status: 421 | 403 | 400; reason: string };

/**
 * Checks the request's target and Host; an absolute-form target is rewritten in place to
 * origin-form (with Host set to its authority, RFC 9112 §3.2.2).
 */
export function admitRequest(req: IncomingMessage, names: ReadonlySet<string>): Admission {
  const target = req.url ?? '/';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return { ok: false, status: 400, reason: `bad request target ${JSON.stringify(target.slice(0, 200))}` };
    }
    req.url = `${url.pathname}${url.search}`;
    req.headers.host = url.host;
    replaceRawHost(req, url.host);
  }
  const refused = checkHost(req.headers.host, names);
  return refused ? { ok: false, ...refused } : { ok: true };
}

/** admitRequest plus the Origin check of a WebSocket upgrade; `allowed` adds origins. */
export function admitUpgrade(
  req: IncomingMessage,
  names: ReadonlySet<string>,
  listenHost: string,
  allowed: readonly string[] = [],
): Admission {
  const admitted = admitRequest(req, names);
  if (!admitted.ok) return admitted;
  const verdict = checkOrigin(req.headers.origin, req.headers.host, { allowed, listenHost });
  return verdict.ok ? verdict : { ok: false, status: 403, reason: verdict.reason };
}

/** Answers a refused plain request with its status and one line. */
export function refuseResponse(res: ServerResponse, refusal: Extract<Admission, { ok: false }>): void {
  const body = `finesse-frames: ${refusal.reason}\n`;
  res.writeHead(refusal.status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
}

/** Answers a refused upgrade on its raw socket. */
export function refuseUpgradeSocket(socket: Duplex, refusal: Extract<Admission, { ok: false }>): void {
  refuseSocket(socket, refusal.status, refusal.reason);
}

/** The raw header list is what gets forwarded upstream (headers.ts): keep it in step. */
function replaceRawHost(req: IncomingMessage, host: string): void {
  const raw = req.rawHeaders;
  let found = false;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() !== 'host') continue;
    if (found) {
      raw.splice(i, 2);
      i -= 2;
    } else {
      raw[i + 1] = host;
      found = true;
    }
  }
  if (!found) raw.push('Host', host);
}
