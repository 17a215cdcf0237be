/**
 * The desktop's one connection for an agent, as the Finesse desktop holds it: the product's own
 * client session (FinesseSession, captured as a store session) bound with the resource
 * `desktop`, which is the desktop's own, plus the REST calls the desktop itself makes (read the
 * user, sign in with LOGIN and the extension, change state, read reason codes) through the
 * desktop's RestForwarder, so they are captured with the gadgets' calls. It reads every Update
 * the server sends and hands it on (the pages' master publishers relay it to their hubs), and
 * keeps the agent's name, extension and state for the header from the User node's Updates.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { FrameStore } from '../capture/frameStore';
import type { LiveSessionRegistry } from '../capture/liveSession';
import { decodeUpdates } from '../finesse/update';
import { nodes } from '../finesse/nodes';
import type { RestForwarder, RestResponse } from '../gadgets/restForwarder';
import { AuthError, ConflictError, FinesseSession, type SessionState } from '../session/finesseSession';
import type { TlsTrust } from '../session/tls';
import { Element, localName, parseXml } from '../xmpp/xml';
import type { AgentInfo, ReasonCode } from '../../protocol/desktopHub';
import type { ConnectionInfo } from './masterPublisher';

const DESKTOP_RESOURCE = 'desktop';

export interface AgentLineOptions {
  store: FrameStore;
  live?: LiveSessionRegistry;
  /** The notification service, `ws://127.0.0.1:PORT/ws/` or the lab's wss:// URL. */
  xmppUrl: string;
  domain: string;
  trust?: TlsTrust;
  user: string;
  password: string;
  /** The extension to sign in with when the agent is signed out (the user's own, locally). */
  extension?: string;
  forwarder: RestForwarder;
  /** Any origin: the forwarder keeps only path and query. */
  restOrigin: string;
}

export interface AgentLineEvents {
  /** An Update on `node` (its unescaped <Update> text) in the XMPP frame `frameId`. */
  update: [node: string, updateXml: string, frameId: number];
  connection: [ConnectionInfo];
  agent: [AgentInfo];
  warning: [string];
}

export class AgentLine extends EventEmitter<AgentLineEvents> {
  readonly session: FinesseSession;
  private info: AgentInfo;
  private reasons: { NOT_READY: ReasonCode[]; LOGOUT: ReasonCode[] } = { NOT_READY: [], LOGOUT: [] };
  private started?: Promise<void>;
  private conn: ConnectionInfo = { status: 'connecting', resourceID: DESKTOP_RESOURCE };

  constructor(private readonly opts: AgentLineOptions) {
    super();
    this.setMaxListeners(0);
    this.info = {
      id: opts.user,
      firstName: '',
      lastName: '',
      extension: '',
      state: 'LOGOUT',
      connection: 'connecting',
    };
    this.session = new FinesseSession(
      opts.store,
      {
        url: opts.xmppUrl,
        domain: opts.domain,
        user: opts.user,
        password: opts.password,
        resource: DESKTOP_RESOURCE,
        trust: opts.trust,
        reconnect: { attempts: 20 },
      },
      opts.live,
    );
    this.session.on('state', (s, info) => this.onState(s, info.error));
    this.session.on('warning', (w) => {
      // The desktop resource is this line's on purpose: the warning is for other clients.
      if (!/resource "?desktop"?/i.test(w)) this.emit('warning', w);
    });
    this.session.on('element', (el, frame) => {
      for (const u of decodeUpdates(el)) {
        this.emit('update', u.node, u.xml, frame.id);
        if (u.node === nodes.user(opts.user) && u.element) this.readUser(u.element);
      }
    });
  }

  get user(): string {
    return this.opts.user;
  }

  get password(): string {
    return this.opts.password;
  }

  get agent(): AgentInfo {
    return { ...this.info };
  }

  get connection(): ConnectionInfo {
    return { ...this.conn };
  }

  get reasonCodes(): { NOT_READY: ReasonCode[]; LOGOUT: ReasonCode[] } {
    return this.reasons;
  }

  /** Connects and signs the agent in (once; later calls wait for the same sign-in). */
  start(): Promise<void> {
    this.started ??= this.signIn();
    return this.started;
  }

  private async signIn(): Promise<void> {
    // Notifications first, so the Updates of the sign-in itself reach the gadgets.
    await this.session.start();
    for (const category of ['NOT_READY', 'LOGOUT'] as const) {
      const r = await this.rest(
        'GET',
        `/finesse/api/User/${encodeURIComponent(this.opts.user)}/ReasonCodes?category=${category}`,
      );
      if (r.status === 200) this.reasons[category] = readReasonCodes(r.body);
    }
    await this.readUserNow();
    if (this.info.state === 'LOGOUT') {
      await this.setState('LOGIN');
      // The frames get the extension signed in with (up_extension): read it back.
      await this.readUserNow();
    }
  }

  private async readUserNow(): Promise<void> {
    const user = await this.rest('GET', nodes.user(this.opts.user));
    if (user.status !== 200) throw new Error(`GET User/${this.opts.user} answered ${user.status}: ${errorText(user)}`);
    const parsed = parseXml(user.body);
    if (parsed.ok) this.readUser(parsed.element);
  }

  /** PUT User with a requestId, so the Updates it causes correlate with it; throws the API error. */
  async setState(state: string, reasonCodeId?: string): Promise<void> {
    const extension = this.info.extension || this.opts.extension || '';
    const body =
      `<User><state>${escape(state)}</state>` +
      (state === 'LOGIN' ? `<extension>${escape(extension)}</extension>` : '') +
      (reasonCodeId ? `<reasonCodeId>${escape(reasonCodeId)}</reasonCodeId>` : '') +
      `</User>`;
    const r = await this.rest('PUT', nodes.user(this.opts.user), body);
    if (r.status >= 300) throw new Error(`${state}: ${errorText(r)}`);
  }

  /** One REST call as the agent, through the desktop's forwarder (captured there). */
  rest(method: string, path: string, body?: string): Promise<RestResponse> {
    const headers: Record<string, string> = {
      Authorization: `Basic ${Buffer.from(`${this.opts.user}:${this.opts.password}`).toString('base64')}`,
      Accept: 'application/xml',
    };
    if (method !== 'GET') {
      headers['Content-Type'] = 'application/xml';
      headers.requestId = randomUUID();
    }
    return this.opts.forwarder({ method, url: new URL(path, this.opts.restOrigin), headers, body });
  }

  subscribeNode(node: string): Promise<string | undefined> {
    return this.session
      .subscribeNode(node)
      .then((r) => (r.ok ? undefined : errorXml(r.error ?? 'undefined-condition')));
  }

  unsubscribeNode(node: string): Promise<string | undefined> {
    return this.session
      .unsubscribeNode(node)
      .then((r) => (r.ok ? undefined : errorXml(r.error ?? 'undefined-condition')));
  }

  close(): Promise<void> {
    return this.session.stop();
  }

  private onState(state: SessionState, error?: Error): void {
    const status =
      state === 'online'
        ? 'connected'
        : state === 'reconnecting'
          ? 'reconnecting'
          : state === 'closed'
            ? 'disconnected'
            : state === 'failed'
              ? error instanceof AuthError
                ? 'unauthorized'
                : error instanceof ConflictError
                  ? 'conflict'
                  : 'disconnected'
              : 'connecting';
    if (status === this.conn.status) return;
    this.conn = { status, resourceID: DESKTOP_RESOURCE };
    this.info = { ...this.info, connection: status };
    this.emit('connection', this.connection);
    this.emit('agent', this.agent);
    if (state === 'failed' && error)
      this.emit('warning', `the desktop's notification connection failed: ${error.message}`);
  }

  /** Reads a <User> (GET) or an Update whose data holds one. */
  private readUser(el: Element): void {
    const user = localName(el.name).toLowerCase() === 'user' ? el : childCi(childCi(el, 'data'), 'user');
    if (!user) return;
    const text = (name: string) => childCi(user, name)?.getText().trim();
    const state = text('state');
    const reasonId = childCi(childCi(user, 'reasonCode'), 'id')?.getText().trim() ?? text('reasonCodeId');
    const reasonLabel =
      childCi(childCi(user, 'reasonCode'), 'label')?.getText().trim() ||
      [...this.reasons.NOT_READY, ...this.reasons.LOGOUT].find((r) => r.id === reasonId)?.label;
    this.info = {
      ...this.info,
      firstName: text('firstName') ?? this.info.firstName,
      lastName: text('lastName') ?? this.info.lastName,
      extension: text('extension') ?? this.info.extension,
      state: state || this.info.state,
      reason:
        (state === 'NOT_READY' || state === 'LOGOUT') && reasonId && reasonId !== '-1'
          ? reasonLabel || `reason ${reasonId}`
          : undefined,
    };
    this.emit('agent', this.agent);
  }
}

function childCi(el: Element | undefined, name: string): Element | undefined {
  const want = name.toLowerCase();
  return el?.getChildElements().find((c) => localName(c.name).toLowerCase() === want);
}

function readReasonCodes(body: string): ReasonCode[] {
  const parsed = parseXml(body);
  if (!parsed.ok) return [];
  return parsed.element
    .getChildElements()
    .filter((c) => localName(c.name) === 'ReasonCode')
    .map((c) => ({ id: childCi(c, 'id')?.getText().trim() ?? '', label: childCi(c, 'label')?.getText().trim() ?? '' }))
    .filter((r) => r.id);
}

/** The ApiErrors message of a failed call, or its status. */
function errorText(r: RestResponse): string {
  const m = /<errorMessage>([^<]*)<\/errorMessage>/i.exec(r.body);
  return m ? m[1] : `HTTP ${r.status}`;
}

/** The XMPP error a failed subscribe answered, as XML (what finesse.js converts for the gadget). */
function errorXml(condition: string): string {
  const name = /^[a-z-]+$/.test(condition) ? condition : 'undefined-condition';
  return `<error type="cancel"><${name} xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error>`;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
