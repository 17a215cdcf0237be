/**
 * Header rewriting for reverse mode: the browser talks to https://LOCAL (our listener), the
 * server believes it talks to https://UPSTREAM. Requests get Host/Origin/Referer turned into the
 * upstream's; responses get Location, Set-Cookie Domain, Access-Control-Allow-Origin and CSP
 * sources turned into ours, so redirects, cookies, CORS and the desktop's own wss:// connection
 * stay on the listener. Works on Node's raw header lists (name, value, name, value…) so order,
 * case and repeated headers (Set-Cookie) survive; everything else passes unchanged.
 */
import { isIP } from 'node:net';

export interface Origins {
  /** `https://finesse.example.com:8445` (no trailing slash). */
  upstream: string;
  /** `https://127.0.0.1:8445`, as the browser addressed us (from its Host header). */
  local: string;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, not the message. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'upgrade',
]);

/**
 * HSTS from the upstream would pin https onto `localhost`/our host for every port, breaking the
 * user's other local servers long after the debugging session; it is dropped.
 */
const DROPPED_DOWNSTREAM = new Set(['strict-transport-security']);

/** The headers named in Connection: are hop-by-hop too. */
function connectionTokens(raw: readonly string[]): Set<string> {
  const tokens = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() === 'connection')
      for (const t of raw[i + 1].split(',')) if (t.trim()) tokens.add(t.trim().toLowerCase());
  }
  return tokens;
}

/**
 * Request headers for the upstream (flat raw list). Transfer-Encoding and Content-Length stay:
 * Node's client then frames the streamed body exactly as the browser did.
 */
export function upstreamRequestHeaders(raw: readonly string[], origins: Origins): string[] {
  const up = new URL(origins.upstream);
  return mapEndToEnd(raw, new Set(), (lower, value) => {
    if (lower === 'host') return up.host;
    if (lower === 'origin') return swapOrigin(value, origins.local, origins.upstream);
    if (lower === 'referer') return swapUrlPrefix(value, origins.local, origins.upstream);
    return value;
  });
}

/**
 * Walks a flat raw header list, leaving out hop-by-hop headers (and those Connection: names, and
 * `alsoDrop`), and keeps each remaining name with the value `rewrite` gives it, in order.
 */
function mapEndToEnd(
  raw: readonly string[],
  alsoDrop: ReadonlySet<string>,
  rewrite: (lower: string, value: string) => string,
): string[] {
  const drop = connectionTokens(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i].toLowerCase();
    if (HOP_BY_HOP.has(lower) || drop.has(lower) || alsoDrop.has(lower)) continue;
    out.push(raw[i], rewrite(lower, raw[i + 1]));
  }
  return out;
}

/** Request headers for a WebSocket upgrade (Node's parsed form, changed in place for ws). */
export function rewriteUpgradeHeaders(headers: Record<string, string | string[] | undefined>, origins: Origins): void {
  headers.host = new URL(origins.upstream).host;
  if (typeof headers.origin === 'string') headers.origin = swapOrigin(headers.origin, origins.local, origins.upstream);
  if (typeof headers.referer === 'string')
    headers.referer = swapUrlPrefix(headers.referer, origins.local, origins.upstream);
}

/** Response headers for the browser (flat raw list). */
export function downstreamResponseHeaders(raw: readonly string[], origins: Origins): string[] {
  return mapEndToEnd(raw, DROPPED_DOWNSTREAM, (lower, value) => {
    switch (lower) {
      case 'location':
      case 'content-location':
        return swapUrlPrefix(value, origins.upstream, origins.local);
      case 'set-cookie':
        return rewriteCookieDomain(value, new URL(origins.upstream).hostname, new URL(origins.local).hostname);
      case 'access-control-allow-origin':
        return swapOrigin(value, origins.upstream, origins.local);
      case 'content-security-policy':
      case 'content-security-policy-report-only':
        return rewriteCsp(value, origins.upstream, origins.local);
      default:
        return value;
    }
  });
}

/** Same origin, compared as URLs (case of host, default port). */
function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

function swapOrigin(value: string, from: string, to: string): string {
  return sameOrigin(value.trim(), from) ? new URL(to).origin : value;
}

/** An absolute URL on `from` becomes the same path on `to`; anything else is left alone. */
function swapUrlPrefix(value: string, from: string, to: string): string {
  // Only the scheme://authority prefix is replaced; the rest keeps its exact bytes.
  const m = /^(\s*)([a-z][a-z0-9+.-]*:\/\/[^/?#\s]*)([\s\S]*)$/i.exec(value);
  if (!m) return value; // relative (resolves against our host already) or garbage
  try {
    if (new URL(m[2]).origin !== new URL(from).origin) return value;
  } catch {
    return value;
  }
  return m[1] + new URL(to).origin + m[3];
}

/**
 * A cookie whose Domain covers the upstream host is re-scoped to our host: as a host-only
 * cookie (Domain removed) when we are addressed by IP or `localhost`, which browsers refuse as
 * a Domain, else as `Domain=<our host>`. Secure, HttpOnly, SameSite, Path stay as they are
 * (the listener is HTTPS, so Secure cookies keep working).
 */
export function rewriteCookieDomain(cookie: string, upstreamHost: string, localHost: string): string {
  const parts = cookie.split(';');
  const out: string[] = [parts[0]];
  const local = localHost.replace(/^\[|\]$/g, '');
  for (const part of parts.slice(1)) {
    const m = /^\s*domain\s*=\s*(.*?)\s*$/i.exec(part);
    if (m && domainCovers(m[1], upstreamHost)) {
      if (isIP(local) || local === 'localhost') continue;
      out.push(` Domain=${local}`);
    } else out.push(part);
  }
  return out.join(';');
}

function domainCovers(domain: string, host: string): boolean {
  const d = domain.replace(/^\./, '').toLowerCase();
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === d || (!isIP(h) && h.endsWith(`.${d}`));
}

/**
 * CSP host sources naming the upstream (`https://finesse:8445`, `wss://finesse:8445/ws/`,
 * `finesse:8445`) become the same source on our host, in every directive (connect-src is the
 * one the desktop needs for its WebSocket). 'self' needs nothing: it already means us.
 */
export function rewriteCsp(policy: string, upstream: string, local: string): string {
  const up = new URL(upstream);
  const lo = new URL(local);
  const upPort = up.port || '443';
  return policy
    .split(';')
    .map((directive) =>
      directive.replace(
        /(^|\s)((?:([a-z][a-z0-9+.-]*):\/\/)?([^\s/:'"]+)(?::(\d+|\*))?(\/[^\s]*)?)(?=\s|$)/gi,
        (
          all,
          lead: string,
          _source,
          scheme: string | undefined,
          host: string,
          port: string | undefined,
          path: string | undefined,
        ) => {
          if (host.toLowerCase() !== up.hostname.toLowerCase()) return all;
          const defaultPort = scheme === 'http' || scheme === 'ws' ? '80' : '443';
          if (port !== undefined && port !== '*' && port !== upPort) return all;
          if (port === undefined && upPort !== defaultPort) return all;
          return `${lead}${scheme ? `${scheme}://` : ''}${lo.host}${path ?? ''}`;
        },
      ),
    )
    .join(';');
}
