/**
 * Which browser pages may reach a listener of ours. Any page open in the user's browser can
 * open a WebSocket to 127.0.0.1: without this check a page that guesses the port reads a
 * replayed session (replay accepts any password) or drives the proxy. Browsers always send
 * `Origin` on a WebSocket upgrade and pages cannot forge it, so:
 *  - no Origin: a non-browser client (a test script, @xmpp/client in Node, curl): allowed;
 *  - a loopback origin (localhost, 127.0.0.0/8, [::1]): a page served over loopback: allowed;
 *  - same origin (the page was loaded from this listener), when the Host names an IP address,
 *    localhost or the listen host: a DNS name we do not know could be rebound to 127.0.0.1 by
 *    the attacker's page, which would then look same-origin;
 *  - an origin the user allowed (`--allow-origin`, the setting finesse.security.allowedOrigins;
 *    `*` allows every origin);
 *  - anything else (including the opaque origin `null` of sandboxed frames and file:): refused.
 */
import { isIP } from 'node:net';

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

export interface OriginPolicy {
  /** Extra origins allowed, e.g. `https://finesse.example.com:8445`, or `*` for any. */
  allowed?: readonly string[];
  /** The host the listener was asked to bind (a name the user chose is trusted as a Host). */
  listenHost?: string;
}

/** How a refused page can be let in; shown in the refusal. */
const ALLOW_HINT = 'allow it with --allow-origin ORIGIN or the setting finesse.security.allowedOrigins';

export function checkOrigin(
  origin: string | string[] | undefined,
  host: string | undefined,
  policy: OriginPolicy = {},
): OriginVerdict {
  if (Array.isArray(origin)) origin = origin[0];
  if (origin === undefined || origin === '') return { ok: true };
  const allowed = policy.allowed ?? [];
  if (allowed.includes('*')) return { ok: true };
  const url = parseOrigin(origin);
  if (url && isLoopbackHost(url.hostname)) return { ok: true };
  if (url && allowed.some((a) => normalizeOrigin(a) === url.origin)) return { ok: true };
  if (origin === 'null' && allowed.includes('null')) return { ok: true };
  if (url && host && url.host === host.toLowerCase() && trustedHostName(hostName(host), policy.listenHost))
    return { ok: true };
  return { ok: false, reason: `cross-site Origin ${JSON.stringify(origin.slice(0, 200))} refused; ${ALLOW_HINT}` };
}

/** localhost (and *.localhost, RFC 6761), 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h) || /^(?:0{1,4}:){7}0{0,3}1$/.test(h);
  return false;
}

/** Bound to every interface: reachable from the network, not only over loopback. */
export function isWildcardHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === '0.0.0.0' || h === '::' || h === '' || h === '0:0:0:0:0:0:0:0';
}

/** `Host: [::1]:8445` → `::1`; `localhost:1` → `localhost`. */
export function hostName(host: string): string {
  const m = /^\[([^\]]*)\](?::\d*)?$/.exec(host);
  if (m) return m[1].toLowerCase();
  const colon = host.indexOf(':');
  return (colon >= 0 && host.indexOf(':', colon + 1) < 0 ? host.slice(0, colon) : host).toLowerCase();
}

/** Names that a page cannot rebind: IP literals, localhost, and the host the user listened on. */
function trustedHostName(name: string, listenHost: string | undefined): boolean {
  if (isIP(name) || isLoopbackHost(name)) return true;
  return listenHost !== undefined && name === listenHost.replace(/^\[|\]$/g, '').toLowerCase();
}

function parseOrigin(origin: string): URL | undefined {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? undefined : url;
  } catch {
    return undefined;
  }
}

function normalizeOrigin(value: string): string {
  return parseOrigin(value.trim())?.origin ?? value.trim();
}

/** A one-line HTTP refusal written on a raw (upgrade) socket, then the socket is closed. */
export function refuseSocket(
  socket: {
    writable: boolean;
    destroyed: boolean;
    end(data: string): void;
    once(ev: 'finish', cb: () => void): void;
    destroy(): void;
  },
  status: number,
  reason: string,
): void {
  if (socket.destroyed || !socket.writable) return;
  const body = `finesse-frames: ${reason.replace(/[\r\n]+/g, ' ')}\n`;
  const text = status === 403 ? 'Forbidden' : status === 421 ? 'Misdirected Request' : 'Bad Request';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
