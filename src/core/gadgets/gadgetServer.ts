/**
 * The local Finesse's Shindig: `/gadgets/ifr` renders a gadget spec from the served folder into
 * its frame (render.ts), `/gadgets/makeRequest` proxies the gadget's REST to the RestForwarder
 * (never to the internet: a URL off the Finesse REST host is answered 400 and reported), and
 * `/gadgets/js/gadget-runtime.js` serves the gadgets.* runtime (dist/gadget-runtime.js). The host
 * (the simulator) passes requests here after its Origin/Host gate.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { join, resolve } from 'node:path';
import { GADGET_PREFIX, type GadgetFiles } from '../simulator/gadgetFiles';
import {
  MakeRequestError,
  formatProxiedResponse,
  readProxiedRequest,
  toRestRequest,
  type ProxiedRequest,
} from './makeRequest';
import { messagesFor } from './messages';
import type { GadgetProblem } from './problem';
import { localeOf, problemPage, renderGadget } from './render';
import type { RestForwarder } from './restForwarder';
import { readSpec, SpecError } from './spec';
import { identityMap, ignoreListed } from './runtimeMap';

export const GADGETS_PREFIX = '/gadgets/';
const RUNTIME_PATH = '/gadgets/js/gadget-runtime.js';
const MAKE_REQUEST_PATH = '/gadgets/makeRequest';
const FINESSE_JS_PATH = '/desktop/assets/js/';
const MAX_FORM_BYTES = 4 << 20;

export interface GadgetServerOptions {
  /** The served folder (the simulator's `serve`), at /3rdpartygadget/files/. */
  files?: GadgetFiles;
  /** Where makeRequest's REST goes; without one makeRequest answers 400. */
  rest?: RestForwarder;
  /**
   * Hosts (`host:port`) besides this server's own whose URLs makeRequest forwards, e.g. a lab
   * Finesse's REST host. Scheme is not compared: finesse.js asks for http://restHost:localhostPort
   * whatever the desktop's scheme, and the forwarder decides how to reach it.
   */
  restHosts?: () => readonly string[];
  /** The finesse.js served at /desktop/assets/js/finesse.js, when the user supplied one. */
  finesseJs?: () => string | undefined;
  /** Spec errors, refused or failed requests, missing finesse.js: to capture and show. */
  onProblem?: (problem: GadgetProblem) => void;
}

/** How a user supplies finesse.js, shown when a gadget needs it and there is none. */
const FINESSE_JS_HELP = [
  'finesse.js is Cisco\u2019s library, licensed for use in Finesse deployments only, so it is not included. Supply your copy (your Finesse server has it at https://FINESSE:8445/desktop/assets/js/finesse.js) in one of these ways:',
  'finesse-frames simulate --serve DIR --finesse-js FILE',
  'a finesse*.js file in the gadget folder (DIR), as Finesse 10.x sample gadgets carry theirs',
  'in VS Code, the setting finesse.gadgets.finesseJs',
];

export class GadgetServer {
  constructor(private readonly opts: GadgetServerOptions = {}) {}

  /** Answers the request when it is one of ours; false lets the host route it elsewhere. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const path = url.pathname;
    if (!path.startsWith(GADGETS_PREFIX)) return false;
    const fail = (e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`Internal error: ${(e as Error).message}\n`);
    };
    if (path === '/gadgets/ifr') {
      if (!isGetOrHead(req)) return methodNotAllowed(res);
      void this.ifr(req, res, url).catch(fail);
      return true;
    }
    if (path === MAKE_REQUEST_PATH) {
      void this.makeRequest(req, res, url).catch(fail);
      return true;
    }
    if (path === RUNTIME_PATH || path === `${RUNTIME_PATH}.map`) {
      if (!isGetOrHead(req)) return methodNotAllowed(res);
      this.runtime(req, res, path.endsWith('.map'));
      return true;
    }
    return false;
  }

  private problem(p: GadgetProblem): void {
    try {
      this.opts.onProblem?.(p);
    } catch {
      // A failing listener must not break the gadget's page.
    }
  }

  private async ifr(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const params = url.searchParams;
    const origin = originOf(req);
    const specParam = params.get('url') ?? '';
    const mid = params.get('mid') ?? '0';
    const minimal = {
      mid,
      specUrl: specParam,
      title: '',
      view: params.get('view') || 'default',
      features: { core: {} },
      defaultPrefs: {},
      messages: {},
      ...localeOf(params),
      makeRequestUrl: MAKE_REQUEST_PATH,
    };
    const stop = (status: number, p: GadgetProblem, help?: string[], title = '') => {
      this.problem(p);
      page(
        res,
        status,
        problemPage({ ...minimal, title, problem: { message: p.message, line: p.line } }, RUNTIME_PATH, [p], help),
      );
    };
    const located = this.locateSpec(specParam, origin);
    if ('message' in located)
      return stop(located.status, { severity: 'error', kind: 'spec', spec: specParam, mid, message: located.message });
    let spec;
    try {
      spec = await readSpec(readFileSync(located.file, 'utf8'));
    } catch (e) {
      const line = e instanceof SpecError ? e.line : undefined;
      return stop(200, {
        severity: 'error',
        kind: 'spec',
        spec: specParam,
        mid,
        line,
        message: `the gadget spec does not parse: ${(e as Error).message}`,
      });
    }
    const specUrl = new URL(located.path, origin);
    const bundle = await messagesFor(spec, specUrl, localeOf(params), async (u) => {
      const f = sameServer(u, new URL(origin)) ? this.locateSpec(u.pathname, origin) : undefined;
      return f && 'file' in f ? readFileSync(f.file, 'utf8') : undefined;
    });
    for (const p of bundle.problems) this.problem({ ...p, spec: specParam, mid });
    const rendered = renderGadget({
      spec,
      specUrl,
      specParam,
      params,
      messages: bundle.messages,
      runtimeSrc: RUNTIME_PATH,
      makeRequestUrl: MAKE_REQUEST_PATH,
    });
    for (const p of rendered.problems) this.problem(p);
    if (!rendered.ok) return page(res, 200, rendered.html);
    const missing = rendered.scripts.find((s) => this.isMissingFinesseJs(s, origin));
    if (missing)
      return stop(
        200,
        {
          severity: 'error',
          kind: 'finesse-js',
          spec: specParam,
          mid,
          url: missing.href,
          message: `the gadget loads ${missing.pathname} and no finesse.js is available`,
        },
        FINESSE_JS_HELP,
        rendered.title,
      );
    page(res, 200, rendered.html);
  }

  /** A script the gadget loads that is finesse*.js and that this origin cannot serve. */
  private isMissingFinesseJs(src: URL, origin: string): boolean {
    if (!sameServer(src, new URL(origin)) || !/\/finesse[^/]*\.js$/i.test(src.pathname)) return false;
    if (src.pathname.startsWith(FINESSE_JS_PATH)) return this.opts.finesseJs?.() === undefined;
    if (src.pathname.startsWith(GADGET_PREFIX)) return !('file' in this.locateSpec(src.pathname, origin));
    return false;
  }

  /** The served file a spec URL (absolute on this origin, or a path) names. */
  private locateSpec(
    specParam: string,
    origin: string,
  ): { file: string; path: string } | { status: number; message: string } {
    if (!specParam) return { status: 400, message: 'no gadget spec: /gadgets/ifr needs url=SPEC' };
    let u: URL;
    try {
      u = new URL(specParam, origin);
    } catch {
      return { status: 400, message: `${specParam} is not a URL` };
    }
    if (!sameServer(u, new URL(origin)))
      return {
        status: 403,
        message: `${specParam} is not on this server: gadgets are served from ${GADGET_PREFIX} here`,
      };
    if (!u.pathname.startsWith(GADGET_PREFIX))
      return { status: 404, message: `${u.pathname} is not under ${GADGET_PREFIX}, where gadget specs are served` };
    if (!this.opts.files)
      return { status: 404, message: `no folder is served at ${GADGET_PREFIX} (simulate --serve DIR)` };
    let rel: string;
    try {
      rel = decodeURIComponent(u.pathname.slice(GADGET_PREFIX.length));
    } catch {
      return { status: 400, message: `${specParam} is not a valid path` };
    }
    const found = this.opts.files.locate(rel);
    if ('status' in found)
      return {
        status: found.status,
        message: `${u.pathname}: ${found.status === 404 ? 'no such file in the served folder' : 'outside the served folder'}`,
      };
    return { file: found.file, path: u.pathname };
  }

  private async makeRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    let fields: URLSearchParams;
    if (req.method === 'GET') fields = url.searchParams;
    else if (req.method === 'POST') {
      const text = await readBody(req, MAX_FORM_BYTES);
      if (text === undefined) return sendError(res, 413, 'the makeRequest body is too large');
      fields = new URLSearchParams(text);
    } else return void methodNotAllowed(res);
    const origin = originOf(req);
    const refuse = (message: string, status = 400, requested?: string) => {
      this.problem({
        severity: 'error',
        kind: 'request',
        spec: fields.get('gadget') ?? undefined,
        url: requested,
        message: `gadgets.io.makeRequest ${requested ?? ''} refused: ${message}`.replace('  ', ' '),
      });
      sendError(res, status, message);
    };
    let proxied: ProxiedRequest;
    try {
      proxied = readProxiedRequest(fields);
    } catch (e) {
      if (e instanceof MakeRequestError) return refuse(e.message, 400, fields.get('url') ?? undefined);
      throw e;
    }
    // gadgets.io sends only GETs in a query. Refusing the rest keeps a cross-site <img> (a GET
    // with no Origin header, so the host's gate lets it by) from changing anything.
    if (req.method === 'GET' && proxied.method !== 'GET')
      return refuse(
        `httpMethod ${proxied.method} must be sent as a POST to makeRequest, as gadgets.io sends it`,
        400,
        proxied.rawUrl,
      );
    if (!this.isRestHost(proxied.url, origin))
      return refuse(
        `${proxied.url.host} is not the Finesse REST host (${new URL(origin).host}); the container forwards REST there only and never to the internet`,
        400,
        proxied.rawUrl,
      );
    if (!this.opts.rest) return refuse('this server has no REST forwarder', 400, proxied.rawUrl);
    let answer;
    try {
      answer = await this.opts.rest(toRestRequest(proxied));
    } catch (e) {
      this.problem({
        severity: 'error',
        kind: 'request',
        spec: fields.get('gadget') ?? undefined,
        url: proxied.rawUrl,
        message: `gadgets.io.makeRequest ${proxied.method} ${proxied.rawUrl} failed: ${(e as Error).message}`,
      });
      return sendError(res, 502, `the Finesse REST host did not answer: ${(e as Error).message}`);
    }
    const text = formatProxiedResponse(proxied, answer);
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'attachment; filename=p.txt',
    });
    res.end(text);
  }

  private isRestHost(u: URL, origin: string): boolean {
    const hosts = new Set((this.opts.restHosts?.() ?? []).map((h) => h.toLowerCase()));
    return hosts.has(u.host.toLowerCase()) || sameServer(u, new URL(origin));
  }

  private runtime(req: IncomingMessage, res: ServerResponse, map: boolean): void {
    const js = runtimeFile();
    if (!js) return sendError(res, 404, 'dist/gadget-runtime.js is not built (npm run build)');
    const body = map
      ? Buffer.from(
          existsSync(`${js}.map`)
            ? ignoreListed(readFileSync(`${js}.map`, 'utf8'))
            : identityMap(readFileSync(js, 'utf8'), 'gadget-runtime.js'),
        )
      : readFileSync(js);
    res.writeHead(200, {
      'Content-Type': map ? 'application/json' : 'text/javascript; charset=utf-8',
      'Content-Length': String(body.length),
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      // A production build carries no sourceMappingURL comment; the header points DevTools to the map.
      ...(map ? {} : { SourceMap: `${RUNTIME_PATH}.map` }),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

/** Whether `u` names this server: its host, or another loopback name for it on the same port. */
function sameServer(u: URL, own: URL): boolean {
  if (u.host.toLowerCase() === own.host.toLowerCase()) return true;
  const loopback = (h: string) => h === '127.0.0.1' || h === 'localhost' || h === '[::1]';
  return (
    loopback(own.hostname) && loopback(u.hostname) && (u.port || defaultPort(u)) === (own.port || defaultPort(own))
  );
}

function defaultPort(u: URL): string {
  return u.protocol === 'https:' ? '443' : '80';
}

/** dist/gadget-runtime.js: beside the running bundle (dist/), or the built one (tests, tsx). */
function runtimeFile(): string | undefined {
  const name = 'gadget-runtime.js';
  return [join(__dirname, name), resolve(__dirname, '../../../dist', name)].find((f) => existsSync(f));
}

/**
 * The gadget frame's CSP: its scripts come from this origin only, inline ones included (gadgets
 * use inline scripts and onClick handlers; only gadget frames get this, never the panel), and
 * it reaches nothing else: REST goes through makeRequest, other sites are not loaded.
 */
const GADGET_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

function page(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': GADGET_CSP,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(html);
}

function sendError(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

function methodNotAllowed(res: ServerResponse): true {
  res.writeHead(405, { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' });
  res.end('Method Not Allowed\n');
  return true;
}

function isGetOrHead(req: IncomingMessage): boolean {
  return req.method === 'GET' || req.method === 'HEAD';
}

/** This server's origin as the browser reached it (the host already checked the Host header). */
function originOf(req: IncomingMessage): string {
  const tls = !!(req.socket as TLSSocket).encrypted;
  return `${tls ? 'https' : 'http'}://${req.headers.host ?? '127.0.0.1'}`;
}

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Past the limit the rest is read and dropped, so the answer (413) still reaches the client.
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolveBody(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
