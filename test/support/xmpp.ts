/**
 * Independent XMPP peers for e2e tests, built on @xmpp/client (not on our own code, so a bug
 * in our session or proxy cannot hide itself): agents that log in and a Finesse-like publisher
 * (the Prosody admin) that creates nodes and publishes escaped <Update> documents.
 */
import WebSocket from 'ws';
import { ADMIN, DOMAIN, PUBSUB } from './prosody';
import { notificationXml, PUBSUB_NS } from '../../src/core/finesse/builders';
import { parseXml } from '../../src/core/xmpp/xml';

// @xmpp/websocket uses the browser WebSocket global; Node 20 has none.
(globalThis as unknown as { WebSocket: unknown }).WebSocket ??= WebSocket;

type XmppModule = typeof import('@xmpp/client');
export type XmppClient = ReturnType<XmppModule['client']>;

let mod: Promise<XmppModule> | undefined;
export function xmppModule(): Promise<XmppModule> {
  return (mod ??= import('@xmpp/client'));
}

/**
 * Subscribes the client's full JID to a pubsub node (XEP-0060 §6.1); resolves with the result
 * iq (its `<subscription>` says what the service did), rejects with an error iq.
 */
export async function subscribe(client: XmppClient, node: string): ReturnType<XmppClient['iqCaller']['request']> {
  const { xml } = await xmppModule();
  return client.iqCaller.request(
    xml(
      'iq',
      { type: 'set', to: PUBSUB },
      xml('pubsub', { xmlns: PUBSUB_NS }, xml('subscribe', { node, jid: client.jid?.toString() })),
    ),
  );
}

export interface ClientOptions {
  service: string;
  username: string;
  password: string;
  resource?: string;
  domain?: string;
}

/** A started @xmpp/client; errors are collected, not thrown at random. */
export async function startClient(opts: ClientOptions): Promise<XmppClient> {
  const { client } = await xmppModule();
  const c = client({
    service: opts.service,
    domain: opts.domain ?? DOMAIN,
    username: opts.username,
    password: opts.password,
    resource: opts.resource ?? 'test',
  });
  c.on('error', () => undefined);
  await c.start();
  return c;
}

/** The Finesse notification server's role: creates nodes, publishes Updates. */
export class Publisher {
  private itemSeq = 0;
  private constructor(readonly client: XmppClient) {}

  static async start(service: string): Promise<Publisher> {
    return new Publisher(
      await startClient({ service, username: ADMIN.user, password: ADMIN.password, resource: 'publisher' }),
    );
  }

  private async pubsub(child: string): Promise<void> {
    const { xml } = await xmppModule();
    const parsed = parseXml(`<pubsub xmlns="${PUBSUB_NS}">${child}</pubsub>`);
    if (!parsed.ok) throw new Error(parsed.error);
    await this.client.iqCaller.request(xml('iq', { type: 'set', to: PUBSUB }, parsed.element as never));
  }

  async createNode(node: string): Promise<void> {
    await this.pubsub(`<create node="${node}"/>`);
  }

  /**
   * Subscribes an agent's bare JID as the node owner, as Finesse subscribes every agent to its
   * own User, Dialogs, Media and SystemInfo nodes: the agent receives their Updates on every
   * online resource without subscribing itself.
   */
  async autoSubscribe(node: string, user: string): Promise<void> {
    const { xml } = await xmppModule();
    const subscription = xml('subscription', { jid: `${user}@${DOMAIN}`, subscription: 'subscribed' });
    await this.client.iqCaller.request(
      xml(
        'iq',
        { type: 'set', to: PUBSUB },
        xml('pubsub', { xmlns: `${PUBSUB_NS}#owner` }, xml('subscriptions', { node }, subscription)),
      ),
    );
  }

  /** Publishes an Update the way Finesse does: escaped text inside <notification>. */
  async publish(node: string, updateXml: string): Promise<string> {
    const itemId = `item-${++this.itemSeq}`;
    await this.pubsub(`<publish node="${node}"><item id="${itemId}">${notificationXml(updateXml)}</item></publish>`);
    return itemId;
  }

  async stop(): Promise<void> {
    await this.client.stop();
  }
}
