/**
 * Which `Host` a local listener of ours answers to. A page on `attacker.example` can make its own
 * name resolve to 127.0.0.1 (DNS rebinding): the browser then sends that page's requests to our
 * listener as same-origin, Origin checks see nothing cross-site, and the page reads what we
 * serve (a gadget folder, the local Finesse's REST API with its well-known test passwords, a
 * replayed session). What the browser cannot fake is the `Host` header: it is the attacker's
 * name. So every HTTP listener (requests and WebSocket upgrades alike) answers only a Host that
 * is one of its own names, and refuses the rest with 421 Misdirected Request:
 *  - loopback names: localhost (and *.localhost, RFC 6761, which browsers resolve to loopback
 *    themselves), 127.0.0.0/8, ::1;
 *  - the host it was asked to listen on (`--listen devbox.lan:8445`: the user chose that name);
 *  - on a wildcard listen address (0.0.0.0, ::), every address of the host's network interfaces.
 */
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';
import { hostName, isLoopbackHost, isWildcardHost } from './origin';

/** A request refused for its Host: the status to answer and one line saying why. */
export interface HostRefusal {
  status: 421;
  reason: string;
}

/** The names a listener bound to `listenHost` answers to (beside every loopback name). */
export function listenerNames(listenHost: string): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '::1']);
  const h = listenHost.replace(/^\[|\]$/g, '').toLowerCase();
  if (!isWildcardHost(h)) names.add(h);
  else
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) names.add(a.address.toLowerCase());
  return names;
}

/** Undefined when `host` names this listener; else why not. */
export function checkHost(host: string | undefined, names: ReadonlySet<string>): HostRefusal | undefined {
  if (!host) return { status: 421, reason: 'a request without Host is not for this listener' };
  const name = hostName(host);
  if (names.has(name) || isLoopbackHost(name)) return undefined;
  return {
    status: 421,
    reason: `Host ${JSON.stringify(host.slice(0, 200))} is not this listener (use localhost or 127.0.0.1)`,
  };
}

/** The Host check of one request or upgrade. */
export function checkRequestHost(req: IncomingMessage, names: ReadonlySet<string>): HostRefusal | undefined {
  return checkHost(req.headers.host, names);
}
