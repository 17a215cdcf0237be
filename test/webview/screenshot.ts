/**
 * Makes docs/panel.png, the README's picture of the frames panel, from REAL captured frames:
 * our FinesseSession logs in as agent1 to a real Prosody (RFC 7395, SASL PLAIN, bind, pubsub
 * subscribe to the User, Dialogs and Team nodes), a Finesse-like publisher (@xmpp/client)
 * publishes a call's worth of escaped Updates, and the panel shows what the store captured, in
 * headless Chromium with VS Code's Dark Modern colours.
 *
 *   npm run build && npx tsx test/webview/screenshot.ts [out.png]
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FrameStore } from '../../src/core/capture/frameStore';
import type { Frame } from '../../src/core/capture/frame';
import { frameView } from '../../src/core/capture/frameView';
import { FinesseSession } from '../../src/core/session/finesseSession';
import { apiErrorUpdate, dialogUpdate, teamUserUpdate, userUpdate } from '../../src/core/finesse/builders';
import { nodes } from '../../src/core/finesse/nodes';
import { DOMAIN, Prosody } from '../support/prosody';
import { Publisher } from '../support/xmpp';
import { WebviewHarness } from './harness';

const OUT = process.argv[2] ?? join(__dirname, '..', '..', 'docs', 'panel.png');
const agent = {
  id: 'agent1',
  loginName: 'agent1',
  firstName: 'Ada',
  lastName: 'Lovelace',
  extension: '1001',
  teamId: '1',
  teamName: 'Support',
};
const colleague = {
  id: 'agent2',
  loginName: 'agent2',
  firstName: 'Alan',
  lastName: 'Turing',
  extension: '1002',
  teamId: '1',
  teamName: 'Support',
};

/** Resolves with the first frame (already stored or arriving) that matches. */
function frameWhere(store: FrameStore, pred: (f: Frame) => boolean): Promise<Frame> {
  const have = [...store].find(pred);
  if (have) return Promise.resolve(have);
  return new Promise((resolve) => {
    const onAppend = (frames: Frame[]) => {
      const hit = frames.find(pred);
      if (!hit) return;
      store.off('append', onAppend);
      resolve(hit);
    };
    store.on('append', onAppend);
  });
}

async function main(): Promise<void> {
  const prosody = await Prosody.start({ users: [{ user: 'agent1', password: 'agent1-pw' }] });
  const publisher = await Publisher.start(prosody.wsUrl);
  const store = new FrameStore();
  const session = new FinesseSession(store, {
    url: prosody.wsUrl,
    domain: DOMAIN,
    user: 'agent1',
    password: 'agent1-pw',
    teams: ['1'],
    keepaliveMs: 400,
  });
  try {
    for (const node of [nodes.user('agent1'), nodes.userDialogs('agent1'), nodes.teamUsers('1')])
      await publisher.createNode(node);
    await session.start();
    const call = { id: '16777236', from: '+1 919 555 0142', to: '6001' };
    let request = 0;
    // Each publish waits until the agent's session captured the event, so the order is real.
    const publish = async (node: string, update: string) => {
      const before = store.lastId;
      await publisher.publish(node, update);
      await frameWhere(store, (f) => f.id > before && f.dir === 'in' && frameView(f).finesse !== undefined);
    };
    await publish(
      nodes.user('agent1'),
      userUpdate(agent, 'NOT_READY', { reasonCodeId: '12', requestId: `req-${++request}` }),
    );
    await publish(nodes.user('agent1'), userUpdate(agent, 'READY', { requestId: `req-${++request}` }));
    await publish(nodes.teamUsers('1'), teamUserUpdate('1', colleague, 'READY'));
    await publish(nodes.userDialogs('agent1'), dialogUpdate(agent, call, 'ALERTING', 'POST'));
    await publish(nodes.user('agent1'), userUpdate(agent, 'RESERVED'));
    await publish(
      nodes.userDialogs('agent1'),
      dialogUpdate(agent, call, 'ACTIVE', 'PUT', { requestId: `req-${++request}` }),
    );
    await publish(nodes.user('agent1'), userUpdate(agent, 'TALKING'));
    await publish(nodes.teamUsers('1'), teamUserUpdate('1', colleague, 'TALKING'));
    await publish(nodes.user('agent1'), apiErrorUpdate(agent, `req-${++request}`));
    await frameWhere(store, (f) => f.dir === 'out' && f.raw.includes('urn:xmpp:ping'));
    await publish(nodes.userDialogs('agent1'), dialogUpdate(agent, call, 'DROPPED', 'DELETE'));
    await publish(nodes.user('agent1'), userUpdate(agent, 'WORK'));
    await publish(nodes.user('agent1'), userUpdate(agent, 'READY', { requestId: `req-${++request}` }));
    await session.stop();

    const harness = await WebviewHarness.start();
    try {
      const panel = await harness.open(store, { viewport: { width: 1280, height: 900 } });
      const { page } = panel;
      await page.waitForFunction(() => document.querySelectorAll('.fx-row:not(.placeholder):not([hidden])').length > 0);
      // Show the ALERTING dialog's decoded Update in the detail pane.
      const alerting = [...store].find((f) => frameView(f).finesse?.state === 'ALERTING');
      if (!alerting) throw new Error('the ALERTING update was not captured');
      panel.host.reveal(alerting.id);
      await page.waitForSelector('[data-tab=update]:not([disabled])');
      await page.click('[data-tab=update]');
      await page.waitForSelector('[data-testid=detail-body][data-tab=update] .xml-tag');
      await page.focus('.fx-list');
      mkdirSync(dirname(OUT), { recursive: true });
      await page.screenshot({ path: OUT });
      console.log(`${OUT}: ${store.size} real frames`);
      await panel.close();
    } finally {
      await harness.close();
    }
  } finally {
    await session.stop().catch(() => undefined);
    await publisher.stop().catch(() => undefined);
    await prosody.dispose();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
