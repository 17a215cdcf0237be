/**
 * The own client session against a real Prosody, measured against an independent client
 * (@xmpp/client) doing the same work in the same run:
 *  - login: connect → SASL PLAIN → bind → presence, p50 in ms (the agent's User and Dialogs
 *    nodes are subscribed for it, as Finesse does, so neither client subscribes them);
 *  - update: publish → the subscriber has the event (for FinesseSession: captured in the
 *    FrameStore and decoded), p50/p99 in ms over sequential publishes.
 * Env: BENCH_SESSION_LOGINS (default 20), BENCH_SESSION_UPDATES (default 300).
 */
import { FrameStore } from '../src/core/capture/frameStore';
import type { Frame } from '../src/core/capture/frame';
import { frameView } from '../src/core/capture/frameView';
import { userUpdate } from '../src/core/finesse/builders';
import { nodes } from '../src/core/finesse/nodes';
import { FinesseSession } from '../src/core/session/finesseSession';
import { DOMAIN, Prosody } from '../test/support/prosody';
import { Publisher, startClient, xmppModule, XmppClient } from '../test/support/xmpp';

const LOGINS = Number(process.env.BENCH_SESSION_LOGINS ?? 20);
const UPDATES = Number(process.env.BENCH_SESSION_UPDATES ?? 300);
const PASSWORD = 'bench-pw';
const agent = { id: 'agent1', loginName: 'agent1' };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const ms = (n: number) => Math.round(n * 1000) / 1000;

async function baselineLogin(url: string): Promise<{ client: XmppClient; ms: number }> {
  const t0 = performance.now();
  const client = await startClient({ service: url, username: 'agent1', password: PASSWORD, resource: 'baseline' });
  // Available presence: the agent's bare-JID subscriptions are then delivered to this resource.
  const { xml } = await xmppModule();
  await client.send(xml('presence'));
  return { client, ms: performance.now() - t0 };
}

async function sessionLogin(url: string, store: FrameStore): Promise<{ session: FinesseSession; ms: number }> {
  const t0 = performance.now();
  const session = new FinesseSession(store, {
    url,
    domain: DOMAIN,
    user: 'agent1',
    password: PASSWORD,
    keepaliveMs: 0,
  });
  await session.start();
  return { session, ms: performance.now() - t0 };
}

/** Sequential publishes; `received(requestId)` resolves when the subscriber has that Update. */
async function updateLatencies(
  publisher: Publisher,
  received: (requestId: string) => Promise<void>,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < UPDATES; i++) {
    const requestId = `r${i}-${Math.random().toString(36).slice(2)}`;
    const arrived = received(requestId);
    const t0 = performance.now();
    await publisher.publish(nodes.user('agent1'), userUpdate(agent, i % 2 ? 'READY' : 'NOT_READY', { requestId }));
    await arrived;
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

export async function run(): Promise<object> {
  const prosody = await Prosody.start({ users: [{ user: 'agent1', password: PASSWORD }] });
  const publisher = await Publisher.start(prosody.wsUrl);
  try {
    for (const node of [nodes.user('agent1'), nodes.userDialogs('agent1')]) {
      await publisher.createNode(node);
      await publisher.autoSubscribe(node, 'agent1');
    }

    // Logins alternate so both see the same machine load.
    const own: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < LOGINS; i++) {
      const b = await baselineLogin(prosody.wsUrl);
      base.push(b.ms);
      await b.client.stop();
      const s = await sessionLogin(prosody.wsUrl, new FrameStore(1000));
      own.push(s.ms);
      await s.session.stop();
    }
    own.sort((a, b) => a - b);
    base.sort((a, b) => a - b);

    // Update delivery, one subscriber at a time.
    const b = await baselineLogin(prosody.wsUrl);
    const baseUpdates = await updateLatencies(
      publisher,
      (id) =>
        new Promise((resolve) => {
          const onStanza = (stanza: { toString(): string }) => {
            if (!stanza.toString().includes(id)) return;
            b.client.off('stanza', onStanza);
            resolve();
          };
          b.client.on('stanza', onStanza);
        }),
    );
    await b.client.stop();

    const store = new FrameStore(10_000);
    const s = await sessionLogin(prosody.wsUrl, store);
    const ownUpdates = await updateLatencies(
      publisher,
      (id) =>
        new Promise((resolve) => {
          // The batched `append` event is what every view sees: capture + batch + decode.
          const onAppend = (frames: Frame[]) => {
            if (!frames.some((f) => frameView(f).finesse?.requestId === id)) return;
            store.off('append', onAppend);
            resolve();
          };
          store.on('append', onAppend);
        }),
    );
    await s.session.stop();

    return {
      logins: LOGINS,
      loginP50Ms: ms(percentile(own, 50)),
      baselineLoginP50Ms: ms(percentile(base, 50)),
      updates: UPDATES,
      updateP50Ms: ms(percentile(ownUpdates, 50)),
      updateP99Ms: ms(percentile(ownUpdates, 99)),
      baselineUpdateP50Ms: ms(percentile(baseUpdates, 50)),
      baselineUpdateP99Ms: ms(percentile(baseUpdates, 99)),
    };
  } finally {
    await publisher.stop().catch(() => undefined);
    await prosody.dispose();
  }
}
