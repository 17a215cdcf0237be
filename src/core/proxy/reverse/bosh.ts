/**
 * BOSH capture for reverse mode. Older Finesse desktops talk XMPP as HTTP long-polls to
 * /http-bind: each POST carries a `<body>` wrapper with zero or more stanzas, each response the
 * same the other way. The HTTP exchange is forwarded untouched by the reverse proxy; this taps
 * a copy of both bodies (a second 'data' listener next to the pipe, so forwarding never waits)
 * and, once a body is complete, appends each child stanza as a Frame of the store session that
 * belongs to the BOSH `sid`, so a BOSH desktop reads in the panel like a WebSocket one:
 *  - the session-creation request and the `xmpp:restart` requests become `open` frames (out),
 *    the creation response an `open` frame (in), `type="terminate"` a `close` frame;
 *  - each child element becomes a `stanza` frame with its exact text;
 *  - empty wrappers (the idle long-poll and its empty answer) are transport, not XMPP, and are
 *    not recorded: they would add two frames per minute per desktop saying nothing.
 * One sid is one capture session until its last exchange is answered: a terminate ends the
 * session only once every request of that sid still waiting (the held long-poll, the terminate
 * request itself) has had its answer, so an answer arriving after another exchange's terminate
 * joins its own session instead of opening a second one for the same sid.
 * BOSH is capture-only: frames are not offered to intercept (holding one would hold an HTTP
 * exchange) and the session is not a LiveSession.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Direction, FrameFlags, FrameKind } from '../../capture/frame';
import { now } from '../../capture/frame';
import type { FrameStore, SessionInfo } from '../../capture/frameStore';
import { classifyText } from '../../xmpp/framing';
import { BoshBody, parseBoshBody } from './boshBody';

/** A BOSH body larger than this is not captured whole (they are normally a few KB). */
const MAX_CAPTURED_BODY = 1024 * 1024;

interface PendingFrame {
  dir: Direction;
  kind: FrameKind;
  raw: string;
  t: number;
  bytes?: number;
  flags?: FrameFlags;
}

export class BoshCapture extends EventEmitter<{ session: [SessionInfo] }> {
  /** Store session per BOSH sid. */
  private readonly sessions = new Map<string, SessionInfo>();
  /** Requests of a sid still waiting for their answer. */
  private readonly outstanding = new Map<string, number>();
  /** Sids that saw a terminate: ended once nothing of theirs is outstanding. */
  private readonly terminating = new Set<string>();
  private seq = 0;

  constructor(
    private readonly store: FrameStore,
    private readonly target: string,
  ) {
    super();
  }

  /**
   * Starts capturing one POST exchange: call with the browser's request before piping it, then
   * `response(upstreamResponse)` when the server answers.
   */
  exchange(req: IncomingMessage): BoshExchange {
    return new BoshExchange(this, req);
  }

  /** Ends every open BOSH session (the proxy is closing). */
  endAll(): void {
    for (const s of this.sessions.values()) this.store.endSession(s.id);
    this.sessions.clear();
    this.outstanding.clear();
    this.terminating.clear();
  }

  /** @internal A request of `sid` is waiting for its answer. */
  hold(sid: string): void {
    this.outstanding.set(sid, (this.outstanding.get(sid) ?? 0) + 1);
  }

  /** @internal That request got its answer (or never will). */
  release(sid: string): void {
    const n = (this.outstanding.get(sid) ?? 1) - 1;
    if (n > 0) this.outstanding.set(sid, n);
    else this.outstanding.delete(sid);
    this.endIfDone(sid);
  }

  private endIfDone(key: string): void {
    if (!this.terminating.has(key) || this.outstanding.has(key)) return;
    this.terminating.delete(key);
    const session = this.sessions.get(key);
    if (session) this.store.endSession(session.id);
    this.sessions.delete(key);
  }

  /** A session key for an exchange the server gave no sid (refused or failed creation). */
  unboundKey(): string {
    return `unbound-${++this.seq}`;
  }

  /** @internal Appends an exchange's frames to the session of `key` (a sid, or unboundKey()). */
  record(key: string, peer: string, frames: PendingFrame[], end: boolean): void {
    if (!frames.length && !end) return;
    let session = this.sessions.get(key);
    if (!session) {
      if (!frames.length) return;
      session = this.store.openSession({
        id: `bosh-${key}-${Date.now().toString(36)}`,
        label: `bosh ${peer}`,
        target: this.target,
      });
      this.sessions.set(key, session);
      this.emit('session', session);
    }
    for (const f of frames)
      this.store.append({
        session: session.id,
        dir: f.dir,
        kind: f.kind,
        raw: f.raw,
        t: f.t,
        bytes: f.bytes,
        flags: f.flags,
      });
    if (end) {
      this.terminating.add(key);
      this.endIfDone(key);
    }
  }
}

/** One POST /http-bind request/response pair. */
export class BoshExchange {
  private readonly peer: string;
  private requestFrames: PendingFrame[] = [];
  private requestSid: string | undefined;
  private responded = false;
  /** The exchange ended without a complete response (upstream failure, browser gone). */
  private lost = false;
  private creation = false;
  private terminateRequest = false;
  /** This exchange's own session key when the server gives no sid (see BoshCapture.unboundKey). */
  private unbound?: string;
  /** The sid this exchange holds open in the capture until it is answered. */
  private held?: string;

  constructor(
    private readonly capture: BoshCapture,
    req: IncomingMessage,
  ) {
    this.peer = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    tap(req, (body, size) => this.onRequest(body, size));
  }

  /** Taps the upstream response (same pass-through tap as the request). */
  response(res: IncomingMessage): void {
    this.responded = true;
    const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
    let complete = false;
    tap(res, (body, size) => {
      complete = true;
      this.onResponse(decode(body, encoding), size);
    });
    res.once('close', () => {
      if (!complete) this.failed();
    });
  }

  /** No (complete) answer will come: what the browser sent is still recorded. */
  failed(): void {
    if (this.lost) return;
    this.lost = true;
    if (this.creation) this.flushRequest(this.unboundKey(), true);
    else if (this.unbound) this.capture.record(this.unbound, this.peer, [], true);
    this.releaseHeld();
  }

  private releaseHeld(): void {
    const sid = this.held;
    this.held = undefined;
    if (sid !== undefined) this.capture.release(sid);
  }

  private unboundKey(): string {
    return (this.unbound ??= this.capture.unboundKey());
  }

  private onRequest(body: Buffer, size: number): void {
    const t = now();
    const text = body.toString('utf8');
    const parsed = parseBoshBody(text);
    if (!parsed.ok) {
      // Not a BOSH body: shown as it is, in a session of its own (there is no sid to go by),
      // which the answer joins.
      this.capture.record(this.unboundKey(), this.peer, [malformed('out', text, size, t)], this.lost);
      return;
    }
    const { attrs } = parsed.body;
    this.requestSid = attrs.sid;
    this.creation = attrs.sid === undefined;
    this.terminateRequest = attrs.type === 'terminate';
    this.requestFrames = framesOf(parsed.body, 'out', t, {
      open: this.creation || isRestart(attrs),
      close: this.terminateRequest,
    });
    // The creation request has no sid yet: it waits for the response that names it.
    if (!this.creation) {
      if (!this.lost && !this.responded) {
        this.held = attrs.sid as string;
        this.capture.hold(this.held);
      }
      this.flushRequest(attrs.sid as string, false);
    } else if (this.lost) this.flushRequest(this.unboundKey(), true);
  }

  private flushRequest(key: string, end: boolean): void {
    const frames = this.requestFrames;
    this.requestFrames = [];
    this.capture.record(key, this.peer, frames, end);
  }

  private onResponse(body: Buffer | undefined, size: number): void {
    const t = now();
    const text = body?.toString('utf8');
    const parsed = text === undefined ? undefined : parseBoshBody(text);
    const created = this.creation && parsed?.ok && parsed.body.attrs.sid !== undefined;
    // A creation the server refused has no sid: its request and answer share a session of their own.
    const key =
      created && parsed.ok
        ? parsed.body.attrs.sid
        : this.creation || this.requestSid === undefined
          ? this.unboundKey()
          : this.requestSid;
    const unbound = key === this.unbound;
    if (this.creation) this.flushRequest(key, false); // the request's frames go first, with their own times
    if (!parsed?.ok) {
      // A non-BOSH answer (an HTML error page, say) is shown as what it is.
      const frames = text?.trim() ? [malformed('in', text, size, t)] : [];
      this.capture.record(key, this.peer, frames, unbound);
      this.releaseHeld();
      return;
    }
    const terminate = parsed.body.attrs.type === 'terminate';
    const frames = framesOf(parsed.body, 'in', t, { open: !!created, close: terminate });
    this.capture.record(key, this.peer, frames, terminate || this.terminateRequest || unbound);
    this.releaseHeld();
  }
}

function isRestart(attrs: Record<string, string>): boolean {
  return Object.entries(attrs).some(([k, v]) => (k === 'xmpp:restart' || k.endsWith(':restart')) && v === 'true');
}

function framesOf(body: BoshBody, dir: Direction, t: number, marks: { open: boolean; close: boolean }): PendingFrame[] {
  const frames: PendingFrame[] = [];
  if (marks.open) frames.push({ dir, kind: 'open', raw: body.wrapper, t });
  for (const raw of body.children) frames.push({ dir, kind: classifyText(raw), raw, t });
  if (marks.close) frames.push({ dir, kind: 'close', raw: body.wrapper, t });
  return frames;
}

function malformed(dir: Direction, text: string, size: number, t: number): PendingFrame {
  return { dir, kind: classifyText(text), raw: text, t, bytes: size, flags: { malformed: true } };
}

/**
 * Copies what flows through `stream` without taking part in the flow: the pipe that forwards
 * it keeps its own backpressure; this listener only keeps up to MAX_CAPTURED_BODY bytes.
 */
export function tap(stream: IncomingMessage, done: (body: Buffer, size: number) => void): void {
  const chunks: Buffer[] = [];
  let kept = 0;
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (kept < MAX_CAPTURED_BODY) {
      const part = chunk.subarray(0, MAX_CAPTURED_BODY - kept);
      chunks.push(part);
      kept += part.length;
    }
  });
  stream.once('end', () => done(Buffer.concat(chunks), size));
}

/** The tapped copy decompressed for reading; the forwarded bytes stay compressed. */
export function decode(body: Buffer, encoding: string): Buffer | undefined {
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(body);
    if (encoding === 'deflate') return inflateSync(body);
    if (encoding === 'br') return brotliDecompressSync(body);
    return body;
  } catch {
    return undefined;
  }
}
