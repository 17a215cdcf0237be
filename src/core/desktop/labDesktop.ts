/**
 * The gadget desktop against a real Finesse (a lab server), so a gadget runs from the workspace
 * folder without uploading it: a listener on 127.0.0.1 serves the desktop page, /gadgets/ (the
 * renderer and makeRequest, core/gadgets) and the folder at /3rdpartygadget/files/, all on one
 * origin as on Finesse; the agent signs in to the lab server, REST goes there through the lab
 * forwarder (TLS verified: system CAs, `ca` file or pinned `fingerprint`; each exchange captured
 * as `http` frames) and notifications come over the product's own client session (captured as
 * a session). The gadget is told the local listener is its Finesse (`up_host`, `up_restHost`),
 * and makeRequest hands its REST to the forwarder, which sends path and query to the lab.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FrameStore } from '../capture/frameStore';
import type { LiveSessionRegistry } from '../capture/liveSession';
import { GadgetServer } from '../gadgets/gadgetServer';
import type { GadgetProblem } from '../gadgets/problem';
import type { FrameGate } from '../intercept/gate';
import { checkRequestHost, listenerNames } from '../net/host';
import { checkOrigin, refuseSocket } from '../net/origin';
import { probeStreamDomain } from '../session/domainProbe';
import { explainTlsError, type TlsTrust } from '../session/tls';
import { GADGET_PREFIX, GadgetFiles } from '../simulator/gadgetFiles';
import { parseXml } from '../xmpp/xml';
import { GadgetDesktop } from './gadgetDesktop';
import { labRestForwarder } from './restForwarders';

export interface LabDesktopOptions {
  /** The lab server's REST origin, `https://finesse1.lab:8445`. */
  finesse: URL;
  user: string;
  password: string;
  /** The folder whose gadgets run (served at /3rdpartygadget/files/). */
  serve: string;
  layout?: string;
  finesseJs?: string;
  /** A PEM CA file to trust besides the system's (or the self-signed certificate itself). */
  ca?: string;
  /** The SHA-256 fingerprint of the lab server's certificate, pinned. */
  fingerprint?: string;
  store: FrameStore;
  gate?: FrameGate;
  live?: LiveSessionRegistry;
  /** The notification service; default the same origin's /ws/ (wss for https). */
  xmppUrl?: string;
  /** The XMPP domain; default SystemInfo's xmppDomain, else the stream's. */
  domain?: string;
  /** The extension to sign in with when the agent is signed out. */
  extension?: string;
  /** Default 127.0.0.1:0. */
  listen?: { host: string; port: number };
  allowedOrigins?: readonly string[];
  onProblem?: (p: GadgetProblem) => void;
}

export interface LabDesktop {
  desktop: GadgetDesktop;
  /** `http://127.0.0.1:PORT/desktop/`. */
  url: string;
  origin: string;
  close(): Promise<void>;
}

export async function startLabDesktop(opts: LabDesktopOptions): Promise<LabDesktop> {
  const finesse = new URL(opts.finesse.origin);
  const trust: TlsTrust | undefined =
    opts.ca || opts.fingerprint ? { caFile: opts.ca, fingerprint: opts.fingerprint } : undefined;
  const forwarder = labRestForwarder({ origin: finesse.origin, trust, store: opts.store });
  const xmppUrl = opts.xmppUrl ?? `${finesse.protocol === 'https:' ? 'wss' : 'ws'}://${finesse.host}/ws/`;
  const domain = opts.domain ?? (await labDomain(forwarder, finesse, xmppUrl, trust));
  const files = new GadgetFiles(opts.serve);
  // Known once the listener listens; the desktop asks for it only then.
  const where: { origin?: string } = {};
  const desktop = new GadgetDesktop({
    backend: {
      label: finesse.origin,
      xmppUrl,
      domain,
      trust,
      forwarder,
      defaultUser: opts.user,
      login: (id) => (id === opts.user ? { password: opts.password, extension: opts.extension } : undefined),
    },
    store: opts.store,
    gate: opts.gate,
    live: opts.live,
    serve: opts.serve,
    layout: opts.layout,
    finesseJs: opts.finesseJs,
    origin: () => where.origin,
    allowedOrigins: opts.allowedOrigins,
    listenHost: opts.listen?.host,
  });
  const gadgets = new GadgetServer({
    files,
    rest: forwarder,
    finesseJs: () => desktop.finesseJsPath(),
    onProblem: (p) => {
      desktop.reportProblem(p);
      opts.onProblem?.(p);
    },
  });
  const policy = { allowed: opts.allowedOrigins, listenHost: opts.listen?.host };
  // A DNS name rebound to 127.0.0.1 must not read the agent's desktop (net/host.ts).
  const names = listenerNames(opts.listen?.host ?? '127.0.0.1');
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const misdirected = checkRequestHost(req, names);
    if (misdirected) {
      res.writeHead(misdirected.status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
      return void res.end(`${misdirected.reason}\n`);
    }
    const verdict = checkOrigin(req.headers.origin, req.headers.host, policy);
    if (!verdict.ok) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
      return void res.end(`${verdict.reason}\n`);
    }
    const url = new URL(req.url ?? '/', 'http://desktop');
    if (url.pathname.startsWith(GADGET_PREFIX)) return files.handle(req, res);
    if (gadgets.handle(req, res, url)) return;
    if (desktop.handle(req, res)) return;
    res.writeHead(url.pathname === '/' ? 302 : 404, {
      'Content-Type': 'text/plain; charset=utf-8',
      ...(url.pathname === '/' ? { Location: '/desktop/' } : {}),
    });
    res.end(`Gadget desktop for ${finesse.origin}: the desktop is /desktop/\n`);
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const misdirected = checkRequestHost(req, names);
    if (misdirected) return refuseSocket(socket, misdirected.status, misdirected.reason);
    if (!desktop.handleUpgrade(req, socket, head))
      refuseSocket(socket, 400, 'no WebSocket endpoint here but /desktop/hub');
  });
  const { host, port } = opts.listen ?? { host: '127.0.0.1', port: 0 };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const origin = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  where.origin = origin;
  return {
    desktop,
    url: `${origin}/desktop/`,
    origin,
    close: async () => {
      await desktop.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const session = forwarder.session();
      if (session) opts.store.endSession(session.id);
    },
  };
}

/** The lab's XMPP domain: SystemInfo's xmppDomain (captured), else the stream's `from`. */
async function labDomain(
  forwarder: ReturnType<typeof labRestForwarder>,
  finesse: URL,
  xmppUrl: string,
  trust: TlsTrust | undefined,
): Promise<string> {
  let r;
  try {
    r = await forwarder({
      method: 'GET',
      url: new URL('/finesse/api/SystemInfo', finesse),
      headers: { Accept: 'application/xml' },
    });
  } catch (e) {
    // An untrusted certificate is said in words, with the fingerprint the user may pin.
    throw await explainTlsError(e as Error, finesse.origin);
  }
  if (r.status === 200) {
    const parsed = parseXml(r.body);
    const domain = parsed.ok ? parsed.element.getChildText('xmppDomain')?.trim() : undefined;
    if (domain) return domain;
  }
  const probed = await probeStreamDomain(xmppUrl, { trust });
  if (probed) return probed;
  throw new Error(`could not learn the XMPP domain of ${finesse.origin} (SystemInfo answered ${r.status}); give it`);
}
