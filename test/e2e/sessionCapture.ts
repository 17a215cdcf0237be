/**
 * A real session to save and replay: an independent @xmpp/client agent logs in to real Prosody
 * through the proxy (WsProxy), subscribes to its Finesse User node the way the desktop does,
 * and receives Updates the admin publishes. Every frame both ways lands in the FrameStore.
 */
import { once } from 'node:events';
import { FrameStore } from '../../src/core/capture/frameStore';
import { WsProxy } from '../../src/core/proxy/wsProxy';
import { decodeUpdate, FinesseUpdate } from '../../src/core/finesse/update';
import { parseXml } from '../../src/core/xmpp/xml';
import { Publisher, startClient, subscribe, XmppClient } from '../support/xmpp';

export interface CapturedSession {
  store: FrameStore;
  sessionId: string;
  /** The Updates the agent received, in order. */
  updates: FinesseUpdate[];
}

/** Collects the Finesse Updates a client receives until `count` arrived. */
export function collectUpdates(
  client: XmppClient,
  count: number,
): { updates: FinesseUpdate[]; all: Promise<FinesseUpdate[]> } {
  const updates: FinesseUpdate[] = [];
  const all = new Promise<FinesseUpdate[]>((resolve) => {
    const onStanza = (stanza: { toString(): string }) => {
      const parsed = parseXml(stanza.toString());
      const update = parsed.ok ? decodeUpdate(parsed.element) : undefined;
      if (update) updates.push(update);
      if (updates.length === count) {
        client.off('stanza', onStanza);
        resolve(updates);
      }
    };
    client.on('stanza', onStanza);
  });
  return { updates, all };
}

export async function captureProsodySession(opts: {
  wsUrl: string;
  publisher: Publisher;
  user: string;
  password: string;
  node: string;
  updates: string[];
  store?: FrameStore;
}): Promise<CapturedSession> {
  const store = opts.store ?? new FrameStore();
  const proxy = new WsProxy(store, { target: opts.wsUrl });
  const url = await proxy.listen();
  const session = once(proxy, 'session');
  const agent = await startClient({ service: url, username: opts.user, password: opts.password, resource: 'desktop' });
  const [info] = await session;
  await subscribe(agent, opts.node);
  const { all } = collectUpdates(agent, opts.updates.length);
  for (const update of opts.updates) await opts.publisher.publish(opts.node, update);
  const updates = await all;
  await agent.stop();
  await proxy.close();
  // The store emits appends once per macrotask: let the last frames through.
  await new Promise((r) => setImmediate(r));
  return { store, sessionId: info.id, updates };
}
