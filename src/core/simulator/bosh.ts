/**
 * The server side of BOSH (XEP-0124 with XEP-0206, XMPP over BOSH) at /http-bind, as Finesse's
 * Openfire answers it. Each BOSH session is a StreamTransport for the same XmppServerSession a
 * WebSocket gets: the session-creation request and every `xmpp:restart` become an RFC 7395
 * <open/> frame, each child of a request body is one frame, and what the stream sends back is
 * wrapped in <body> responses (its <open/> becomes the body's attributes, its <close/> a
 * terminate). What a client relies on, as Openfire (and, where they agree, Prosody) does it:
 * - every answer has a Content-Length, never chunked transfer coding (XEP-0124 §4: some
 *   clients read exactly Content-Length bytes);
 * - `wait` (capped), `hold` (capped), `ver` (the lower of the client's and 1.11) are honoured
 *   and answered; `requests` is hold + 1 (at least 2), `polling` and `inactivity` are announced
 *   and enforced: a request is held up to `wait` seconds, at most `hold` are kept (an extra one
 *   releases the oldest), a session with no request held for `inactivity` seconds ends;
 * - `rid`s are checked (§14): the next one is processed, one ahead within the window waits for
 *   the missing one, a repeated one gets the same answer again, anything else ends the session
 *   with item-not-found;
 * - overactivity (§11) ends the session with policy-violation: more unanswered requests than
 *   `requests`, or a polling session (hold or wait 0) polling empty faster than `polling`;
 * - `xmpp:restart` before login is answered with the features again (the stream is reopened
 *   where it is), not with a stream error;
 * - terminations carry XEP-0124's conditions: bad-request, host-unknown, item-not-found,
 *   policy-violation, remote-stream-error (with the stream error inside), none for a client's
 *   own terminate.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseBoshBody } from '../proxy/reverse/boshBody';
import { BOSH_NS, FRAMING_NS, STREAMS_NS } from '../xmpp/namespaces';
import { escapeXml, parseXml } from '../xmpp/xml';
import type { StreamTransport } from '../replay/xmppServerSession';

const MAX_BODY = 1024 * 1024;
const XBOSH_NS = 'urn:xmpp:xbosh';
/** The protocol version this connection manager implements (XEP-0124 1.11). */
const VERSION = [1, 11] as const;

export interface BoshLimits {
  /** The longest `wait` granted, in seconds. Default 60. */
  maxWait?: number;
  /** The most requests held at once. Default 5 (Openfire grants what clients ask). */
  maxHold?: number;
  /** Seconds without a held request before the session ends. Default 30, Openfire's. */
  inactivity?: number;
  /** Shortest interval between empty polls of a polling session, in seconds. Default 5. */
  polling?: number;
  /** Milliseconds now; injectable so overactivity can be tested without the wall clock. */
  now?: () => number;
}

export interface BoshHost {
  domain: string;
  /** A new BOSH stream: the host attaches an XmppServerSession to the transport. */
  onSession(transport: StreamTransport): void;
}

interface Held {
  rid: number;
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

interface Request {
  rid: number;
  attrs: Record<string, string>;
  children: string[];
  res: ServerResponse;
}

interface Granted {
  wait: number;
  hold: number;
  requests: number;
  ver: string;
}

class BoshSession implements StreamTransport {
  readonly sid = randomBytes(12).toString('hex');
  /** XEP-0206 §5: a restart reopens the stream wherever it is, as Openfire and Prosody do. */
  readonly reopens = true;
  private frameHandler: (raw: string, isBinary: boolean) => void = () => undefined;
  private closeHandlers: (() => void)[] = [];
  private pending: string[] = [];
  private held: Held[] = [];
  /** Requests that arrived ahead of a missing rid, processed once it comes. */
  private deferred = new Map<number, Request>();
  /** Answers already sent, by rid, for a client repeating a request whose answer it lost. */
  private answered = new Map<number, string>();
  private lastRid: number;
  private terminated = false;
  private inactivity: NodeJS.Timeout | undefined;
  private flushQueued = false;
  private lastPoll = -Infinity;
  /** The terminate body for a client that had no request held when the session ended. */
  private final: string | undefined;

  constructor(
    private readonly server: BoshServer,
    readonly granted: Granted,
    firstRid: number,
  ) {
    this.lastRid = firstRid - 1;
  }

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

  /** The session-creation request: its answer carries the session attributes and the features. */
  create(req: Request): void {
    this.lastRid = req.rid;
    this.frameHandler(`<open xmlns="${FRAMING_NS}" to="${escapeXml(this.server.domain)}" version="1.0"/>`, false);
    for (const child of req.children) if (!this.terminated) this.frameHandler(child, false);
    if (this.terminated) return this.answerEnded(req.res);
    const body = this.creationBody(this.pending.splice(0));
    this.answered.set(req.rid, body);
    respond(req.res, body);
    this.idle();
  }

  /** A request of this session: checked against the rid window, then processed in rid order. */
  request(req: Request): void {
    if (this.terminated) return this.answerEnded(req.res);
    const { rid } = req;
    if (rid <= this.lastRid) return this.repeated(req);
    if (rid > this.lastRid + this.granted.requests) return this.fail(req.res, 'item-not-found');
    if (this.unanswered() >= this.granted.requests) return this.fail(req.res, 'policy-violation');
    if (rid > this.lastRid + 1) {
      this.deferred.set(rid, req);
      return;
    }
    this.process(req);
    for (let next = this.deferred.get(this.lastRid + 1); next && !this.terminated;) {
      this.deferred.delete(next.rid);
      this.process(next);
      next = this.deferred.get(this.lastRid + 1);
    }
  }

  private unanswered(): number {
    return this.held.length + this.deferred.size;
  }

  /** §14.3: a rid seen before gets its answer again while it is kept; a held one is replaced. */
  private repeated(req: Request): void {
    const held = this.held.find((h) => h.rid === req.rid);
    if (held) {
      // The client gave up on that connection and sent the request again: this one is held.
      const abandoned = held.res;
      held.res = req.res;
      return respond(abandoned, answerBody());
    }
    const body = this.answered.get(req.rid);
    if (body === undefined) return this.fail(req.res, 'item-not-found');
    respond(req.res, body);
  }

  private process(req: Request): void {
    const { attrs, children, res, rid } = req;
    this.lastRid = rid;
    clearTimeout(this.inactivity);
    const empty = !children.length && attrs['xmpp:restart'] !== 'true' && attrs.type !== 'terminate' && !attrs.pause;
    if (empty && this.isPolling) {
      const t = this.server.now();
      if (t - this.lastPoll < this.server.limits.polling * 1000) return this.fail(res, 'policy-violation');
      this.lastPoll = t;
    }
    if (attrs['xmpp:restart'] === 'true')
      this.frameHandler(`<open xmlns="${FRAMING_NS}" to="${escapeXml(this.server.domain)}" version="1.0"/>`, false);
    for (const child of children) {
      if (this.terminated) break;
      this.frameHandler(child, false);
    }
    if (attrs.type === 'terminate' && !this.terminated) this.frameHandler(`<close xmlns="${FRAMING_NS}"/>`, false);
    // Ended by this very request (a terminate, a stream error): it carries the ending.
    if (this.terminated) return this.answerEnded(res);
    const held: Held = { rid, res, timer: setTimeout(() => this.release(held), this.granted.wait * 1000) };
    held.timer.unref();
    this.held.push(held);
    while (this.held.length > this.granted.hold) this.release(this.held[0]);
    this.scheduleFlush();
  }

  private get isPolling(): boolean {
    return this.granted.hold === 0 || this.granted.wait === 0;
  }

  private creationBody(frames: string[]): string {
    const { wait, hold, requests, ver } = this.granted;
    const attrs = {
      xmlns: BOSH_NS,
      'xmlns:xmpp': XBOSH_NS,
      'xmlns:stream': STREAMS_NS,
      sid: this.sid,
      wait: String(wait),
      hold: String(hold),
      requests: String(requests),
      inactivity: String(this.server.limits.inactivity),
      polling: String(this.server.limits.polling),
      ver,
      from: this.server.domain,
      secure: 'true',
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
      if (this.pending.length && this.held.length) this.release(this.held[0]);
    });
  }

  /** Answers a held request with everything pending (often nothing: the wait is over). */
  private release(held: Held): void {
    const i = this.held.indexOf(held);
    if (i < 0) return;
    this.held.splice(i, 1);
    clearTimeout(held.timer);
    const body = answerBody(this.pending.splice(0).join(''));
    this.remember(held.rid, body);
    respond(held.res, body);
    if (!this.held.length) this.idle();
  }

  private remember(rid: number, body: string): void {
    this.answered.set(rid, body);
    for (const old of this.answered.keys()) if (old <= rid - this.granted.requests) this.answered.delete(old);
  }

  /** No request is held: the client has `inactivity` seconds to send the next one. */
  private idle(): void {
    clearTimeout(this.inactivity);
    this.inactivity = setTimeout(() => this.terminate(), this.server.limits.inactivity * 1000);
    this.inactivity.unref();
  }

  private answerEnded(res: ServerResponse): void {
    respond(res, this.final ?? terminateBody());
    this.server.forget(this.sid);
  }

  /** Ends the session with a binding condition, answered on `res` and on every held request. */
  private fail(res: ServerResponse, condition: string): void {
    this.terminate(condition);
    this.answerEnded(res);
  }

  /** Ends the session: held requests get what is pending inside a terminate body. */
  terminate(condition?: string): void {
    if (this.terminated) return;
    this.terminated = true;
    clearTimeout(this.inactivity);
    const pending = this.pending.splice(0).join('');
    const body = terminateBody(
      condition ?? (pending.includes('stream:error') ? 'remote-stream-error' : undefined),
      pending,
    );
    const ended = [
      ...this.held.splice(0),
      ...[...this.deferred.values()].map((d) => ({ res: d.res, timer: undefined })),
    ];
    this.deferred.clear();
    for (const h of ended) {
      clearTimeout(h.timer);
      respond(h.res, body);
    }
    // Keep the ending for the client's next request, for at most one wait period.
    this.final = body;
    setTimeout(() => this.server.forget(this.sid), Math.max(1, this.granted.wait) * 1000).unref();
    for (const h of this.closeHandlers) h();
  }
}

export class BoshServer {
  private readonly sessions = new Map<string, BoshSession>();
  readonly limits: Required<Omit<BoshLimits, 'now'>>;
  readonly now: () => number;

  constructor(
    private readonly host: BoshHost,
    limits: BoshLimits = {},
  ) {
    this.limits = {
      maxWait: limits.maxWait ?? 60,
      maxHold: limits.maxHold ?? 5,
      inactivity: limits.inactivity ?? 30,
      polling: limits.polling ?? 5,
    };
    this.now = limits.now ?? (() => performance.now());
  }

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
      const text = 'BOSH: POST a <body/> (XEP-0124)\n';
      res.writeHead(405, { Allow: 'POST, OPTIONS', 'Content-Type': 'text/plain', 'Content-Length': byteLength(text) });
      return void res.end(text);
    }
    const text = await readText(req);
    if (text === undefined) return respond(res, terminateBody('policy-violation'), 413);
    const parsed = parseBoshBody(text);
    if (!parsed.ok) return respond(res, terminateBody('bad-request'), 400);
    const { attrs, children } = parsed.body;
    if (attrs.xmlns !== BOSH_NS && parseXml(text).ok === false) return respond(res, terminateBody('bad-request'), 400);
    const rid = Number(attrs.rid);
    if (!/^\d{1,16}$/.test(attrs.rid ?? '') || !Number.isSafeInteger(rid))
      return respond(res, terminateBody('bad-request'), 400);
    const request = { rid, attrs, children, res };
    if (!attrs.sid) {
      if (attrs.to && attrs.to !== this.host.domain) return respond(res, terminateBody('host-unknown'));
      const granted = this.grant(attrs);
      if (!granted) return respond(res, terminateBody('bad-request'), 400);
      const session = new BoshSession(this, granted, rid);
      this.sessions.set(session.sid, session);
      this.host.onSession(session);
      return session.create(request);
    }
    const session = this.sessions.get(attrs.sid);
    if (!session) return respond(res, terminateBody('item-not-found'), 404);
    session.request(request);
  }

  /** What the session gets of what the creation request asked (undefined: not a number). */
  private grant(attrs: Record<string, string>): Granted | undefined {
    const wait = whole(attrs.wait, this.limits.maxWait);
    const hold = whole(attrs.hold, 1);
    if (wait === undefined || hold === undefined) return undefined;
    const granted = { wait: Math.min(wait, this.limits.maxWait), hold: Math.min(hold, this.limits.maxHold) };
    return { ...granted, requests: Math.max(2, granted.hold + 1), ver: version(attrs.ver) };
  }

  close(): void {
    for (const s of [...this.sessions.values()]) s.terminate();
  }
}

/** A non-negative whole number attribute, the default when absent, undefined when malformed. */
function whole(value: string | undefined, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  return /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}

/** XEP-0124 §7.1: the lower of the client's version and ours (ours when it gives none). */
function version(asked: string | undefined): string {
  const m = /^(\d{1,4})\.(\d{1,4})$/.exec(asked ?? '');
  if (!m) return VERSION.join('.');
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const lower = major < VERSION[0] || (major === VERSION[0] && minor < VERSION[1]);
  return lower ? `${major}.${minor}` : VERSION.join('.');
}

function terminateBody(condition?: string, payload = ''): string {
  const cond = condition ? ` condition="${condition}"` : '';
  return `<body xmlns="${BOSH_NS}" xmlns:stream="${STREAMS_NS}" type="terminate"${cond}>${payload}</body>`;
}

function answerBody(payload = ''): string {
  return `<body xmlns="${BOSH_NS}" xmlns:stream="${STREAMS_NS}">${payload}</body>`;
}

function byteLength(text: string): string {
  return String(Buffer.byteLength(text));
}

/** One whole answer with its Content-Length: XEP-0124 §4 says no chunked transfer coding. */
function respond(res: ServerResponse, body: string, status = 200): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, {
    'Content-Type': 'text/xml; charset=utf-8',
    'Content-Length': byteLength(body),
    'Cache-Control': 'no-store',
  });
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
