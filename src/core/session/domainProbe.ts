/**
 * Asks a server which XMPP domain it serves before the user types one: opens the WebSocket,
 * sends an RFC 7395 `<open to=HOST/>` and reads the `from` of the server's `<open/>` (Openfire
 * answers with its own domain whatever `to` said, Prosody with the host it serves), then closes
 * without authenticating. Lab servers are often reached by IP address while the domain is a
 * name, which is what this saves the user from guessing. Never throws: undefined when unsure.
 */
import WebSocket, { type ClientOptions } from 'ws';
import { openFrame } from '../xmpp/framing';
import { tlsOptionsFor, TlsTrust } from './tls';

const FROM = /^\s*<open\b[^>]*?\sfrom=(?:"([^"]*)"|'([^']*)')/;
const CLOSE = '<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>';

export async function probeStreamDomain(
  url: string,
  opts: { trust?: TlsTrust; timeoutMs?: number } = {},
): Promise<string | undefined> {
  let host: string;
  let options: ClientOptions;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    // As in finesseSession.ts: ws's typings miss the callback createConnection tls.ts uses.
    options = tlsOptionsFor(url, opts.trust) as ClientOptions;
  } catch {
    return undefined;
  }
  const timeoutMs = opts.timeoutMs ?? 4000;
  return new Promise((resolve) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, 'xmpp', { handshakeTimeout: timeoutMs, perMessageDeflate: false, ...options });
    } catch {
      resolve(undefined);
      return;
    }
    const done = (domain: string | undefined) => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      if (ws.readyState === WebSocket.OPEN) {
        ws.send(CLOSE, () => ws.close(1000));
      } else ws.terminate();
      resolve(domain);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    ws.on('open', () => ws.send(openFrame(host)));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return done(undefined);
      const m = FROM.exec(String(data));
      if (m) return done(m[1] ?? m[2] ?? undefined);
      if (/^\s*<(?:stream:)?error\b|^\s*<close\b/.test(String(data))) done(undefined);
    });
    ws.on('error', () => done(undefined));
    ws.on('close', () => done(undefined));
  });
}
