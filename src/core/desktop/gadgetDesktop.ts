/**
 * The gadget desktop: a stand-in for the Finesse agent desktop, at `/desktop/` of the local
 * Finesse (FinesseSimulator option `desktop`, then `sim.desktop`) or of a local listener in
 * front of a lab server (startLabDesktop, labDesktop.ts). It signs the agent in, shows the
 * header (name, extension, state and the state menu), one tab per gadget of the layout, each
 * gadget in a same-origin frame `/gadgets/ifr?container=default&mid=N&…&url=SPEC` (rendered by
 * core/gadgets), and runs the hub between them and the master publisher that relays the
 * agent's Updates from the desktop's one XMPP connection (resource `desktop`).
 *
 * API (for the VS Code side and the CLI):
 *   desktop.url                 `http://127.0.0.1:PORT/desktop/` once the listener listens
 *   desktop.gadgets()           [{mid, title, specUrl, specFile?}] of the current layout
 *   desktop.reloadGadget(file)  reloads, in every open page, only the frames of the gadgets whose
 *                               spec folder holds `file` (the agent stays signed in; the frame
 *                               renders the spec again, so a spec change shows); returns how
 *                               many frames were told to reload
 *   desktop.finesseJsPath()     the finesse.js served at /desktop/assets/js/finesse.js, or
 *                               undefined (then that URL answers 404 with FINESSE_JS_HELP, and
 *                               /gadgets/ifr can show the same help)
 *   desktop.forwarder           the RestForwarder /gadgets/makeRequest hands gadget REST to
 *   desktop.on('log',   {mid, title, level, text, source?})     a gadget's console and logs
 *   desktop.on('error', {mid, title, message, source?, stack?}) a gadget's uncaught errors
 *   desktop.on('hub',   frame)  each captured `hub` frame (core/hub/hubFrame.ts)
 *   desktop.on('signin', {user, error?}) a page's sign-in of the agent finished or failed
 *   desktop.reportProblem(p)    what /gadgets/ reports (GadgetProblem) becomes `error`/`log`
 *   desktop.close()             signs the desktop's connections out and closes the pages
 *
 * Routes: GET /desktop/ (the page: strict CSP, script-src 'self', its bundle dist/desktop.js),
 * /desktop/desktop.js, /desktop/desktop.css, /desktop/assets/js/jquery.min.js (npm jquery 3),
 * /desktop/assets/js/finesse.js (the user's copy); WebSocket /desktop/hub?user=ID (the page's
 * control channel, protocol/desktopHub.ts; Origin and Host checked as for /ws/).
 *
 * Capture: the desktop's XMPP frames are a store session (FinesseSession); each page's hub
 * publishes are `hub` frames in a session of their own, offered to `gate` (intercept) before
 * delivery; REST goes through `forwarder`, which captures (locally the simulator captures what
 * it serves).
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { dirname, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Frame } from '../capture/frame';
import type { FrameStore } from '../capture/frameStore';
import type { LiveSessionRegistry } from '../capture/liveSession';
import type { GadgetProblem } from '../gadgets/problem';
import type { RestForwarder } from '../gadgets/restForwarder';
import type { FrameGate } from '../intercept/gate';
import { checkOrigin, refuseSocket } from '../net/origin';
import type { TlsTrust } from '../session/tls';
import type { DesktopConfig, DesktopGadget } from '../../protocol/desktopHub';
import { AgentLine } from './agentLine';
import { desktopBundlePath, desktopCssPath, findFinesseJs, FINESSE_JS_HELP, jqueryPath, sendFile } from './assets';
import { DesktopLayout, discoverLayout, LayoutError, readLayoutFile } from './layout';
import { desktopPage, pageHeaders } from './page';
import { GadgetError, GadgetLog, PageLink } from './pageLink';

export { FINESSE_JS_HELP } from './assets';

const DESKTOP_PREFIX = '/desktop/';
const HUB_PATH = '/desktop/hub';

/** Where the desktop signs in: the local Finesse, or a lab server. */
interface DesktopBackend {
  /** Shown in the page header: `local Finesse`, or the lab's origin. */
  label: string;
  /** The notification service's WebSocket URL. */
  xmppUrl: string;
  domain: string;
  trust?: TlsTrust;
  forwarder: RestForwarder;
  /** The agent signed in when the page names none (`?user=ID` picks another). */
  defaultUser: string;
  /** The password (and extension to sign in with) of an agent who may sign in here. */
  login(id: string): { password: string; extension?: string } | undefined;
}

export interface GadgetDesktopOptions {
  backend: DesktopBackend;
  store: FrameStore;
  gate?: FrameGate;
  live?: LiveSessionRegistry;
  /** The folder served at /3rdpartygadget/files/ (gadgets found there without a layout). */
  serve?: string;
  /** A finesseLayout XML file. */
  layout?: string;
  /** The user's finesse.js; else one found in `serve`. */
  finesseJs?: string;
  /** The listener's origin, `http://127.0.0.1:PORT` (known once it listens). */
  origin: () => string | undefined;
  allowedOrigins?: readonly string[];
  listenHost?: string;
}

export interface DesktopEvents {
  log: [GadgetLog];
  error: [GadgetError];
  hub: [Frame];
  /** A page's sign-in finished: the agent is signed in, or `error` says why not. */
  signin: [{ user: string; error?: Error }];
}

export interface DesktopGadgetInfo {
  mid: string;
  title: string;
  specUrl: string;
  specFile?: string;
}

export class GadgetDesktop extends EventEmitter<DesktopEvents> {
  readonly forwarder: RestForwarder;
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 4 << 20 });
  private readonly lines = new Map<string, AgentLine>();
  /** Each open page, with the spec file of each of its gadgets by mid. */
  private readonly pages = new Map<PageLink, Map<string, string | undefined>>();
  private readonly finesseJs: string | undefined;
  private pageSeq = 0;
  private closed = false;

  constructor(private readonly opts: GadgetDesktopOptions) {
    super();
    // A gadget's uncaught error is news for whoever listens, never a reason to end the process:
    // an EventEmitter throws an 'error' nobody listens to, and the CLI or an API user may not.
    this.on('error', () => undefined);
    this.forwarder = opts.backend.forwarder;
    this.finesseJs = opts.finesseJs ? resolve(opts.finesseJs) : findFinesseJs(opts.serve);
    if (opts.finesseJs && !isFile(this.finesseJs as string))
      throw new LayoutError(`finesse.js ${opts.finesseJs}: no such file`);
    // Fail now on a layout that cannot be read, not when the first page opens.
    this.layout();
  }

  get url(): string | undefined {
    const origin = this.opts.origin();
    return origin && `${origin}${DESKTOP_PREFIX}`;
  }

  /** The XMPP domain the desktop signs in to. */
  get domain(): string {
    return this.opts.backend.domain;
  }

  /**
   * Whether `jid` is one of the desktop's own XMPP sessions (`USER@DOMAIN/desktop` of an agent it
   * signs in), which its FinesseSession captures: the local Finesse then does not capture the
   * same stream a second time into the same store.
   */
  capturesJid(jid: string): boolean {
    for (const user of this.lines.keys()) if (jid === `${user}@${this.opts.backend.domain}/desktop`) return true;
    return false;
  }

  finesseJsPath(): string | undefined {
    return this.finesseJs;
  }

  gadgets(): DesktopGadgetInfo[] {
    return this.layout().gadgets.map((g, i) => ({
      mid: String(i + 1),
      title: g.title,
      specUrl: g.specUrl,
      specFile: g.specFile,
    }));
  }

  reloadGadget(file: string): number {
    const target = resolve(file);
    let n = 0;
    // Each page by the layout it was built with: a spec added since must not shift its mids.
    for (const [page, specs] of this.pages)
      for (const [mid, specFile] of specs) {
        if (!specFile) continue;
        if (target !== specFile && !target.startsWith(dirname(specFile) + sep)) continue;
        if (page.reload(mid)) n++;
      }
    return n;
  }

  /**
   * A problem /gadgets/ifr or /gadgets/makeRequest found (a spec that does not parse, a refused
   * request, no finesse.js): an `error` event (a warning: a `log` one) for that gadget.
   */
  reportProblem(p: GadgetProblem): void {
    const g = this.gadgets().find((x) => x.mid === p.mid);
    const title = g?.title ?? '';
    const source = p.spec && p.line !== undefined ? { url: p.spec, line: p.line } : undefined;
    if (p.severity === 'error')
      this.emit('error', { mid: p.mid ?? '', title, message: p.message, ...(source ? { source } : {}) });
    else this.emit('log', { mid: p.mid ?? '', title, level: 'warn', text: p.message, ...(source ? { source } : {}) });
  }

  /** Answers a request under /desktop/; false when the path is not the desktop's. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = pathOf(req);
    if (path === '/desktop') {
      res.writeHead(301, { Location: DESKTOP_PREFIX + queryOf(req) });
      res.end();
      return true;
    }
    if (!path.startsWith(DESKTOP_PREFIX)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' });
      res.end('Method Not Allowed\n');
      return true;
    }
    switch (path) {
      case DESKTOP_PREFIX:
      case `${DESKTOP_PREFIX}index.html`:
        res.writeHead(200, pageHeaders());
        res.end(req.method === 'HEAD' ? undefined : desktopPage());
        return true;
      case `${DESKTOP_PREFIX}desktop.js`:
        sendFile(req, res, desktopBundlePath(), 'dist/desktop.js is missing: run npm run build');
        return true;
      case `${DESKTOP_PREFIX}desktop.css`:
        sendFile(req, res, desktopCssPath(), 'media/desktop.css is missing');
        return true;
      case `${DESKTOP_PREFIX}assets/js/jquery.min.js`:
        sendFile(req, res, jqueryPath(), 'jquery is missing: run npm install');
        return true;
      case `${DESKTOP_PREFIX}assets/js/finesse.js`:
        sendFile(req, res, this.finesseJs, FINESSE_JS_HELP);
        return true;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`Gadget desktop: nothing at ${path}; the desktop is ${DESKTOP_PREFIX}\n`);
    return true;
  }

  /** Takes the WebSocket upgrade of /desktop/hub; false when the path is not the desktop's. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (pathOf(req) !== HUB_PATH) return false;
    const verdict = checkOrigin(req.headers.origin, req.headers.host, {
      allowed: this.opts.allowedOrigins,
      listenHost: this.opts.listenHost,
    });
    if (!verdict.ok) return (refuseSocket(socket as Parameters<typeof refuseSocket>[0], 403, verdict.reason), true);
    if (this.closed)
      return (refuseSocket(socket as Parameters<typeof refuseSocket>[0], 400, 'the desktop is closing'), true);
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.onPage(ws, req));
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pages.keys()) p.close();
    this.pages.clear();
    for (const ws of this.wss.clients) ws.close(1001, 'desktop closed');
    await Promise.all([...this.lines.values()].map((l) => l.close().catch(() => undefined)));
    this.lines.clear();
    this.wss.close();
  }

  private layout(): DesktopLayout {
    const { layout, serve } = this.opts;
    if (layout) return readLayoutFile(layout, serve);
    return serve ? discoverLayout(serve) : { tabs: [], gadgets: [], skipped: [] };
  }

  private lineFor(user: string): AgentLine | string {
    const known = this.lines.get(user);
    if (known) return known;
    const login = this.opts.backend.login(user);
    if (!login) return `no agent "${user}" can sign in here`;
    const b = this.opts.backend;
    const line = new AgentLine({
      store: this.opts.store,
      live: this.opts.live,
      xmppUrl: b.xmppUrl,
      domain: b.domain,
      trust: b.trust,
      user,
      password: login.password,
      extension: login.extension,
      forwarder: b.forwarder,
      restOrigin: this.opts.origin() ?? 'http://127.0.0.1',
    });
    line.on('warning', (text) => this.emit('log', { mid: '', title: 'desktop', level: 'warn', text }));
    this.lines.set(user, line);
    return line;
  }

  private async onPage(ws: WebSocket, req: IncomingMessage): Promise<void> {
    ws.on('error', () => ws.terminate());
    const requested = new URL(req.url ?? '/', 'http://desktop').searchParams.get('user')?.trim();
    const user = requested || this.opts.backend.defaultUser;
    const fail = (text: string) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'notice', level: 'error', text }));
      ws.close(1008, 'sign-in failed');
    };
    const line = this.lineFor(user);
    if (typeof line === 'string') return fail(line);
    try {
      await line.start();
    } catch (e) {
      // A failed sign-in is not kept: the next page tries again.
      if (this.lines.get(user) === line) this.lines.delete(user);
      void line.close().catch(() => undefined);
      this.emit('signin', { user, error: e as Error });
      return fail(`Sign-in of ${user} failed: ${(e as Error).message}`);
    }
    this.emit('signin', { user });
    if (this.closed || ws.readyState !== ws.OPEN) return;
    let config: DesktopConfig;
    let layout: DesktopLayout;
    try {
      layout = this.layout();
      config = this.config(line, layout);
    } catch (e) {
      return fail((e as Error).message);
    }
    const n = ++this.pageSeq;
    const session = this.opts.store.openSession({
      id: `hub-${n}-${randomBytes(3).toString('hex')}`,
      label: `Gadget hub ${user} (desktop page ${n})`,
      target: this.url ?? DESKTOP_PREFIX,
    });
    const page = new PageLink({
      ws,
      line,
      config,
      store: this.opts.store,
      session: session.id,
      gate: this.opts.gate,
      onLog: (l) => this.emit('log', l),
      onError: (e) => this.emit('error', e),
      onHub: (f) => this.emit('hub', f),
    });
    this.pages.set(page, new Map(layout.gadgets.map((g, i) => [String(i + 1), g.specFile])));
    ws.on('close', () => {
      page.close();
      this.pages.delete(page);
      this.opts.store.endSession(session.id);
    });
  }

  private config(line: AgentLine, layout: DesktopLayout): DesktopConfig {
    const origin = new URL(this.opts.origin() ?? 'http://127.0.0.1');
    const port = origin.port || (origin.protocol === 'https:' ? '443' : '80');
    const host = origin.hostname.replace(/^\[|\]$/g, '');
    const domain = this.opts.backend.domain;
    const agent = line.agent;
    const tabs = [...layout.tabs];
    const gadgets: DesktopGadget[] = layout.gadgets.map((g, i) => {
      const mid = String(i + 1);
      const params = new URLSearchParams({
        container: 'default',
        mid,
        view: 'default',
        up_id: line.user,
        up_host: host,
        up_hostPort: port,
        up_restHost: host,
        up_scheme: origin.protocol.replace(':', ''),
        up_xmppDomain: domain,
        up_pubsubDomain: `pubsub.${domain}`,
        up_extension: agent.extension,
        up_locale: 'en_US',
        up_localhostFQDN: host,
        up_localhostPort: port,
        url: new URL(g.specUrl, origin).href,
      });
      return { mid, title: g.title, specUrl: g.specUrl, tab: g.tab ?? '', frameUrl: `/gadgets/ifr?${params}` };
    });
    return {
      auth: Buffer.from(`${line.user}:${line.password}`).toString('base64'),
      tabs,
      gadgets,
      notReadyReasons: line.reasonCodes.NOT_READY,
      logoutReasons: line.reasonCodes.LOGOUT,
      server: this.opts.backend.label,
    };
  }
}

function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://desktop').pathname;
  } catch {
    return '/';
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function queryOf(req: IncomingMessage): string {
  const i = (req.url ?? '').indexOf('?');
  return i < 0 ? '' : (req.url ?? '').slice(i);
}
