/**
 * Reverse mode: the developer opens the real Finesse desktop *through* this HTTPS listener
 * (https://127.0.0.1:8445 instead of https://finesse:8445). The desktop page opens its
 * WebSocket to the host it was loaded from, so its XMPP traffic arrives here without touching
 * the desktop's configuration:
 *  - every HTTP request/response is forwarded as a stream (`pipe`, so backpressure is the
 *    sockets' own and large or chunked bodies are never buffered); bodies are byte-identical,
 *    headers are rewritten both ways only where they name a host (headers.ts);
 *  - WebSocket upgrades go to the capturing WsProxy (one session per desktop socket);
 *  - POST /http-bind (BOSH, older desktops) is forwarded the same way and tapped (bosh.ts).
 * The listener's certificate is generated once per workspace and reused (cert.ts); upstream TLS
 * is verified (CA file or pinned fingerprint, session/tls.ts).
 */
import { EventEmitter, once } from 'node:events';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FrameStore, SessionInfo } from '../../capture/frameStore';
import type { LiveSessionRegistry } from '../../capture/liveSession';
import type { FrameGate } from '../../intercept/gate';
import { explainTlsError, tlsOptions, TlsTrust } from '../../session/tls';
import { WsProxy } from '../wsProxy';
import { admitRequest, admitUpgrade, refuseResponse, refuseUpgradeSocket } from './admission';
import { listenerNames } from '../../net/host';
import { BoshCapture } from './bosh';
import { listenerCertificate, ListenerCertificate } from './cert';
import { HttpCapture, HttpCaptureCounts, HttpCaptureMode } from './httpCapture';
import { downstreamResponseHeaders, Origins, rewriteUpgradeHeaders, upstreamRequestHeaders } from './headers';

/**
 * Bytes a streamed body may buffer on each side (Node's default is 16 KiB): a download then
 * moves in fewer, larger writes with fewer pause/resume turns of the pipe between them.
 */
const STREAM_BUFFER = 256 * 1024;

export interface ReverseProxyOptions {
  /** The real server's origin, `https://finesse.example.com:8445` (a path, if any, is ignored). */
  upstream: string;
  /** Default 127.0.0.1:0. */
  listen?: { host: string; port: number };
  /** Where the listener's key and certificate are kept (per workspace). */
  certDir: string;
  trust?: TlsTrust;
  gate?: FrameGate;
  live?: LiveSessionRegistry;
  /** Paths whose POSTs are BOSH (default `/http-bind`, with or without a trailing slash). */
  boshPaths?: string[];
  /** Browser origins allowed to open WebSockets besides this listener's own pages (net/origin.ts). */
  allowedOrigins?: readonly string[];
  /** REST capture as `http` frames: `api` (default, /finesse/api/ only), `all`, `none`. */
  captureHttp?: HttpCaptureMode;
}

export interface ReverseProxyEvents {
  session: [SessionInfo];
  /** Upstream failures (connect, TLS); the browser gets a 502 naming the same thing. */
  error: [Error];
}

export class ReverseProxy extends EventEmitter<ReverseProxyEvents> {
  private readonly upstream: URL;
  private readonly agent: http.Agent;
  private readonly ws: WsProxy;
  private readonly bosh: BoshCapture;
  private readonly http: HttpCapture;
  private server?: https.Server;
  private address?: string;
  private cert?: ListenerCertificate;
  /** Responses still streaming, so close() can end them instead of waiting for a long-poll. */
  private readonly inflight = new Set<ServerResponse>();
  /** Host names this listener answers to (admission.ts). */
  private names = new Set<string>();

  constructor(
    private readonly store: FrameStore,
    private readonly opts: ReverseProxyOptions,
  ) {
    super();
    this.upstream = checkUpstream(opts.upstream);
    const secure = this.upstream.protocol === 'https:';
    if (secure) {
      const { createConnection, ...tls } = tlsOptions(opts.trust);
      const agent = new https.Agent({ keepAlive: true, ...tls });
      // A pinned fingerprint replaces chain validation inside the connection factory.
      if (createConnection)
        (agent as unknown as { createConnection: typeof createConnection }).createConnection = createConnection;
      this.agent = agent;
    } else {
      if (opts.trust?.caFile || opts.trust?.fingerprint)
        throw new TypeError(`a CA file or fingerprint needs an https:// upstream, not ${opts.upstream}`);
      this.agent = new http.Agent({ keepAlive: true });
    }
    const wsOrigin = `${secure ? 'wss' : 'ws'}://${this.upstream.host}`;
    this.ws = new WsProxy(store, { target: `${wsOrigin}/ws/`, trust: opts.trust, gate: opts.gate, live: opts.live });
    this.ws.on('session', (s) => this.emit('session', s));
    this.ws.on('error', (e) => this.report(e));
    this.bosh = new BoshCapture(store, `${this.upstream.origin}/http-bind`);
    this.bosh.on('session', (s) => this.emit('session', s));
    this.http = new HttpCapture(store, this.upstream.origin, opts.captureHttp ?? 'api', (s) => this.emit('session', s));
  }

  /** HTTP exchanges recorded as `http` frames, and those only counted. */
  get httpCounts(): HttpCaptureCounts {
    return { ...this.http.counts };
  }

  /** `https://127.0.0.1:PORT/` once listening. */
  get url(): string | undefined {
    return this.address;
  }

  /** The listener's certificate (fingerprint to show the user), once listening. */
  get certificate(): ListenerCertificate | undefined {
    return this.cert;
  }

  setGate(gate: FrameGate | undefined): void {
    this.ws.setGate(gate);
  }

  async listen(): Promise<string> {
    if (this.address) return this.address;
    const { host, port } = this.opts.listen ?? { host: '127.0.0.1', port: 0 };
    this.cert = listenerCertificate(this.opts.certDir, [host.replace(/^\[|\]$/g, '')]);
    this.names = listenerNames(host);
    const server = https.createServer(
      { key: this.cert.key, cert: this.cert.cert, highWaterMark: STREAM_BUFFER },
      (req, res) => this.forward(req, res),
    );
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    server.on('clientError', (_err, socket: Duplex) => socket.destroy());
    // Long-polls (BOSH holds a request ~60 s) must not be cut by Node's default timeouts.
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    server.listen(port, host);
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))]);
    this.server = server;
    const bound = server.address() as AddressInfo;
    const shown = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
    this.address = `https://${shown.includes(':') ? `[${shown}]` : shown}:${bound.port}/`;
    return this.address;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const res of this.inflight) res.destroy();
    server?.closeAllConnections();
    await this.ws.close();
    this.bosh.endAll();
    this.http.end();
    this.agent.destroy();
    await closed;
  }

  /** The two origins for this request: ours as the browser addressed us, and the upstream's. */
  private origins(req: IncomingMessage): Origins {
    const fallback = new URL(this.address ?? 'https://127.0.0.1/').origin;
    let local = fallback;
    // The Host header is the browser's (untrusted): only a plain host[:port] is taken from it.
    if (req.headers.host) {
      try {
        const url = new URL(`https://${req.headers.host}`);
        if (url.host === req.headers.host.toLowerCase()) local = url.origin;
      } catch {
        // keep the listen address
      }
    }
    return { upstream: this.upstream.origin, local };
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const admitted = admitRequest(req, this.names);
    if (!admitted.ok) return refuseResponse(res, admitted);
    const origins = this.origins(req);
    const headers = upstreamRequestHeaders(req.rawHeaders, origins);
    if (!headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'host')) headers.push('Host', this.upstream.host);
    const exchange = req.method === 'POST' && this.isBosh(req.url) ? this.bosh.exchange(req) : undefined;
    const rest = exchange ? undefined : this.http.exchange(req);
    const client = this.upstream.protocol === 'https:' ? https : http;
    let upReq: http.ClientRequest;
    try {
      upReq = client.request({
        protocol: this.upstream.protocol,
        hostname: this.upstream.hostname.replace(/^\[|\]$/g, ''),
        port: this.upstream.port || undefined,
        method: req.method,
        path: req.url,
        headers,
        agent: this.agent,
        // Node honours it on requests too (the response and socket buffers); its typings omit it.
        highWaterMark: STREAM_BUFFER,
      } as http.RequestOptions);
    } catch (e) {
      // A request Node will not send as is (e.g. a header value it rejects): the browser is told.
      req.resume();
      exchange?.failed();
      rest?.failed();
      this.fail(res, e as Error);
      return;
    }
    this.inflight.add(res);
    res.once('close', () => {
      this.inflight.delete(res);
      // The browser went away (navigation, abort): stop the upstream exchange too.
      if (!res.writableFinished) upReq.destroy();
    });
    req.once('error', () => upReq.destroy());
    upReq.once('response', (upRes) => {
      exchange?.response(upRes);
      rest?.response(upRes);
      // Node adds a Date of its own unless told not to; the server's headers are the ones sent.
      res.sendDate = false;
      try {
        res.writeHead(
          upRes.statusCode ?? 502,
          upRes.statusMessage,
          downstreamResponseHeaders(upRes.rawHeaders, origins),
        );
      } catch (e) {
        upRes.destroy();
        this.fail(res, e as Error);
        return;
      }
      upRes.pipe(res, { end: false });
      upRes.once('end', () => {
        if (upRes.rawTrailers.length) res.addTrailers(pairs(upRes.rawTrailers));
        res.end();
      });
      upRes.once('error', () => res.destroy());
      upRes.once('aborted', () => res.destroy());
    });
    let failed = false;
    upReq.on('error', (err) => {
      // Later errors (writes into the destroyed request) say nothing new.
      if (failed) return;
      failed = true;
      exchange?.failed();
      rest?.failed();
      void explainTlsError(err, this.upstream.href).then((e) => {
        this.report(e);
        this.fail(res, e);
      });
    });
    req.pipe(upReq);
  }

  /** 502 naming the upstream failure, or a cut connection when the response already started. */
  private fail(res: ServerResponse, err: Error): void {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const body = `finesse-frames reverse proxy: ${this.upstream.origin} failed: ${err.message}\n`;
    res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  /**
   * Every WebSocket upgrade goes to the capturing WsProxy with the same path on the upstream;
   * the desktop's is /ws/. Host/Origin/Referer are rewritten first, as for plain requests.
   */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const admitted = admitUpgrade(req, this.names, this.opts.listen?.host ?? '127.0.0.1', this.opts.allowedOrigins);
    if (!admitted.ok) return refuseUpgradeSocket(socket, admitted);
    const origins = this.origins(req);
    rewriteUpgradeHeaders(req.headers, origins);
    const wsOrigin = `${this.upstream.protocol === 'https:' ? 'wss' : 'ws'}://${this.upstream.host}`;
    this.ws.handleUpgrade(req, socket, head, `${wsOrigin}${req.url ?? '/'}`);
  }

  private isBosh(url: string | undefined): boolean {
    const path = (url ?? '').split('?')[0].replace(/\/+$/, '');
    return (this.opts.boshPaths ?? ['/http-bind']).some((p) => path === p.replace(/\/+$/, ''));
  }

  private report(err: Error): void {
    if (this.listenerCount('error')) this.emit('error', err);
  }
}

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

function checkUpstream(upstream: string): URL {
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    throw new TypeError(`reverse proxy upstream "${upstream}" is not a URL (expected https://HOST:8445)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TypeError(`reverse proxy upstream must be https:// (or http://), got ${url.protocol}//`);
  return url;
}
