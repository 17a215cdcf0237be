/**
 * A local Finesse on one origin (`http://127.0.0.1:PORT`, or https with `tls`):
 *   /ws/                   XMPP over WebSocket (RFC 7395), the Notification Service's rules
 *   /http-bind             XMPP over BOSH (XEP-0124/0206), the same streams
 *   /finesse/api/…         the REST API over the agent/dialog state machine (desk.ts)
 *   /3rdpartygadget/files/ a folder of the user's (`serve`), as Finesse serves gadgets
 * A scenario scripts what no client asks for (calls ringing, a demo agent's clicks). It is what
 * `finesse-frames simulate`, `npm start` and Finesse: Start Simulator run, so a gadget can be
 * developed end to end without a lab. Binds 127.0.0.1:0 by default.
 */
import { checkOrigin } from '../net/origin';
import { checkRequestHost, listenerNames } from '../net/host';
import { EventEmitter } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import { SUBPROTOCOL } from '../xmpp/framing';
import { listenerCertificate, ListenerCertificate } from '../proxy/reverse/cert';
import { StreamTransport, wsTransport, XmppServerSession } from '../replay/xmppServerSession';
import type { FrameStore } from '../capture/frameStore';
import { remoteOf, SimulatorCapture, StreamVia } from './capture';
import { BoshLimits, BoshServer } from './bosh';
import { C2sServer } from './c2s';
import { Desk, DeskUser } from './desk';
import { GADGET_PREFIX, GadgetFiles } from './gadgetFiles';
import { GADGETS_PREFIX, GadgetServer, type GadgetServerOptions } from '../gadgets/gadgetServer';
import type { GadgetDesktop } from '../desktop/gadgetDesktop';
import { localDesktop, type LocalDesktopOptions } from '../desktop/localDesktop';
import { Delivery, isOwnFeed, NotificationService } from './notifications';
import { API_PREFIX, RestApi, RestCall } from './rest';
import { DEFAULT_USER, defaultScenario, Scenario, TEAMMATE } from './scenario';
import { ScenarioRunner, StepEvent } from './scenarioRunner';

export type { RestCall, Scenario };

export interface SimulatorOptions {
  listen?: { host: string; port: number };
  domain?: string;
  /** user → password (extensions 1001, 1002, … in that order, team 1); default agent1/agent1. */
  users?: Record<string, string>;
  /** Default: the demo day (scenario.ts) for the first user. */
  scenario?: Scenario;
  /** Start the scenario again after its last step. */
  loop?: boolean;
  /** Delays are divided by this; Infinity plays every step at once (in order). Default 1. */
  speed?: number;
  /** Folder served at /3rdpartygadget/files/. */
  serve?: string;
  /** Serve https/wss with the generated listener certificate kept in this directory. */
  tls?: { certDir: string };
  /** Browser origins allowed besides loopback pages and this origin (`--allow-origin`). */
  allowedOrigins?: readonly string[];
  /**
   * Capture what the simulator serves into this store (capture.ts): each REST exchange as `http`
   * frames, each client stream (/ws/, BOSH) as a session of its own, as reverse mode would.
   */
  store?: FrameStore;
  /**
   * A bound client whose own side `store` already captures (our Connect session in the same
   * store: capture.ts's ownConnectSessions): its stream is not captured a second time.
   */
  alreadyCaptured?: (jid: string) => boolean;
  /** /gadgets/ (Shindig's ifr, makeRequest, the gadgets.* runtime) over the `serve` folder. */
  gadgets?: Omit<GadgetServerOptions, 'files'>;
  /** BOSH limits other than Openfire's defaults (wait, hold, inactivity, polling). */
  bosh?: BoshLimits;
  /**
   * XMPP over TCP (c2s.ts), always on 127.0.0.1 (port 0 unless given). STARTTLS is offered with
   * the listener certificate: `tls`'s, or the one kept in `certDir`; without either, plain only.
   */
  c2s?: { port?: number; certDir?: string };
  /**
   * The gadget desktop at /desktop/ (core/desktop): the agent signed in, a tab per gadget of
   * `layout` (a finesseLayout file) or of the `serve` folder, the hub and master publisher;
   * `finesseJs` is the user's copy served at /desktop/assets/js/finesse.js. Its frames go into
   * `store`; `gate` holds its hub deliveries.
   */
  desktop?: LocalDesktopOptions;
}

/** The first JSON line of `finesse-frames simulate`; field order is part of the contract. */
export interface SimulatorUrls {
  listening: string;
  rest: string;
  bosh: string;
  domain: string;
  /** XMPP over TCP, `127.0.0.1:PORT` (RFC 6120 c2s, STARTTLS offered). */
  c2s: string;
}

export interface SimulatorEvents {
  /** A bound session sent available presence. */
  online: [{ client: number; jid: string }];
  subscribe: [{ jid: string; node: string }];
  /** An answered REST request (before the Updates it caused). */
  rest: [RestCall];
  /** An Update published, with the full JIDs it went to. */
  update: [Delivery];
  step: [StepEvent];
  /** The scenario ended (never with loop). */
  done: [];
  conflict: [{ jid: string }];
  disconnect: [{ client: number; jid?: string }];
}

/** Why a request is refused before any handler sees it; undefined lets it through. */
export type Refusal = { status: number; reason: string } | undefined;

export class FinesseSimulator extends EventEmitter<SimulatorEvents> {
  readonly domain: string;
  readonly pubsubJid: string;
  readonly desk: Desk;
  readonly notifications: NotificationService;
  readonly certificate: ListenerCertificate | undefined;
  /** The gadget desktop at /desktop/, with the `desktop` option. */
  readonly desktop: GadgetDesktop | undefined;
  private readonly scenario: Scenario;
  private readonly runner: ScenarioRunner;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly bosh: BoshServer;
  private readonly c2s: C2sServer;
  private readonly rest: RestApi;
  private readonly files: GadgetFiles | undefined;
  private readonly capture: SimulatorCapture | undefined;
  private readonly gadgets: GadgetServer;
  private readonly streams = new Set<XmppServerSession>();
  /** The Host names this listener answers to (net/host.ts). */
  private readonly names: ReadonlySet<string>;
  private clientSeq = 0;
  private urls: SimulatorUrls | undefined;

  constructor(private readonly opts: SimulatorOptions = {}) {
    super();
    const speed = opts.speed ?? 1;
    if (!(speed > 0)) throw new RangeError(`speed must be a positive number, got ${opts.speed}`);
    this.domain = opts.domain ?? 'finesse.test';
    const users = deskUsers(opts.users, opts.scenario?.users);
    this.scenario = { ...(opts.scenario ?? defaultScenario(users[0].id)) };
    if (opts.loop) this.scenario.loop = true;
    this.desk = new Desk(users);
    this.notifications = new NotificationService(this.domain);
    this.pubsubJid = this.notifications.pubsubJid;
    this.desk.on('publish', (p) => this.notifications.publish(p.node, p.updateXml));
    this.notifications.on('published', (d) => this.emit('update', d));
    this.notifications.on('subscribe', (s) => this.emit('subscribe', s));
    this.notifications.on('conflict', (c) => this.emit('conflict', c));
    this.runner = new ScenarioRunner(this.desk, this.scenario, speed);
    this.runner.on('step', (s) => this.emit('step', s));
    this.runner.on('done', () => this.emit('done'));
    const scriptedAgent = users[0].id;
    // "Online" is what makes the agent's own Updates flow: available presence, or (for clients
    // written against servers without auto-subscription) an explicit subscribe to its own feed.
    this.notifications.on('presence', (p) => {
      if (p.available && this.scenario.start === 'online' && p.user === scriptedAgent) this.runner.start();
    });
    this.notifications.on('subscribe', (s) => {
      if (this.scenario.start === 'online' && s.jid.startsWith(`${scriptedAgent}@`) && isOwnFeed(s.node, scriptedAgent))
        setImmediate(() => this.runner.start());
    });
    // The desktop's own XMPP session is in the store already, as a Connect session is.
    const alreadyCaptured =
      opts.desktop || opts.alreadyCaptured
        ? (jid: string) => !!this.desktop?.capturesJid(jid) || !!opts.alreadyCaptured?.(jid)
        : undefined;
    this.capture = opts.store ? new SimulatorCapture(opts.store, () => this.origin, alreadyCaptured) : undefined;
    this.rest = new RestApi(this.desk, this.domain, (call, exchange) => {
      this.capture?.restExchange(exchange);
      this.emit('rest', { ...call });
    });
    this.bosh = new BoshServer({ domain: this.domain, onSession: (t) => this.onStream(t, 'bosh') }, opts.bosh);
    this.files = opts.serve ? new GadgetFiles(opts.serve) : undefined;
    // With the desktop, gadget REST goes where the desktop's goes, and its finesse.js is served.
    const withDesktop: Omit<GadgetServerOptions, 'files'> = opts.desktop
      ? {
          rest: (r) => this.desktop!.forwarder(r),
          finesseJs: () => this.desktop?.finesseJsPath(),
          onProblem: (p) => {
            this.desktop?.reportProblem(p);
            opts.gadgets?.onProblem?.(p);
          },
        }
      : {};
    this.gadgets = new GadgetServer({ ...opts.gadgets, ...withDesktop, files: this.files });
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      maxPayload: 1 << 20,
      handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
    const host = opts.listen?.host ?? '127.0.0.1';
    this.names = listenerNames(host);
    // The certificate names the XMPP domain too: STARTTLS clients check it against the domain.
    this.certificate = opts.tls ? listenerCertificate(opts.tls.certDir, [host, this.domain]) : undefined;
    const c2sCertificate =
      this.certificate ?? (opts.c2s?.certDir ? listenerCertificate(opts.c2s.certDir, [this.domain]) : undefined);
    this.c2s = new C2sServer({
      certificate: c2sCertificate,
      onSession: (t, remote) => this.onStream(t, 'c2s', remote),
    });
    this.desktop = opts.desktop
      ? localDesktop(
          {
            users,
            domain: this.domain,
            serve: opts.serve,
            store: opts.store,
            origin: () => this.origin,
            certificate: this.certificate,
            allowedOrigins: opts.allowedOrigins,
            listenHost: opts.listen?.host,
          },
          opts.desktop,
        )
      : undefined;
    const onRequest = (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res);
    this.http = this.certificate
      ? createHttpsServer({ key: this.certificate.key, cert: this.certificate.cert }, onRequest)
      : createServer(onRequest);
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  /** Starts listening; resolves to the WebSocket URL `ws://HOST:PORT/ws/`. */
  async listen(): Promise<string> {
    if (this.urls) return this.urls.listening;
    const { host, port } = this.opts.listen ?? { host: '127.0.0.1', port: 0 };
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    const addr = this.http.address() as AddressInfo;
    const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    const s = this.certificate ? 's' : '';
    const origin = `${shown}:${addr.port}`;
    this.urls = {
      listening: `ws${s}://${origin}/ws/`,
      rest: `http${s}://${origin}${API_PREFIX}`,
      bosh: `http${s}://${origin}/http-bind`,
      domain: this.domain,
      c2s: await this.c2s.listen('127.0.0.1', this.opts.c2s?.port ?? 0),
    };
    if (this.scenario.start === 'immediately') this.runner.start();
    return this.urls.listening;
  }

  get url(): string | undefined {
    return this.urls?.listening;
  }

  /** The listening line's fields: ws URL, REST base, BOSH URL, XMPP domain. */
  get endpoints(): SimulatorUrls | undefined {
    return this.urls && { ...this.urls };
  }

  /** `http://HOST:PORT` (https with tls), once listening. */
  get origin(): string | undefined {
    return this.urls && new URL(this.urls.rest).origin;
  }

  get clientCount(): number {
    return this.streams.size;
  }

  /** Ends every stream with <system-shutdown/> and stops listening. */
  async close(): Promise<void> {
    this.runner.stop();
    // The desktop signs its connection out while the streams still run.
    await this.desktop?.close();
    const closing = [...this.streams].map(
      (s) =>
        new Promise<void>((resolve) =>
          s.state === 'closed' ? resolve() : (s.once('close', () => resolve()), s.close('system-shutdown', 1001)),
        ),
    );
    this.bosh.close();
    this.capture?.end();
    // A client that never answers the close frame must not keep the simulator from stopping.
    const force = setTimeout(() => {
      for (const ws of this.wss.clients) ws.terminate();
    }, 1000);
    force.unref();
    await Promise.all(closing);
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      if (!this.wss.clients.size) return done();
      let left = this.wss.clients.size;
      for (const ws of this.wss.clients) ws.once('close', () => --left === 0 && done());
    });
    clearTimeout(force);
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.wss.close();
    await this.c2s.close();
    this.urls = undefined;
  }

  /**
   * The one gate every HTTP request and WebSocket upgrade passes before any handler: a page on
   * another site, open in the user's browser, must not drive the agent's REST API or read its
   * notifications (the simulator's users have well-known passwords). A Host that is not this
   * listener's is refused with 421 (a DNS name rebound to 127.0.0.1 makes the page same-origin,
   * net/host.ts); then browsers send `Origin` on upgrades and on cross-origin fetches, and
   * requests without one (navigation, non-browser clients) pass.
   */
  accept(req: IncomingMessage): Refusal {
    const misdirected = checkRequestHost(req, this.names);
    if (misdirected) return misdirected;
    const verdict = checkOrigin(req.headers.origin, req.headers.host, {
      allowed: this.opts.allowedOrigins,
      listenHost: this.opts.listen?.host,
    });
    return verdict.ok ? undefined : { status: 403, reason: verdict.reason };
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const refused = this.accept(req);
    if (refused) {
      res.writeHead(refused.status, { 'Content-Type': 'text/plain', Connection: 'close' });
      return void res.end(`${refused.reason}\n`);
    }
    const path = pathOf(req);
    const fail = (e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`Internal error: ${(e as Error).message}\n`);
    };
    if (path.startsWith(API_PREFIX)) return void this.rest.handle(req, res).catch(fail);
    if (path === '/http-bind' || path === '/http-bind/') return void this.bosh.handle(req, res).catch(fail);
    if (this.files && path.startsWith(GADGET_PREFIX)) return this.files.handle(req, res);
    if (path.startsWith(GADGETS_PREFIX) && this.gadgets.handle(req, res, new URL(req.url ?? '/', 'http://x'))) return;
    if (this.desktop?.handle(req, res)) return;
    if (path === '/ws' || path === '/ws/') {
      res.writeHead(426, { 'Content-Type': 'text/plain', Connection: 'close' });
      return void res.end('Finesse simulator: connect with a WebSocket (subprotocol "xmpp") to /ws/\n');
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end(
      `Finesse simulator: nothing at ${path}; try /ws/, /http-bind, ${API_PREFIX}${this.files ? ` or ${GADGET_PREFIX}` : ''}\n`,
    );
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const refused = this.accept(req);
    if (refused) return refuse(socket, refused.status, refused.reason);
    const path = pathOf(req);
    if (this.desktop?.handleUpgrade(req, socket, head)) return;
    if (path !== '/ws' && path !== '/ws/') return refuse(socket, 404, 'no WebSocket endpoint here; use /ws/');
    // Like Prosody: an upgrade without the xmpp subprotocol is not an XMPP client.
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    if (!offered.includes(SUBPROTOCOL)) return refuse(socket, 501, 'the WebSocket subprotocol "xmpp" is required');
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => this.onStream(wsTransport(ws), 'ws', remoteOf(req)));
  }

  private onStream(transport: StreamTransport, via: StreamVia, remote?: string): void {
    const client = ++this.clientSeq;
    const stream = new XmppServerSession(transport, {
      domain: this.domain,
      authenticate: (user, password) => this.desk.authenticate(user, password),
      onIq: (iq, s) => this.notifications.onIq(iq, s),
      onBind: (jid, s) => this.notifications.bind(jid, s),
    });
    // A TCP client's target is the c2s listener, not the HTTP origin.
    this.capture?.stream(stream, via, remote, via === 'c2s' ? `xmpp://${this.c2s.address}` : undefined);
    this.notifications.attach(stream);
    this.streams.add(stream);
    stream.on('presence', (available) => {
      if (available && stream.jid) this.emit('online', { client, jid: stream.jid });
    });
    stream.once('close', () => {
      this.streams.delete(stream);
      this.emit('disconnect', { client, jid: stream.jid });
    });
  }
}

function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://simulator').pathname;
  } catch {
    return '/';
  }
}

const STATUS_TEXT: Record<number, string> = {
  403: 'Forbidden',
  404: 'Not Found',
  421: 'Misdirected Request',
  501: 'Not Implemented',
};

function refuse(socket: Duplex, status: number, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Refused'}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The desk's people: the given logins (or agent1/agent1), the scenario's, and the demo teammate. */
function deskUsers(logins: Record<string, string> | undefined, scripted: DeskUser[] | undefined): DeskUser[] {
  const users = new Map<string, DeskUser>();
  for (const u of scripted ?? []) users.set(u.id, u);
  const given = Object.entries(
    logins ?? (scripted?.length ? {} : { [DEFAULT_USER.id]: DEFAULT_USER.password as string }),
  );
  given.forEach(([id, password], i) => {
    const known = users.get(id);
    const base: DeskUser =
      id === TEAMMATE.id
        ? TEAMMATE
        : {
            id,
            loginName: id,
            firstName: 'Agent',
            lastName: id,
            extension: String(1001 + i),
            teamId: '1',
            teamName: 'Blue',
          };
    users.set(id, { ...base, ...known, password });
  });
  if (!users.has(TEAMMATE.id)) users.set(TEAMMATE.id, { ...TEAMMATE });
  return [...users.values()];
}
