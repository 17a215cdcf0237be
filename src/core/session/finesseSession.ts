/**
 * The extension's own Finesse client session: logs in as an agent (login.ts) beside the agent's
 * own desktop without disturbing it, subscribes only the Team and Queue nodes asked for, keeps the connection alive with XEP-0199 pings and, when
 * the connection is lost, logs in again with backoff. Its output is the FrameStore: every frame
 * both ways, one store session for the whole life including reconnects. While online it is a
 * LiveSession (out only), so intercept and the UI can inject stanzas on it.
 *
 * Finesse rules it honours: the resource `desktop` belongs to the Finesse desktop (binding it
 * signs the desktop out of notifications), so the default is `finesse-frames`; the agent's own
 * feeds (User, Dialogs, Media, SystemInfo) are subscribed by the server for every agent, so only
 * Team/Queue nodes are subscribed, with the full JID, and unsubscribed before closing.
 *
 * State: idle → connecting → authenticating → binding → subscribing → online
 *        online ⇄ reconnecting (→ connecting …) ; → closed by stop() ; → failed when fatal.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { ClientOptions } from 'ws';
import type { FrameStore } from '../capture/frameStore';
import type { LiveSession, LiveSessionRegistry } from '../capture/liveSession';
import type { Direction, Frame, FrameFlags } from '../capture/frame';
import type { FrameGate } from '../intercept/gate';
import { nodes } from '../finesse/nodes';
import type { Element } from '../xmpp/xml';
import { backoffDelay } from './backoff';
import { ClosedInfo, XmppConnection } from './connection';
import { ConflictError, ConnectionLostError, IqError, isFatal, StreamError, TimeoutError } from './errors';
import { login } from './login';
import { pingIq, subscribeIq, unsubscribeIq } from './stanzas';
import { tlsOptionsFor, TlsTrust } from './tls';

import { DEFAULT_RESOURCE, DESKTOP_RESOURCE, desktopWarning } from './resource';

export { AuthError, ConflictError } from './errors';
export { DEFAULT_RESOURCE } from './resource';

export interface FinesseSessionOptions {
  url: string; // ws:// or wss://HOST:8445/ws/
  domain: string; // XMPP domain
  user: string; // agent login (XMPP localpart)
  password: string;
  resource?: string; // default DEFAULT_RESOURCE; 'desktop' only when chosen (see desktopWarning)
  teams?: string[]; // subscribe /finesse/api/Team/{id}/Users
  queues?: string[]; // subscribe /finesse/api/Queue/{id}
  pubsub?: string; // pubsub service JID, default `pubsub.${domain}`
  trust?: TlsTrust;
  keepaliveMs?: number; // XEP-0199 ping interval, default 30000
  reconnect?: { initialMs?: number; maxMs?: number; attempts?: number };
  /** Bound for each answer awaited from the server (login steps, subscribe), default 20000. */
  timeoutMs?: number;
  /** Intercept's gate for the server's frames once online (pause and breakpoints hold them). */
  gate?: FrameGate;
}

export type SessionState =
  | 'idle'
  | 'connecting'
  | 'authenticating'
  | 'binding'
  | 'subscribing'
  | 'online'
  | 'reconnecting'
  | 'closed'
  | 'failed';

export interface StateInfo {
  error?: Error;
  attempt?: number;
  delayMs?: number;
}

/** The outcome of one pubsub subscribe: refused subscriptions are reported, not fatal. */
export interface SubscriptionResult {
  node: string;
  ok: boolean;
  error?: string;
}

export interface FinesseSessionEvents {
  state: [SessionState, StateInfo];
  subscription: [SubscriptionResult];
  /** Something worth telling the user that does not change the state (malformed frame, slow ping). */
  warning: [string];
  /** A well-formed element from the server once online (after intercept released it), with its frame. */
  element: [Element, Frame];
}

let sequence = 0;

export class FinesseSession extends EventEmitter<FinesseSessionEvents> {
  readonly id: string;
  readonly label: string;
  private current: SessionState = 'idle';
  private conn?: XmppConnection;
  private boundJid?: string;
  private subscribed: string[] = [];
  /** Nodes subscribed at run time (subscribeNode), made again on every login. */
  private readonly added = new Set<string>();
  private keepaliveTimer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private attempt = 0;
  private stopping?: Promise<void>;
  private readonly live?: LiveSessionRegistry;
  private liveEntry?: LiveSession;

  constructor(
    private readonly store: FrameStore,
    private readonly opts: FinesseSessionOptions,
    live?: LiveSessionRegistry,
  ) {
    super();
    this.live = live;
    this.id = `client-${++sequence}-${randomBytes(3).toString('hex')}`;
    this.label = `${opts.user}@${opts.domain}`;
  }

  get state(): SessionState {
    return this.current;
  }

  /** The full JID bound in the current (or last) login. */
  get jid(): string | undefined {
    return this.boundJid;
  }

  /** Nodes subscribed in the current login. */
  get subscriptions(): readonly string[] {
    return this.subscribed;
  }

  /** The resource this session binds. */
  get resource(): string {
    return this.opts.resource?.trim() || DEFAULT_RESOURCE;
  }

  /**
   * The nodes this session subscribes to: each Team's Users and each Queue. The agent's User,
   * Dialogs, Media and SystemInfo nodes are not among them: Finesse subscribes every agent to
   * those itself, and a second subscription would only be one more to leave behind.
   */
  get nodes(): string[] {
    return [
      ...(this.opts.teams ?? []).map((t) => nodes.teamUsers(t)),
      ...(this.opts.queues ?? []).map((q) => nodes.queue(q)),
    ];
  }

  /** Resolves when online; rejects with AuthError on bad credentials, or the connect/TLS error. */
  async start(): Promise<void> {
    if (this.current !== 'idle' || this.stopping) throw new Error(`session ${this.id} was already started or stopped`);
    this.store.openSession({ id: this.id, label: this.label, target: this.opts.url });
    if (this.resource === DESKTOP_RESOURCE) this.emit('warning', desktopWarning(this.opts.user, this.opts.domain));
    try {
      await this.connect();
    } catch (e) {
      const err = this.explain(e as Error);
      if (this.stopping) throw new Error(`session ${this.id} was stopped before it was online`);
      this.finish('failed', err);
      throw err;
    }
  }

  /** Unsubscribes, sends <close/>, closes the WebSocket and ends the store session. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /** Sends a frame on the live connection (LiveSession.send); only 'out' is possible. */
  send(dir: Direction, raw: string, flags?: FrameFlags): Frame | undefined {
    if (dir !== 'out' || this.current !== 'online') return undefined;
    return this.conn?.send(raw, flags);
  }

  /**
   * Subscribes one more node now (with the full JID), as the desktop's master publisher does for
   * a gadget's SubscribeNodeReq; it is subscribed again after a reconnect, as the configured
   * Team and Queue nodes are, until unsubscribeNode(), and unsubscribed on stop().
   */
  async subscribeNode(node: string): Promise<SubscriptionResult> {
    return this.nodeRequest(node, true);
  }

  async unsubscribeNode(node: string): Promise<SubscriptionResult> {
    return this.nodeRequest(node, false);
  }

  private async nodeRequest(node: string, subscribe: boolean): Promise<SubscriptionResult> {
    const conn = this.conn;
    const jid = this.boundJid;
    if (!conn || !jid || this.current !== 'online') return { node, ok: false, error: 'not connected' };
    const pubsub = this.opts.pubsub ?? `pubsub.${this.opts.domain}`;
    const iq = subscribe
      ? subscribeIq(conn.id('sub'), pubsub, node, jid)
      : unsubscribeIq(conn.id('unsub'), pubsub, node, jid);
    try {
      await conn.request(iq, this.timeoutMs);
    } catch (e) {
      return { node, ok: false, error: e instanceof IqError ? e.condition : (e as Error).message };
    }
    if (subscribe) {
      this.added.add(node);
      if (!this.subscribed.includes(node)) this.subscribed.push(node);
    } else {
      this.added.delete(node);
      this.subscribed = this.subscribed.filter((n) => n !== node);
    }
    return { node, ok: true };
  }

  private setState(state: SessionState, info: StateInfo = {}): void {
    // closed and failed are final: a login still unwinding after stop() does not revive it.
    if (this.current === 'closed' || this.current === 'failed') return;
    this.current = state;
    this.emit('state', state, info);
  }

  private get timeoutMs(): number {
    return this.opts.timeoutMs ?? 20_000;
  }

  /** One whole login: connect, authenticate, bind, subscribe; then online. */
  private async connect(): Promise<void> {
    this.setState('connecting', this.attempt ? { attempt: this.attempt } : {});
    // ws's typings know only the synchronous createConnection; http (which ws uses) also takes
    // the callback form that tls.ts uses to check a pin before the upgrade request is sent.
    const tls = tlsOptionsFor(this.opts.url, this.opts.trust) as ClientOptions;
    const conn = await XmppConnection.open(this.opts.url, tls, this.store, this.id);
    if (this.stopping) {
      await conn.close();
      throw new Error('stopped');
    }
    this.conn = conn;
    conn.on('malformed', (frame, why) =>
      this.emit('warning', `frame ${frame.id} from the server is malformed: ${why}`),
    );
    conn.on('closed', (info) => this.onClosed(conn, info));
    conn.on('element', (el, frame) => {
      if (conn === this.conn && this.current === 'online') this.emit('element', el, frame);
    });
    try {
      this.boundJid = await login(conn, {
        domain: this.opts.domain,
        user: this.opts.user,
        password: this.opts.password,
        resource: this.resource,
        timeoutMs: this.timeoutMs,
        onPhase: (phase) => this.setState(phase),
      });
      this.setState('subscribing');
      await this.subscribeAll(conn, this.boundJid);
      if (this.stopping) throw new Error('stopped');
    } catch (e) {
      // Leave the server a clean stream where one is still open (wrong password: <close/>).
      await conn.close(1000);
      throw e;
    }
    conn.buffering = false;
    conn.gate = this.opts.gate;
    this.startKeepalive(conn);
    this.registerLive();
    const attempt = this.attempt;
    this.attempt = 0;
    this.setState('online', attempt ? { attempt } : {});
  }

  private async subscribeAll(conn: XmppConnection, jid: string): Promise<void> {
    this.subscribed = [];
    const pubsub = this.opts.pubsub ?? `pubsub.${this.opts.domain}`;
    for (const node of new Set([...this.nodes, ...this.added])) {
      try {
        await conn.request(subscribeIq(conn.id('sub'), pubsub, node, jid), this.timeoutMs);
        this.subscribed.push(node);
        this.emit('subscription', { node, ok: true });
      } catch (e) {
        // A node the server does not have (no such team) is the user's to fix, not a reason to fail.
        if (!(e instanceof IqError)) throw e;
        this.emit('subscription', { node, ok: false, error: e.message });
      }
    }
  }

  private startKeepalive(conn: XmppConnection): void {
    const every = this.opts.keepaliveMs ?? 30_000;
    if (!(every > 0)) return;
    this.keepaliveTimer = setInterval(() => {
      conn.request(pingIq(conn.id('ping'), this.opts.domain), every).catch((e: Error) => {
        if (e instanceof IqError) return; // an error reply still proves the connection is alive
        if (e instanceof TimeoutError && conn.isOpen) {
          this.emit('warning', `no answer to a keepalive ping within ${every} ms; reconnecting`);
          conn.terminate();
        }
      });
    }, every);
    this.keepaliveTimer.unref?.();
  }

  private registerLive(): void {
    if (!this.live) return;
    const entry: LiveSession = {
      id: this.id,
      label: this.label,
      directions: ['out'],
      send: (dir, raw, flags) => this.send(dir, raw, flags),
    };
    this.liveEntry = entry;
    this.live.add(entry);
  }

  private unregisterLive(): void {
    if (this.live && this.liveEntry) this.live.remove(this.id);
    this.liveEntry = undefined;
  }

  /** The WebSocket of `conn` closed: retry if it was the live connection and nobody asked to stop. */
  private onClosed(conn: XmppConnection, info: ClosedInfo): void {
    if (conn !== this.conn) return;
    this.conn = undefined;
    clearInterval(this.keepaliveTimer);
    this.unregisterLive();
    // During a login the login's own failure decides what happens next.
    if (this.current !== 'online' || this.stopping) return;
    this.scheduleReconnect(this.explain(info.error ?? new ConnectionLostError(info.code, info.reason)));
  }

  /** A <conflict/> stream error means another client took this full JID: say so in words. */
  private explain(error: Error): Error {
    const cause = error instanceof ConnectionLostError && error.cause ? error.cause : error;
    if (cause instanceof StreamError && cause.condition === 'conflict' && !(cause instanceof ConflictError)) {
      return new ConflictError(this.boundJid ?? `${this.opts.user}@${this.opts.domain}/${this.resource}`, cause.text);
    }
    return error;
  }

  private scheduleReconnect(error: Error): void {
    const max = this.opts.reconnect?.attempts ?? Infinity;
    if (isFatal(error) || this.attempt >= max) {
      this.finish(
        'failed',
        this.attempt >= max ? new Error(`gave up after ${this.attempt} reconnect attempts: ${error.message}`) : error,
      );
      return;
    }
    this.attempt++;
    const delayMs = backoffDelay(this.attempt, this.opts.reconnect);
    this.setState('reconnecting', { error, attempt: this.attempt, delayMs });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch((e: Error) => {
        if (this.stopping) return;
        this.scheduleReconnect(this.explain(e));
      });
    }, delayMs);
  }

  private async shutdown(): Promise<void> {
    clearTimeout(this.reconnectTimer);
    clearInterval(this.keepaliveTimer);
    this.unregisterLive();
    const conn = this.conn;
    if (conn?.isOpen && this.current === 'online' && this.boundJid) {
      const pubsub = this.opts.pubsub ?? `pubsub.${this.opts.domain}`;
      const jid = this.boundJid;
      // Unsubscribe so the server stops queueing Updates for a client that is gone.
      await Promise.all(
        this.subscribed.map((node) =>
          conn.request(unsubscribeIq(conn.id('unsub'), pubsub, node, jid), 5000).catch(() => undefined),
        ),
      );
      this.subscribed = [];
    }
    if (conn) await conn.close();
    if (this.current !== 'idle') this.finish('closed');
  }

  private finish(state: 'closed' | 'failed', error?: Error): void {
    clearTimeout(this.reconnectTimer);
    clearInterval(this.keepaliveTimer);
    this.unregisterLive();
    this.conn?.terminate();
    this.conn = undefined;
    if (this.current === 'closed' || this.current === 'failed') return;
    this.store.endSession(this.id);
    this.setState(state, error ? { error } : {});
  }
}
