/**
 * The server side of one RFC 7395 XMPP stream, as a small, strict c2s: open, SASL PLAIN, stream
 * restart, resource bind, legacy session, presence, roster get, disco#info/#items and XEP-0199
 * ping; carbons and stream management are refused the way a server without them refuses them,
 * so standard clients (stanza, strophe.js, @xmpp/client) fall back cleanly. Everything else an
 * authenticated client sends to a service is handed to `onIq` (the simulator answers pubsub
 * there); unknown iqs get service-unavailable. It behaves like Openfire/Prosody where that is
 * observable to a client (close codes, stream errors, SASL failure keeps the stream open,
 * `xmlns="jabber:client"` on every stanza), so what a client learns against it holds against a
 * real server. The stream runs over a `StreamTransport`: a WebSocket (RFC 7395) or a BOSH
 * session (XEP-0206) that maps its bodies to the same frames.
 * Input is untrusted: malformed XML ends the stream with <not-well-formed/>, never a throw.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type WebSocket from 'ws';
import { CLIENT_NS, closeFrame, FRAMING_NS, isWhitespaceKeepalive } from '../xmpp/framing';
import { SASL_NS } from '../xmpp/sasl';
import { Element, parseXml, xml } from '../xmpp/xml';
import {
  BIND_NS,
  CARBONS_NS,
  DISCO_INFO_NS,
  DISCO_ITEMS_NS,
  PING_NS,
  ROSTER_NS,
  SESSION_NS,
  SM_NS,
  STANZAS_NS,
  STREAMS_NS,
  STREAM_ERRORS_NS,
} from '../xmpp/namespaces';
export { DISCO_INFO_NS, PING_NS };

/** Where the stream is: waiting for <open/>, for <auth/>, for the restart, for bind, bound. */
export type ServerStreamState = 'open' | 'auth' | 'restart' | 'bind' | 'online' | 'closed';

/** Stream management (XEP-0198) and message carbons (XEP-0280): refused, not implemented. */

/**
 * What carries the stream's frames: one text frame in, one text frame out, a close. A WebSocket
 * is one (wsTransport); a BOSH session is another (it wraps frames in <body> exchanges).
 */
export interface StreamTransport {
  /** Frames the client sent, each a whole top-level element (or whitespace keepalive). */
  onFrame(handler: (raw: string, isBinary: boolean) => void): void;
  onClose(handler: () => void): void;
  readonly isOpen: boolean;
  send(raw: string): void;
  /** Ends the transport; `code` is a WebSocket close code (BOSH maps it to a terminate). */
  close(code: number, reason?: string): void;
  /**
   * True when a new <open/> may restart the stream before it is bound: a BOSH `xmpp:restart`
   * (XEP-0206 §5), the new stream after STARTTLS on TCP. The server answers with the features
   * of where the stream is, as Openfire and Prosody do; elsewhere a second <open/> is invalid.
   */
  readonly reopens?: boolean;
  /** Features the transport itself offers before authentication (TCP's STARTTLS). */
  preAuthFeatures?(): Element[];
}

export function wsTransport(ws: WebSocket): StreamTransport {
  return {
    onFrame: (h) => ws.on('message', (data, isBinary) => h((data as Buffer).toString('utf8'), isBinary)),
    onClose: (h) => {
      ws.on('close', h);
      ws.on('error', h);
    },
    get isOpen() {
      return ws.readyState === ws.OPEN;
    },
    send: (raw) => ws.send(raw),
    close: (code, reason) => ws.close(code, reason),
  };
}

export interface XmppServerSessionOptions {
  domain: string;
  /** True when the credentials are good. Never logs or keeps the password. */
  authenticate(user: string, password: string): boolean;
  /**
   * An iq from a bound client that the stream itself does not answer. Return the reply
   * element (result or error), or undefined for <service-unavailable/>.
   */
  onIq?(iq: Element, session: XmppServerSession): Element | undefined;
  /**
   * A resource was bound: the server kicks any older session with the same full JID here
   * (Openfire's default), before the bind result goes out.
   */
  onBind?(jid: string, session: XmppServerSession): void;
}

export interface XmppServerSessionEvents {
  state: [ServerStreamState];
  /** The bound client sent available (true) or unavailable (false) broadcast presence. */
  presence: [boolean];
  /** Every text frame the server sent, after it was sent (for logs and tests). */
  sent: [string];
  /** Every text frame the client sent, as received. */
  received: [string];
  close: [];
}

export class XmppServerSession extends EventEmitter<XmppServerSessionEvents> {
  private streamState: ServerStreamState = 'open';
  private ended = false;
  readonly streamId = randomBytes(8).toString('hex');
  /** Authenticated localpart, once SASL succeeded. */
  user: string | undefined;
  /** Full JID, once bound. */
  jid: string | undefined;
  /** True between the client's initial (available) presence and unavailable/close. */
  available = false;

  constructor(
    private readonly transport: StreamTransport,
    private readonly opts: XmppServerSessionOptions,
  ) {
    super();
    transport.onFrame((raw, isBinary) => this.onMessage(raw, isBinary));
    transport.onClose(() => this.finish());
  }

  get state(): ServerStreamState {
    return this.streamState;
  }

  get bareJid(): string | undefined {
    return this.user ? `${this.user}@${this.opts.domain}` : undefined;
  }

  /** Sends one frame to the client; dropped silently when the socket is gone. */
  send(raw: string): void {
    if (this.ended || !this.transport.isOpen) return;
    this.transport.send(raw);
    this.emit('sent', raw);
  }

  /** Ends the stream from the server side: optional stream error, <close/>, WebSocket close. */
  close(error?: string, code = 1000): void {
    if (this.ended) return;
    if (error) this.send(streamError(error));
    this.send(closeFrame());
    this.transport.close(code);
    this.finish();
  }

  private setState(s: ServerStreamState): void {
    this.streamState = s;
    this.emit('state', s);
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.available) {
      this.available = false;
      this.emit('presence', false);
    }
    this.setState('closed');
    this.emit('close');
  }

  private onMessage(raw: string, isBinary: boolean): void {
    if (this.ended) return;
    // Prosody: binary frames are unsupported data (1003), non-XML text is invalid payload (1007).
    if (isBinary) return this.abort(1003, 'binary frames are not XMPP');
    this.emit('received', raw);
    if (isWhitespaceKeepalive(raw)) return;
    if (!raw.trimStart().startsWith('<')) return this.abort(1007, 'not an XML frame');
    const parsed = parseXml(raw);
    if (!parsed.ok) return this.close('not-well-formed');
    this.onElement(parsed.element);
  }

  private abort(code: number, reason: string): void {
    this.transport.close(code, reason);
    this.finish();
  }

  private onElement(el: Element): void {
    if (el.name === 'open' && el.attrs.xmlns === FRAMING_NS) return this.onOpen(el);
    if (el.name === 'close' && el.attrs.xmlns === FRAMING_NS) {
      // RFC 7395 §3.6: answer the client's <close/> with ours, then the server closes the socket.
      return this.close();
    }
    switch (this.streamState) {
      case 'open':
      case 'restart':
        return this.close('not-authorized');
      case 'auth':
        return this.onAuth(el);
      case 'bind':
        if (el.name === 'iq' && el.attrs.type === 'set' && el.getChild('bind', BIND_NS)) return this.onBind(el);
        if (el.name === 'iq' && (el.attrs.type === 'get' || el.attrs.type === 'set'))
          return this.send(errorReply(el, 'wait', 'not-authorized', this.opts.domain).toString());
        if (el.name === 'enable' && el.attrs.xmlns === SM_NS) return this.send(smFailed());
        return;
      case 'online':
        return this.onStanza(el);
    }
  }

  private onOpen(el: Element): void {
    const state = this.streamState;
    const reopen = this.transport.reopens === true && (state === 'auth' || state === 'bind');
    if (state !== 'open' && state !== 'restart' && !reopen) return this.close('invalid-xml');
    const openReply = xml('open', {
      xmlns: FRAMING_NS,
      from: this.opts.domain,
      id: this.streamId,
      version: '1.0',
      'xml:lang': 'en',
    }).toString();
    this.send(openReply);
    if (el.attrs.to && el.attrs.to !== this.opts.domain) return this.close('host-unknown');
    if (state === 'open' || state === 'auth') {
      const extra = this.transport.preAuthFeatures?.() ?? [];
      this.send(features(...extra, xml('mechanisms', { xmlns: SASL_NS }, xml('mechanism', {}, 'PLAIN'))));
      this.setState('auth');
    } else {
      this.send(features(xml('bind', { xmlns: BIND_NS }), xml('session', { xmlns: SESSION_NS }, xml('optional'))));
      this.setState('bind');
    }
  }

  private onAuth(el: Element): void {
    if (el.name !== 'auth' || el.attrs.xmlns !== SASL_NS) return this.close('not-authorized');
    if (el.attrs.mechanism !== 'PLAIN') return this.send(saslFailure('invalid-mechanism'));
    const credentials = decodePlain(el.getText().trim());
    if (!credentials) return this.send(saslFailure('incorrect-encoding'));
    const { authzid, user, password } = credentials;
    if (authzid && authzid !== `${user}@${this.opts.domain}`) return this.send(saslFailure('invalid-authzid'));
    if (!this.opts.authenticate(user, password)) return this.send(saslFailure('not-authorized'));
    this.user = user;
    this.send(xml('success', { xmlns: SASL_NS }).toString());
    this.setState('restart');
  }

  private onBind(iq: Element): void {
    const requested = iq.getChild('bind', BIND_NS)?.getChildText('resource')?.trim();
    const resource = requested || `sim-${randomBytes(4).toString('hex')}`;
    this.jid = `${this.user}@${this.opts.domain}/${resource}`;
    this.opts.onBind?.(this.jid, this);
    this.send(
      xml(
        'iq',
        { xmlns: CLIENT_NS, type: 'result', id: iq.attrs.id, to: this.jid },
        xml('bind', { xmlns: BIND_NS }, xml('jid', {}, this.jid)),
      ).toString(),
    );
    this.setState('online');
  }

  private onStanza(el: Element): void {
    if (el.name === 'presence') return this.onPresence(el);
    // XEP-0198 §3: a server without stream management answers <enable/> with <failed/>.
    if (el.name === 'enable' && el.attrs.xmlns === SM_NS) return this.send(smFailed());
    if (el.name !== 'iq') return; // messages to the simulator go nowhere, as to an absent peer
    const type = el.attrs.type;
    if (type !== 'get' && type !== 'set') return; // results/errors answer nothing we asked
    const reply =
      this.coreIq(el) ?? this.opts.onIq?.(el, this) ?? errorReply(el, 'cancel', 'service-unavailable', this.jid);
    this.send(reply.toString());
  }

  /** Presence without `to` goes to the user's own resources, so the sender gets it back. */
  private onPresence(el: Element): void {
    if (el.attrs.to) return; // directed presence and subscription requests: no peers here
    if (el.attrs.type === 'unavailable') {
      if (this.available) {
        this.available = false;
        this.emit('presence', false);
      }
      return;
    }
    if (el.attrs.type) return;
    const echo = xml('presence', { xmlns: CLIENT_NS, from: this.jid, to: this.jid }, ...el.getChildElements());
    this.send(echo.toString());
    if (!this.available) {
      this.available = true;
      this.emit('presence', true);
    }
  }

  /** The iqs the server itself answers (addressed to the domain, the account, or nobody). */
  private coreIq(iq: Element): Element | undefined {
    const to = iq.attrs.to;
    if (to && to !== this.opts.domain && to !== this.bareJid) return undefined;
    const child = iq.getChildElements()[0];
    if (!child) return errorReply(iq, 'modify', 'bad-request', this.jid);
    const ns = child.attrs.xmlns;
    const get = iq.attrs.type === 'get';
    if (!get && child.name === 'session' && ns === SESSION_NS) return resultReply(iq, this.jid);
    if (get && child.name === 'ping' && ns === PING_NS) return resultReply(iq, this.jid);
    if (get && child.name === 'query' && ns === ROSTER_NS)
      return resultReply(iq, this.jid, xml('query', { xmlns: ROSTER_NS }));
    if (get && child.name === 'query' && ns === DISCO_INFO_NS && !to?.includes('@')) {
      return resultReply(
        iq,
        this.jid,
        xml(
          'query',
          { xmlns: DISCO_INFO_NS },
          xml('identity', { category: 'server', type: 'im', name: 'Finesse simulator' }),
          ...[DISCO_INFO_NS, DISCO_ITEMS_NS, PING_NS, ROSTER_NS].map((v) => xml('feature', { var: v })),
        ),
      );
    }
    // Openfire lists its components: the pubsub service is where Finesse's nodes live.
    if (get && child.name === 'query' && ns === DISCO_ITEMS_NS && !to?.includes('@')) {
      return resultReply(
        iq,
        this.jid,
        xml(
          'query',
          { xmlns: DISCO_ITEMS_NS },
          xml('item', { jid: `pubsub.${this.opts.domain}`, name: 'Publish-Subscribe service' }),
        ),
      );
    }
    if (get && child.name === 'query' && ns === DISCO_ITEMS_NS)
      return resultReply(iq, this.jid, xml('query', { xmlns: DISCO_ITEMS_NS }));
    // XEP-0280 on a server without carbons: the enable request is not implemented.
    if (!get && ns === CARBONS_NS) return errorReply(iq, 'cancel', 'feature-not-implemented', this.jid);
    return undefined;
  }
}

function features(...children: Element[]): string {
  return xml('stream:features', { 'xmlns:stream': STREAMS_NS }, ...children).toString();
}

function streamError(condition: string): string {
  return xml('stream:error', { 'xmlns:stream': STREAMS_NS }, xml(condition, { xmlns: STREAM_ERRORS_NS })).toString();
}

function smFailed(): string {
  return xml('failed', { xmlns: SM_NS }, xml('feature-not-implemented', { xmlns: STANZAS_NS })).toString();
}

function saslFailure(condition: string): string {
  return xml('failure', { xmlns: SASL_NS }, xml(condition)).toString();
}

/** base64(authzid NUL authcid NUL password) → parts; undefined when it is not that shape. */
function decodePlain(payload: string): { authzid: string; user: string; password: string } | undefined {
  if (!payload || payload === '=' || !/^[A-Za-z0-9+/]+={0,2}$/.test(payload)) return undefined;
  const parts = Buffer.from(payload, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3 || !parts[1]) return undefined;
  return { authzid: parts[0], user: parts[1], password: parts[2] };
}

/** `<iq type="result">` answering `iq`, from whoever it was addressed to. */
export function resultReply(iq: Element, clientJid: string | undefined, ...children: Element[]): Element {
  return xml(
    'iq',
    { xmlns: CLIENT_NS, type: 'result', id: iq.attrs.id, from: iq.attrs.to, to: iq.attrs.from ?? clientJid },
    ...children,
  );
}

/** `<iq type="error">` with a stanza error condition (RFC 6120 §8.3) and optional app condition. */
export function errorReply(
  iq: Element,
  type: 'cancel' | 'modify' | 'auth' | 'wait',
  condition: string,
  clientJid: string | undefined,
  appCondition?: Element,
): Element {
  const error = xml('error', { type }, xml(condition, { xmlns: STANZAS_NS }), ...(appCondition ? [appCondition] : []));
  return xml(
    'iq',
    { xmlns: CLIENT_NS, type: 'error', id: iq.attrs.id, from: iq.attrs.to, to: iq.attrs.from ?? clientJid },
    error,
  );
}
