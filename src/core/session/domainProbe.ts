/**
 * Asks a server which XMPP domain it serves before the user types one: opens the WebSocket,
 * sends an RFC 7395 `<open to=HOST/>` and reads the `from` of the server's `<open/>` (Openfire
 * answers with its own domain whatever `to` said, Prosody with the host it serves), then closes
 * without authenticating. Lab servers are often reached by IP address while the domain is a
 * name, which is what this saves the user from guessing. The same probe tells whether anything
 * answers at the URL at all, and why not. Never throws.
 */
import WebSocket, { type ClientOptions } from 'ws';
import { openFrame } from '../xmpp/framing';
import { isCertificateError, tlsOptionsFor, TlsTrust } from './tls';

const FROM = /^\s*<open\b[^>]*?\sfrom=(?:"([^"]*)"|'([^']*)')/;
const CLOSE = '<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>';

/**
 * What a probe learnt: whether anything answers at the URL, why not when nothing does (in words
 * a user can act on), and the domain the server's `<open/>` named. An untrusted certificate
 * counts as reachable: Connect's own attempt says so and offers to trust it.
 */
export interface ServerProbe {
  reachable: boolean;
  /** Why the URL cannot be reached (only when `reachable` is false). */
  reason?: string;
  domain?: string;
}

/** The domain the server announces, undefined when unsure (unreachable, silent, not XMPP). */
export async function probeStreamDomain(
  url: string,
  opts: { trust?: TlsTrust; timeoutMs?: number } = {},
): Promise<string | undefined> {
  return (await probeServer(url, opts)).domain;
}

/** Why a WebSocket to `where` failed before it opened, or undefined when something answered. */
function unreachable(err: Error, where: string, tls: boolean, timeoutMs: number): string | undefined {
  if (isCertificateError(err)) return undefined;
  const code = (err as { code?: string }).code;
  const status = /^Unexpected server response: (\d+)/.exec(err.message)?.[1];
  if (status) return `${where} answered HTTP ${status}, not a WebSocket upgrade: check the path (Finesse serves /ws/)`;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `no host named ${where.replace(/:\d+$/, '')} (DNS lookup failed: ${code})`;
    case 'ECONNREFUSED':
      return `nothing listens on ${where} (connection refused)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} is unreachable from here (${code})`;
    case 'ETIMEDOUT':
      return `${where} did not answer within ${timeoutMs / 1000} s`;
    case 'ECONNRESET':
    case 'EPROTO':
      return `${where} closed the connection before the WebSocket opened (${code}): is it a ${tls ? 'TLS' : 'plain (ws://)'} port?`;
  }
  if (/handshake has timed out/i.test(err.message)) return `${where} did not answer within ${timeoutMs / 1000} s`;
  return `${where}: ${err.message}`;
}

/**
 * Opens the WebSocket once, as the domain probe above does, and says whether the server is there
 * at all: Connect asks this right after the URL step, so a wrong host or port is said at once
 * instead of after the password. Never throws.
 */
export async function probeServer(
  url: string,
  opts: { trust?: TlsTrust; timeoutMs?: number } = {},
): Promise<ServerProbe> {
  let host: string;
  let where: string;
  let options: ClientOptions;
  try {
    const u = new URL(url);
    host = u.hostname.replace(/^\[|\]$/g, '');
    where = `${u.hostname}:${u.port || (/^wss:/i.test(url) ? 443 : 80)}`;
    // As in finesseSession.ts: ws's typings miss the callback createConnection tls.ts uses.
    options = tlsOptionsFor(url, opts.trust) as ClientOptions;
  } catch (e) {
    return { reachable: false, reason: (e as Error).message };
  }
  const timeoutMs = opts.timeoutMs ?? 4000;
  return new Promise((resolve) => {
    let ws: WebSocket;
    let opened = false;
    try {
      ws = new WebSocket(url, 'xmpp', { handshakeTimeout: timeoutMs, perMessageDeflate: false, ...options });
    } catch (e) {
      resolve({ reachable: false, reason: (e as Error).message });
      return;
    }
    const done = (result: ServerProbe) => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      if (ws.readyState === WebSocket.OPEN) {
        ws.send(CLOSE, () => ws.close(1000));
      } else ws.terminate();
      resolve(result);
    };
    const timer = setTimeout(
      () =>
        done(
          opened
            ? { reachable: true }
            : { reachable: false, reason: `${where} did not answer within ${timeoutMs / 1000} s` },
        ),
      timeoutMs,
    );
    ws.on('open', () => {
      opened = true;
      ws.send(openFrame(host));
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return done({ reachable: true });
      const m = FROM.exec(String(data));
      if (m) return done({ reachable: true, domain: m[1] ?? m[2] ?? undefined });
      if (/^\s*<(?:stream:)?error\b|^\s*<close\b/.test(String(data))) done({ reachable: true });
    });
    ws.on('error', (e) => {
      const reason = opened ? undefined : unreachable(e, where, /^wss:/i.test(url), timeoutMs);
      done(reason ? { reachable: false, reason } : { reachable: true });
    });
    ws.on('close', () => done({ reachable: true }));
  });
}
