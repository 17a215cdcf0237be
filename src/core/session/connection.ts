/**
 * One RFC 7395 WebSocket connection of the client session: captures every frame both ways in
 * the FrameStore (the session's only output), answers what any XMPP client must answer (server
 * pings, unknown iq requests, the server's <close/>), matches iq replies to requests, and lets
 * the login sequence wait for the next element it expects.
 */
import { EventEmitter } from 'node:events';
import WebSocket, { ClientOptions } from 'ws';
import type { Frame, FrameFlags, FrameInput } from '../capture/frame';
import { closeRaw, controlPayloadText } from '../capture/controlText';
import type { FrameStore } from '../capture/frameStore';
import { frameView } from '../capture/frameView';
import type { FrameGate } from '../intercept/gate';
import { classifyText, closeFrame, SUBPROTOCOL } from '../xmpp/framing';
import { parseXml, type Element } from '../xmpp/xml';
import { ConnectionLostError, IqError, ProtocolError, StreamError, TimeoutError } from './errors';
import { errorCondition, iqErrorCondition, iqResult, iqServiceUnavailable, isPing, localName } from './stanzas';
import { explainTlsError } from './tls';

export interface ClosedInfo {
  code: number;
  reason: string;
  /** Why: a socket error, the server's stream error or its <close/>. */
  error?: Error;
}

export interface ConnectionEvents {
  /** A well-formed element from the server, after the connection handled what it handles. */
  element: [Element, Frame];
  /** A frame from the server that is not what RFC 7395 allows (already captured and marked). */
  malformed: [Frame, string];
  closed: [ClosedInfo];
}

interface Waiter {
  match: (el: Element) => boolean;
  resolve: (el: Element) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

interface PendingIq {
  resolve: (el: Element) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

// Elements nobody waited for yet are kept for `next()` only while a sequence is waiting for
// them (login); a small bound keeps a chatty server from growing it.
const INBOX_LIMIT = 64;

export class XmppConnection extends EventEmitter<ConnectionEvents> {
  private waiters: Waiter[] = [];
  private inbox: Element[] = [];
  private pending = new Map<string, PendingIq>();
  private nextId = 0;
  private closing?: Promise<void>;
  private sentClose = false;
  private closeFrameSent = false;
  private closedInfo?: ClosedInfo;
  private lastError?: Error;
  /** Buffer elements for next() (on during login; off once online). */
  buffering = true;
  /**
   * Intercept's gate for frames from the server (set once online). A held frame is captured,
   * flagged held, and reaches this connection's logic only when released (with the edit, if
   * any); answers to this connection's own requests (keepalive pings) are never held, or a
   * long pause would make the session give the server up for dead.
   */
  gate?: FrameGate;

  private constructor(
    private readonly ws: WebSocket,
    private readonly store: FrameStore,
    readonly session: string,
  ) {
    super();
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on('ping', (data) => {
      this.capture({ dir: 'in', kind: 'ping', raw: controlPayloadText(data), bytes: data.length });
      // autoPong is off so that the pong is captured as what it is: a frame we sent.
      if (ws.readyState === WebSocket.OPEN) {
        this.capture({ dir: 'out', kind: 'pong', raw: controlPayloadText(data), bytes: data.length });
        ws.pong(data);
      }
    });
    ws.on('pong', (data) =>
      this.capture({ dir: 'in', kind: 'pong', raw: controlPayloadText(data), bytes: data.length }),
    );
    ws.on('error', (err) => {
      this.lastError ??= err;
    });
    ws.on('close', (code, reason) => this.onClose(code, reason.toString()));
  }

  /** Opens the WebSocket with the `xmpp` subprotocol; rejects with the (explained) error. */
  static open(url: string, options: ClientOptions, store: FrameStore, session: string): Promise<XmppConnection> {
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(url, SUBPROTOCOL, {
          handshakeTimeout: 15_000,
          perMessageDeflate: false,
          ...options,
          autoPong: false,
        });
      } catch (e) {
        reject(e);
        return;
      }
      const fail = (err: Error) => {
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        explainTlsError(err, url).then(reject, reject);
      };
      ws.once('error', fail);
      ws.once('open', () => {
        ws.off('error', fail);
        if (ws.protocol !== SUBPROTOCOL) {
          fail(new ProtocolError(`the server at ${url} did not accept the "${SUBPROTOCOL}" WebSocket subprotocol`));
          return;
        }
        resolve(new XmppConnection(ws, store, session));
      });
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN && !this.closedInfo;
  }

  /** Sends one frame and captures it; undefined when the socket is not open. */
  send(raw: string | Element, flags?: FrameFlags): Frame | undefined {
    const text = typeof raw === 'string' ? raw : raw.toString();
    if (this.ws.readyState !== WebSocket.OPEN) return undefined;
    const frame = this.capture({ dir: 'out', kind: classifyText(text), raw: text, ...(flags ? { flags } : {}) });
    this.ws.send(text);
    return frame;
  }

  /** A fresh stanza id for this connection. */
  id(prefix: string): string {
    return `${prefix}${++this.nextId}`;
  }

  /** Sends an iq get/set and resolves with its result; an error reply rejects with IqError. */
  request(iq: Element, timeoutMs: number): Promise<Element> {
    const id = (iq.attrs.id ??= this.id('iq'));
    return new Promise((resolve, reject) => {
      if (this.closedInfo) return reject(this.lostError());
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new TimeoutError(`no answer to iq ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      if (!this.send(iq)) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(this.lostError());
      }
    });
  }

  /** The next element matching `match`, including one buffered since the last call. */
  next(match: (el: Element) => boolean, what: string, timeoutMs: number): Promise<Element> {
    const i = this.inbox.findIndex(match);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      if (this.closedInfo) return reject(this.lostError());
      const waiter: Waiter = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new TimeoutError(`no ${what} from the server within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Ends the stream politely: <close/>, the server's <close/> (or its closing the socket),
   * then the WebSocket close handshake. Bounded by `timeoutMs`; then the socket is cut.
   */
  close(timeoutMs = 3000): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.closedInfo || this.ws.readyState === WebSocket.CLOSED) return resolve();
      const timer = setTimeout(() => this.terminate(), timeoutMs);
      this.once('closed', () => {
        clearTimeout(timer);
        resolve();
      });
      if (this.ws.readyState === WebSocket.OPEN && !this.sentClose) {
        this.sentClose = true;
        this.send(closeFrame());
        // The server answers <close/> and closes the socket; we close our side when it answers.
        this.next((el) => el.name === 'close', '<close/>', timeoutMs).then(
          () => this.closeSocket(1000),
          () => undefined,
        );
      } else this.closeSocket(1000);
    });
    return this.closing;
  }

  /** Cuts the connection without a close handshake (keepalive found it dead). */
  terminate(): void {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
  }

  /** The stream is over; the server should close the socket, and if it does not, we do. */
  private closeSoon(graceMs = 3000): void {
    setTimeout(() => this.closeSocket(1000), graceMs).unref();
  }

  private closeSocket(code: number, reason = ''): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.closeFrameSent = true;
    this.capture({ dir: 'out', kind: 'closeframe', raw: closeRaw(code, reason), bytes: 2 + Buffer.byteLength(reason) });
    this.ws.close(code, reason);
  }

  private capture(input: Omit<FrameInput, 'session'>): Frame {
    return this.store.append({ session: this.session, ...input });
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      const frame = this.capture({
        dir: 'in',
        kind: 'binary',
        raw: data.toString('base64'),
        bytes: data.length,
        flags: { malformed: true },
      });
      this.emit('malformed', frame, 'binary frame (RFC 7395 allows only text)');
      return;
    }
    const raw = data.toString('utf8');
    const kind = classifyText(raw);
    const frame = this.capture({ dir: 'in', kind, raw, bytes: data.length });
    if (kind === 'text' && raw.trim() === '') return; // whitespace keepalive
    if (
      this.gate &&
      !this.answersOwnRequest(frame) &&
      this.gate.admit(frame, (text) => this.receive(frame, text)) === 'hold'
    )
      return;
    this.receive(frame, raw);
  }

  private answersOwnRequest(frame: Frame): boolean {
    if (!this.pending.size || frame.kind !== 'stanza') return false;
    const el = frameView(frame).element;
    return (
      !!el &&
      el.name === 'iq' &&
      (el.attrs.type === 'result' || el.attrs.type === 'error') &&
      this.pending.has(el.attrs.id ?? '')
    );
  }

  /** A frame from the server reaches the session: now, or when intercept releases it (maybe edited). */
  private receive(frame: Frame, raw: string): void {
    if (this.closedInfo) return;
    // frameView caches the parse on the frame, so views reading it later parse nothing again.
    const parsed = raw === frame.raw ? frameView(frame) : parseXml(raw);
    const view = 'ok' in parsed ? (parsed.ok ? { element: parsed.element } : { error: parsed.error }) : parsed;
    if (!view.element) {
      frame.flags.malformed = true; // not yet emitted by the store: views see it marked
      this.emit('malformed', frame, view.error ?? 'not an XML element');
      return;
    }
    this.dispatch(view.element, frame);
  }

  private dispatch(el: Element, frame: Frame): void {
    if (el.name === 'iq') {
      const type = el.attrs.type;
      if (type === 'result' || type === 'error') {
        const p = this.pending.get(el.attrs.id ?? '');
        if (p) {
          this.pending.delete(el.attrs.id);
          clearTimeout(p.timer);
          if (type === 'result') p.resolve(el);
          else {
            const { condition, text } = iqErrorCondition(el);
            p.reject(new IqError(condition, text));
          }
          return;
        }
      } else if (type === 'get' || type === 'set') {
        this.send(isPing(el) ? iqResult(el) : iqServiceUnavailable(el));
        this.emit('element', el, frame);
        return;
      }
    } else if (localName(el) === 'error' && el.name.includes(':') && el.name !== 'error') {
      // <stream:error>: the server is about to close; whatever was expected will not come.
      const { condition, text } = errorCondition(el);
      this.fail(new StreamError(condition, text));
      this.closeSoon();
    } else if (el.name === 'close') {
      if (!this.sentClose) {
        // RFC 7395 §3.6: answer the server's <close/> with ours; the server then closes.
        this.sentClose = true;
        this.send(closeFrame());
        this.fail(new ConnectionLostError(1000, 'the server closed the stream', this.lastError));
        this.closeSoon();
      }
    }
    const w = this.waiters.find((x) => x.match(el));
    if (w) {
      this.waiters = this.waiters.filter((x) => x !== w);
      clearTimeout(w.timer);
      w.resolve(el);
    } else if (this.buffering) {
      this.inbox.push(el);
      if (this.inbox.length > INBOX_LIMIT) this.inbox.shift();
    }
    this.emit('element', el, frame);
  }

  /** Rejects everything still expected; the first reason wins and is reported on close. */
  private fail(err: Error): void {
    this.lastError ??= err;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(err);
    }
  }

  private lostError(): Error {
    const info = this.closedInfo;
    if (this.lastError instanceof StreamError || this.lastError instanceof ConnectionLostError) return this.lastError;
    return new ConnectionLostError(info?.code ?? 1006, info?.reason ?? '', this.lastError);
  }

  private onClose(code: number, reason: string): void {
    // 1005/1006 are never on the wire (RFC 6455 §7.4.1): a close frame without a code, or none
    // at all. The frame still records that the connection ended and how.
    const bytes = code === 1005 || code === 1006 ? 0 : 2 + Buffer.byteLength(reason);
    this.capture({ dir: 'in', kind: 'closeframe', raw: closeRaw(code, reason), bytes });
    // ws answers a close frame it did not ask for with the same code and reason (RFC 6455 §5.5.1).
    if (code !== 1006 && !this.closeFrameSent)
      this.capture({ dir: 'out', kind: 'closeframe', raw: closeRaw(code, reason), bytes });
    this.closedInfo = { code, reason };
    const err = this.lostError();
    this.closedInfo.error = err;
    this.fail(err);
    this.inbox = [];
    this.emit('closed', this.closedInfo);
  }
}
