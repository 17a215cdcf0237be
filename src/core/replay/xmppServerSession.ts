/**
 * The server side of one RFC 7395 XMPP-over-WebSocket stream, as a small, strict c2s: open,
 * SASL PLAIN, stream restart, resource bind, legacy session, presence, roster get, disco#info
 * and XEP-0199 ping. Everything else an authenticated client sends to a service is handed to
 * `onIq` (the simulator answers pubsub there); unknown iqs get service-unavailable. It behaves
 * like Prosody where Prosody's behaviour is observable to a client (close codes, stream errors,
 * SASL failure keeps the stream open), so what a client learns against it holds against a real
 * server. Input is untrusted: malformed XML ends the stream with <not-well-formed/>, never a throw.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type WebSocket from 'ws';
import { CLIENT_NS, closeFrame, FRAMING_NS, isWhitespaceKeepalive } from '../xmpp/framing';
import { SASL_NS } from '../xmpp/sasl';
import { Element, parseXml, xml } from '../xmpp/xml';
import { BIND_NS, DISCO_INFO_NS, PING_NS, ROSTER_NS, SESSION_NS, STANZAS_NS, STREAMS_NS, STREAM_ERRORS_NS } from '../xmpp/namespaces';
export { BIND_NS, DISCO_INFO_NS, PING_NS, ROSTER_NS, SESSION_NS, STANZAS_NS, STREAMS_NS, STREAM_ERRORS_NS };


/** Where the stream is: waiting for <open/>, for <auth/>, for the restart, for bind, bound. */
export type ServerStreamState = 'open' | 'auth' | 'restart' | 'bind' | 'online' | 'closed';

export interface XmppServerSessionOptions {
  domain: string;
  /** True when the credentials are good. Never logs or keeps the password. */
  authenticate(user: string, password: string): boolean;
  /**
   * An iq from a bound client that the stream itself does not answer. Return the reply
   * element (result or error), or undefined for <service-unavailable/>.
   */
  onIq?(iq: Element, session: XmppServerSession): Element | undefined;
}

export interface XmppServerSessionEvents {
  state: [ServerStreamState];
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

  constructor(
    private readonly ws: WebSocket,
    private readonly opts: XmppServerSessionOptions,
  ) {
    super();
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on('close', () => this.finish());
    ws.on('error', () => this.finish());
  }

  get state(): ServerStreamState {
    return this.streamState;
  }

  get bareJid(): string | undefined {
    return this.user ? `${this.user}@${this.opts.domain}` : undefined;
  }

  /** Sends one frame to the client; dropped silently when the socket is gone. */
  send(raw: string): void {
    if (this.ended || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(raw);
    this.emit('sent', raw);
  }

  /** Ends the stream from the server side: optional stream error, <close/>, WebSocket close. */
  close(error?: string, code = 1000): void {
    if (this.ended) return;
    if (error) this.send(streamError(error));
    this.send(closeFrame());
    this.ws.close(code);
    this.finish();
  }

  private setState(s: ServerStreamState): void {
    this.streamState = s;
    this.emit('state', s);
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.setState('closed');
    this.emit('close');
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.ended) return;
    // Prosody: binary frames are unsupported data (1003), non-XML text is invalid payload (1007).
    if (isBinary) return this.abort(1003, 'binary frames are not XMPP');
    const raw = data.toString('utf8');
    this.emit('received', raw);
    if (isWhitespaceKeepalive(raw)) return;
    if (!raw.trimStart().startsWith('<')) return this.abort(1007, 'not an XML frame');
    const parsed = parseXml(raw);
    if (!parsed.ok) return this.close('not-well-formed');
    this.onElement(parsed.element);
  }

  private abort(code: number, reason: string): void {
    this.ws.close(code, reason);
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
        if (el.name === 'iq' && (el.attrs.type === 'get' || el.attrs.type === 'set')) return this.send(errorReply(el, 'wait', 'not-authorized', this.opts.domain).toString());
        return;
      case 'online':
        return this.onStanza(el);
    }
  }

  private onOpen(el: Element): void {
    if (this.streamState !== 'open' && this.streamState !== 'restart') return this.close('invalid-xml');
    const openReply = xml('open', { xmlns: FRAMING_NS, from: this.opts.domain, id: this.streamId, version: '1.0', 'xml:lang': 'en' }).toString();
    this.send(openReply);
    if (el.attrs.to && el.attrs.to !== this.opts.domain) return this.close('host-unknown');
    if (this.streamState === 'open') {
      this.send(features(xml('mechanisms', { xmlns: SASL_NS }, xml('mechanism', {}, 'PLAIN'))));
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
    this.send(xml('iq', { type: 'result', id: iq.attrs.id, to: this.jid }, xml('bind', { xmlns: BIND_NS }, xml('jid', {}, this.jid))).toString());
    this.setState('online');
  }

  private onStanza(el: Element): void {
    if (el.name === 'presence') return this.onPresence(el);
    if (el.name !== 'iq') return; // messages to the simulator go nowhere, as to an absent peer
    const type = el.attrs.type;
    if (type !== 'get' && type !== 'set') return; // results/errors answer nothing we asked
    const reply = this.coreIq(el) ?? this.opts.onIq?.(el, this) ?? errorReply(el, 'cancel', 'service-unavailable', this.jid);
    this.send(reply.toString());
  }

  /** Presence without `to` goes to the user's own resources, so the sender gets it back. */
  private onPresence(el: Element): void {
    if (el.attrs.to || el.attrs.type) return; // directed, unavailable, subscription requests: no peers here
    const echo = xml('presence', { xmlns: CLIENT_NS, from: this.jid, to: this.jid }, ...el.getChildElements());
    this.send(echo.toString());
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
    if (get && child.name === 'query' && ns === ROSTER_NS) return resultReply(iq, this.jid, xml('query', { xmlns: ROSTER_NS }));
    if (get && child.name === 'query' && ns === DISCO_INFO_NS && !to?.includes('@')) {
      return resultReply(
        iq,
        this.jid,
        xml('query', { xmlns: DISCO_INFO_NS }, xml('identity', { category: 'server', type: 'im', name: 'Finesse simulator' }), ...[DISCO_INFO_NS, PING_NS, ROSTER_NS].map((v) => xml('feature', { var: v }))),
      );
    }
    return undefined;
  }
}

function features(...children: Element[]): string {
  return xml('stream:features', { 'xmlns:stream': STREAMS_NS }, ...children).toString();
}

export function streamError(condition: string): string {
  return xml('stream:error', { 'xmlns:stream': STREAMS_NS }, xml(condition, { xmlns: STREAM_ERRORS_NS })).toString();
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
  return xml('iq', { type: 'result', id: iq.attrs.id, from: iq.attrs.to, to: iq.attrs.from ?? clientJid }, ...children);
}

/** `<iq type="error">` with a stanza error condition (RFC 6120 §8.3) and optional app condition. */
export function errorReply(iq: Element, type: 'cancel' | 'modify' | 'auth' | 'wait', condition: string, clientJid: string | undefined, appCondition?: Element): Element {
  const error = xml('error', { type }, xml(condition, { xmlns: STANZAS_NS }), ...(appCondition ? [appCondition] : []));
  return xml('iq', { type: 'error', id: iq.attrs.id, from: iq.attrs.to, to: iq.attrs.from ?? clientJid }, error);
}
