/**
 * The Finesse Notification Service's rules (Openfire with Finesse's pubsub), over every bound
 * client session whatever its transport (WebSocket or BOSH):
 * - a bound client of user X that has sent available presence receives the Updates of
 *   /finesse/api/User/X, …/User/X/Dialogs, …/User/X/Media/* and /finesse/api/SystemInfo without
 *   subscribing (Finesse subscribes each agent to its own feeds);
 * - any other node (Team/{id}/Users, Queue/{id}, another user's) needs an XEP-0060 subscribe
 *   with the full JID; such subscriptions belong to that full JID and outlive its session, as on
 *   the real server, until it unsubscribes;
 * - a session binding a full JID that is already bound kicks the older one with a <conflict/>
 *   stream error (Openfire's default), which is what a second `desktop` does to the desktop.
 */
import { bareJid } from '../xmpp/jid';
import { EventEmitter } from 'node:events';
import { eventMessage, PUBSUB_NS } from '../finesse/builders';
import { FINESSE_API } from '../finesse/nodes';
import { PUBSUB_ERRORS_NS } from '../xmpp/namespaces';
import { Element, xml } from '../xmpp/xml';
import { DISCO_INFO_NS, errorReply, PING_NS, resultReply, XmppServerSession } from '../replay/xmppServerSession';

/** The node names a Finesse notification server has (others are item-not-found). */
const FINESSE_NODE =
  /^\/finesse\/api\/(?:User\/[^/]+(?:\/(?:Dialogs|Queues|Media(?:\/[^/]+(?:\/Dialogs)?)?))?|Team\/[^/]+\/Users|Queue\/[^/]+|SystemInfo)$/;

/** Does `node` belong to `user`'s automatic subscriptions? */
export function isOwnFeed(node: string, user: string): boolean {
  if (node === `${FINESSE_API}/SystemInfo`) return true;
  const own = `${FINESSE_API}/User/${user}`;
  return node === own || node === `${own}/Dialogs` || node.startsWith(`${own}/Media/`);
}

export interface Delivery {
  node: string;
  updateXml: string;
  /** Full JIDs the event message went to. */
  to: string[];
}

export interface NotificationEvents {
  published: [Delivery];
  subscribe: [{ jid: string; node: string }];
  unsubscribe: [{ jid: string; node: string }];
  /** A bound session sent available presence (true) or went away/unavailable (false). */
  presence: [{ jid: string; user: string; available: boolean }];
  /** An older session was kicked by a newer one binding the same full JID. */
  conflict: [{ jid: string }];
}

export class NotificationService extends EventEmitter<NotificationEvents> {
  readonly pubsubJid: string;
  private readonly bound = new Map<string, XmppServerSession>();
  private readonly subscriptions = new Map<string, Set<string>>();
  private itemSeq = 0;

  constructor(readonly domain: string) {
    super();
    this.pubsubJid = `pubsub.${domain}`;
  }

  /** Wires a new stream into the service; call before the client can bind. */
  attach(session: XmppServerSession): void {
    session.on('presence', (available) => {
      if (session.jid && session.user) this.emit('presence', { jid: session.jid, user: session.user, available });
    });
    session.on('close', () => {
      if (session.jid && this.bound.get(session.jid) === session) this.bound.delete(session.jid);
    });
  }

  /** XmppServerSession's onBind: the newer session wins, the older is told <conflict/>. */
  bind(jid: string, session: XmppServerSession): void {
    const older = this.bound.get(jid);
    this.bound.set(jid, session);
    if (older && older !== session) {
      older.close('conflict');
      this.emit('conflict', { jid });
    }
  }

  /** Sessions online now (for status and tests). */
  get sessions(): XmppServerSession[] {
    return [...this.bound.values()];
  }

  /** Publishes one Update on `node` to everyone who receives that node. */
  publish(node: string, updateXml: string): Delivery {
    const to: string[] = [];
    const explicit = this.subscriptions.get(node);
    for (const [jid, s] of this.bound) {
      const auto = s.available && !!s.user && isOwnFeed(node, s.user);
      if (!auto && !explicit?.has(jid)) continue;
      const itemId = `${this.domain}-${++this.itemSeq}`;
      s.send(eventMessage({ from: this.pubsubJid, to: jid, node, itemId, updateXml }));
      to.push(jid);
    }
    const delivery = { node, updateXml, to };
    this.emit('published', delivery);
    return delivery;
  }

  /** XmppServerSession's onIq for iqs to the pubsub service. */
  onIq(iq: Element, session: XmppServerSession): Element | undefined {
    const self = session.jid;
    if (iq.attrs.to !== this.pubsubJid) return undefined;
    const child = iq.getChildElements()[0];
    if (!child) return errorReply(iq, 'modify', 'bad-request', self);
    const ns = child.attrs.xmlns;
    if (iq.attrs.type === 'get' && child.name === 'ping' && ns === PING_NS) return resultReply(iq, self);
    if (iq.attrs.type === 'get' && child.name === 'query' && ns === DISCO_INFO_NS) {
      return resultReply(
        iq,
        self,
        xml(
          'query',
          { xmlns: DISCO_INFO_NS },
          xml('identity', { category: 'pubsub', type: 'service', name: 'Finesse notifications' }),
          xml('feature', { var: PUBSUB_NS }),
          xml('feature', { var: `${PUBSUB_NS}#subscribe` }),
        ),
      );
    }
    if (child.name !== 'pubsub' || ns !== PUBSUB_NS) return undefined;
    const op = child.getChildElements()[0];
    if (iq.attrs.type === 'set' && op?.name === 'subscribe') return this.subscribe(iq, op, session);
    if (iq.attrs.type === 'set' && op?.name === 'unsubscribe') return this.unsubscribe(iq, op, session);
    return errorReply(
      iq,
      'cancel',
      'feature-not-implemented',
      self,
      xml('unsupported', { xmlns: PUBSUB_ERRORS_NS, feature: op?.name ?? 'pubsub' }),
    );
  }

  /** XEP-0060 §6.1: the reply is the one Openfire/Prosody send: <subscription … subscription="subscribed"/>. */
  private subscribe(iq: Element, op: Element, session: XmppServerSession): Element {
    const asked = this.subscriptionAsked(iq, op, session);
    if ('error' in asked) return asked.error;
    const { node, jid, owner, self } = asked;
    if (!FINESSE_NODE.test(node)) return errorReply(iq, 'cancel', 'item-not-found', self);
    let set = this.subscriptions.get(node);
    if (!set) this.subscriptions.set(node, (set = new Set()));
    set.add(owner);
    this.emit('subscribe', { jid: owner, node });
    return resultReply(
      iq,
      self,
      xml('pubsub', { xmlns: PUBSUB_NS }, xml('subscription', { node, jid, subscription: 'subscribed' })),
    );
  }

  private unsubscribe(iq: Element, op: Element, session: XmppServerSession): Element {
    const asked = this.subscriptionAsked(iq, op, session);
    if ('error' in asked) return asked.error;
    const { node, jid, owner, self } = asked;
    if (!this.subscriptions.get(node)?.delete(owner))
      return errorReply(iq, 'cancel', 'unexpected-request', self, xml('not-subscribed', { xmlns: PUBSUB_ERRORS_NS }));
    this.emit('unsubscribe', { jid: owner, node });
    return resultReply(
      iq,
      self,
      xml('pubsub', { xmlns: PUBSUB_NS }, xml('subscription', { node, jid, subscription: 'none' })),
    );
  }

  /**
   * The node and JID of a subscribe or unsubscribe, or the error reply: a node is required, and
   * the JID must be this session's. Subscriptions belong to the JID asked for; a bare JID stands
   * for this session (`owner`).
   */
  private subscriptionAsked(
    iq: Element,
    op: Element,
    session: XmppServerSession,
  ): { error: Element } | { node: string; jid: string; owner: string; self: string | undefined } {
    const { node, jid } = op.attrs as { node?: string; jid?: string };
    const self = session.jid;
    if (!node)
      return {
        error: errorReply(iq, 'modify', 'bad-request', self, xml('nodeid-required', { xmlns: PUBSUB_ERRORS_NS })),
      };
    if (!jid || bareJid(jid) !== bareJid(session.bareJid ?? ''))
      return { error: errorReply(iq, 'modify', 'bad-request', self, xml('invalid-jid', { xmlns: PUBSUB_ERRORS_NS })) };
    return { node, jid, owner: jid.includes('/') ? jid : (self ?? jid), self };
  }
}
