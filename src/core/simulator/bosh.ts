/**
 * The server side of BOSH (XEP-0124 with XEP-0206, XMPP over BOSH) at /http-bind, as older
 * Finesse desktops use it. Each BOSH session is a StreamTransport for the same XmppServerSession
 * a WebSocket gets: the session-creation request and every `xmpp:restart` become an RFC 7395
 * <open/> frame, each child of a request body is one frame, and what the stream sends back is
 * wrapped in <body> responses (its <open/> becomes the body's attributes, its <close/> a
 * terminate). Requests without anything to answer are held up to `wait` seconds (long polling);
 * at most `hold` are kept, an extra one releases the oldest empty, as the XEP says.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseBoshBody } from '../proxy/reverse/boshBody';
import { BOSH_NS, FRAMING_NS, STREAMS_NS } from '../xmpp/namespaces';
import { escapeXml, parseXml } from '../xmpp/xml';
import type { StreamTransport } from '../replay/xmppServerSession';

const MAX_BODY = 1024 * 1024;
const XBOSH_NS = 'urn:xmpp:xbosh';
const WAIT_MAX = 60;
const INACTIVITY = 60;

export interface BoshHost {
  domain: string;
  /** A new BOSH stream: the host attaches an XmppServerSession to the transport. */
  onSession(transport: StreamTransport): void;
}

interface Held {
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

class BoshSession implements StreamTransport {
  readonly sid = randomBytes(12).toString('hex');
  private frameHandler: (raw: string, isBinary: boolean) => void = () => undefined;
  private closeHandlers: (() => void)[] = [];
  private pending: string[] = [];
  private held: Held[] = [];
  private terminated = false;
  private inactivity: NodeJS.Timeout | undefined;
  private flushQueued = false;
  /** The terminate body for a client that had no request held when the session ended. */
  private final: string | undefined;

  constructor(
    private readonly server: BoshServer,
    readonly wait: number,
    readonly hold: number,
  ) {}

  onFrame(handler: (raw: string, isBinary: boolean) => void): void {
    this.frameHandler = handler;
  }
  onClose(handler: () => void): void {
    this.closeHandlers.push(handler);
  }
  get isOpen(): boolean {
    return !this.terminated;
  }

  /** A frame from the stream: <open/> is implied by the body; <close/> ends the session. */
  send(raw: string): void {
    if (this.terminated) return;
    const name = /^\s*<([^\s/>]+)/.exec(raw)?.[1];
    if (name === 'open' && raw.includes(FRAMING_NS)) return;
    if (name === 'close' && raw.includes(FRAMING_NS)) return this.terminate();
    this.pending.push(raw);
    this.scheduleFlush();
  }

  close(): void {
    this.terminate();
  }

  /** Feeds the children of one request to the stream, then holds or answers the request. */
  request(body: { attrs: Record<string, string>; children: string[] }, res: ServerResponse, first: boolean): void {
    if (this.terminated) {
      // Ended while no request was held (a <conflict/> kick): this request carries the news.
      respond(res, this.final ?? terminateBody());
      this.server.forget(this.sid);
      return;
    }
    this.touch();
    if (first || body.attrs['xmpp:restart'] === 'true')
      this.frameHandler(`<open xmlns="${FRAMING_NS}" to="${escapeXml(this.server.domain)}" version="1.0"/>`, false);
    for (const child of body.children) {
      if (this.terminated) break;
      this.frameHandler(child, false);
    }
    if (body.attrs.type === 'terminate' && !this.terminated) this.frameHandler(`<close xmlns="${FRAMING_NS}"/>`, false);
    if (this.terminated) {
      // Ended by this very request (a terminate, a stream error): it carries the ending.
      respond(res, this.final ?? terminateBody());
      this.server.forget(this.sid);
      return;
    }
    const timer = setTimeout(() => this.release(held, ''), this.wait * 1000);
    timer.unref();
    const held: Held = { res, timer };
    this.held.push(held);
    // The creation response carries the session attributes, and its features at once.
    if (first) {
      this.held.splice(this.held.indexOf(held), 1);
      clearTimeout(timer);
      this.flushQueued = false;
      return respond(res, this.creationBody(this.pending.splice(0)));
    }
    while (this.held.length > this.hold) {
      const oldest = this.held[0];
      this.release(oldest, '');
    }
    this.scheduleFlush();
  }

  private creationBody(frames: string[]): string {
    const attrs = {
      xmlns: BOSH_NS,
      'xmlns:xmpp': XBOSH_NS,
      'xmlns:stream': STREAMS_NS,
      sid: this.sid,
      wait: String(this.wait),
      hold: String(this.hold),
      requests: String(this.hold + 1),
      inactivity: String(INACTIVITY),
      polling: '1',
      ver: '1.11',
      from: this.server.domain,
      'xmpp:version': '1.0',
      'xmpp:restartlogic': 'true',
      authid: this.sid,
    };
    return `<body ${Object.entries(attrs)
      .map(([k, v]) => `${k}="${escapeXml(v)}"`)
      .join(' ')}>${frames.join('')}</body>`;
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    // Everything the stream answers to one request goes out in one body.
    setImmediate(() => {
      this.flushQueued = false;
      if (!this.pending.length || !this.held.length) return;
      this.release(this.held[0], this.pending.splice(0).join(''));
    });
  }

  private release(held: Held, payload: string): void {
    const i = this.held.indexOf(held);
    if (i < 0) return;
    this.held.splice(i, 1);
    clearTimeout(held.timer);
    respond(held.res, `<body xmlns="${BOSH_NS}" xmlns:stream="${STREAMS_NS}">${payload}</body>`);
  }

  private touch(): void {
    clearTimeout(this.inactivity);
    this.inactivity = setTimeout(() => this.terminate(), (INACTIVITY + this.wait) * 1000);
    this.inactivity.unref();
  }

  /** Ends the session: held requests get what is pending inside a terminate body. */
  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    clearTimeout(this.inactivity);
    const pending = this.pending.splice(0).join('');
    const body = terminateBody(pending.includes('stream:error') ? 'remote-stream-error' : undefined, pending);
    const held = this.held.splice(0);
    for (const h of held) {
      clearTimeout(h.timer);
      respond(h.res, body);
    }
    if (held.length) this.server.forget(this.sid);
    else {
      // Keep the ending for the client's next request, for at most one wait period.
      this.final = body;
      setTimeout(() => this.server.forget(this.sid), this.wait * 1000).unref();
    }
    for (const h of this.closeHandlers) h();
  }
}

export class BoshServer {
  private readonly sessions = new Map<string, BoshSession>();

  constructor(private readonly host: BoshHost) {}

  get domain(): string {
    return this.host.domain;
  }

  /** @internal */
  forget(sid: string): void {
    this.sessions.delete(sid);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'OPTIONS') {
      res.writeHead(200, { Allow: 'POST, OPTIONS', 'Content-Length': '0' });
      return void res.end();
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST, OPTIONS', 'Content-Type': 'text/plain' });
      return void res.end('BOSH: POST a <body/> (XEP-0124)\n');
    }
    const text = await readText(req);
    if (text === undefined) return respond(res, terminateBody('policy-violation'), 413);
    const parsed = parseBoshBody(text);
    if (!parsed.ok) return respond(res, terminateBody('bad-request'), 400);
    const { attrs, children } = parsed.body;
    if (attrs.xmlns !== BOSH_NS && parseXml(text).ok === false) return respond(res, terminateBody('bad-request'), 400);
    if (!attrs.sid) {
      if (attrs.to && attrs.to !== this.host.domain) return respond(res, terminateBody('host-unknown'));
      const wait = clamp(Number(attrs.wait), 1, WAIT_MAX, WAIT_MAX);
      const hold = clamp(Number(attrs.hold), 0, 1, 1);
      const session = new BoshSession(this, wait, hold);
      this.sessions.set(session.sid, session);
      this.host.onSession(session);
      return session.request({ attrs, children }, res, true);
    }
    const session = this.sessions.get(attrs.sid);
    if (!session) return respond(res, terminateBody('item-not-found'), 404);
    session.request({ attrs, children }, res, false);
  }

  close(): void {
    for (const s of [...this.sessions.values()]) s.terminate();
  }
}

function clamp(n: number, min: number, max: number, fallback: number): number {
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.floor(n))) : fallback;
}

function terminateBody(condition?: string, payload = ''): string {
  const cond = condition ? ` condition="${condition}"` : '';
  return `<body xmlns="${BOSH_NS}" xmlns:stream="${STREAMS_NS}" type="terminate"${cond}>${payload}</body>`;
}

function respond(res: ServerResponse, body: string, status = 200): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'text/xml; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
}

function readText(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}
