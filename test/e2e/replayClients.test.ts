// Replay serves any standard client, not just the one recorded: strophe.js (in Chromium) and
// stanza (in Node) each log in through the proxy to real Prosody and receive Finesse-like
// Updates on the agent's auto-subscribed User node; each saved recording is then replayed to
// the other library and to @xmpp/client, logged in as another agent. Every client must log in,
// bind its own resource and receive every recorded Update in order, addressed to its own JID
// and under its own node name.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameStore } from '../../src/core/capture/frameStore';
import { userUpdate, dialogUpdate } from '../../src/core/finesse/builders';
import { nodes } from '../../src/core/finesse/nodes';
import { decodeUpdate } from '../../src/core/finesse/update';
import { WsProxy } from '../../src/core/proxy/wsProxy';
import { openRecording, pickSession } from '../../src/core/recording/open';
import { saveSession } from '../../src/core/recording/writer';
import { ReplayConnection, ReplayServer } from '../../src/core/replay/replayServer';
import { parseXml } from '../../src/core/xmpp/xml';
import { AgentClient, AgentLibrary, AgentOptions, stanzaAgent, StropheBrowser, xmppJsAgent } from '../support/agents';
import { DOMAIN, Prosody } from '../support/prosody';
import { Publisher } from '../support/xmpp';

const PASSWORD = 'Agent-Pass-31';
const RECORDERS: { library: Exclude<AgentLibrary, '@xmpp/client'>; user: string }[] = [
  { library: 'strophe.js', user: 'agent1' },
  { library: 'stanza', user: 'agent2' },
];
const REPLAY_USER = 'agent7';

/** What the Update says, without who it is for (that is rewritten). */
interface Essence {
  event?: string;
  state?: string;
  requestId?: string;
}

function readEvent(text: string): { to: string; node?: string; source?: string; essence: Essence } {
  const parsed = parseXml(text);
  assert.ok(parsed.ok, text);
  const update = decodeUpdate(parsed.element);
  assert.ok(update, `no Update in ${text}`);
  return {
    to: parsed.element.attrs.to,
    node: update.node,
    source: update.source,
    essence: { event: update.event, state: update.state, requestId: update.requestId },
  };
}

describe('replay serves any standard client (strophe.js, stanza, @xmpp/client)', function () {
  this.timeout(120_000);
  let prosody: Prosody;
  let publisher: Publisher;
  let strophe: StropheBrowser;
  let dir: string;
  const recordings = new Map<string, { file: string; essences: Essence[] }>();

  function agent(library: AgentLibrary, opts: AgentOptions): Promise<AgentClient> {
    if (library === 'strophe.js') return strophe.agent(opts);
    if (library === 'stanza') return stanzaAgent(opts);
    return xmppJsAgent(opts);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'replay-clients-'));
    // With stream management and carbons on, as a server a client may meet: the recorded
    // clients use what they find, and the replay must refuse both and still serve them.
    prosody = await Prosody.start({
      users: RECORDERS.map((r) => ({ user: r.user, password: PASSWORD })),
      modules: ['smacks', 'carbons'],
    });
    publisher = await Publisher.start(prosody.wsUrl);
    strophe = await StropheBrowser.start();
    for (const { library, user } of RECORDERS) {
      const node = nodes.user(user);
      await publisher.createNode(node);
      await publisher.createNode(nodes.userDialogs(user));
      await publisher.autoSubscribe(node, user);
      await publisher.autoSubscribe(nodes.userDialogs(user), user);
      const who = { id: user, loginName: user };
      const updates: [string, string][] = [
        [node, userUpdate(who, 'NOT_READY', { requestId: `${library}-1` })],
        [node, userUpdate(who, 'READY', { requestId: `${library}-2` })],
        [
          nodes.userDialogs(user),
          dialogUpdate(who, { id: '16777301', from: '5551001', to: '1001' }, 'ALERTING', 'POST'),
        ],
        [node, userUpdate(who, 'TALKING')],
      ];

      const store = new FrameStore();
      const proxy = new WsProxy(store, { target: prosody.wsUrl });
      const url = await proxy.listen();
      const recorded = await agent(library, {
        service: url,
        user,
        password: PASSWORD,
        resource: `rec-${library.replace(/\W/g, '')}`,
      });
      const arrived = recorded.events(updates.length);
      for (const [n, u] of updates) await publisher.publish(n, u);
      const events = (await arrived).map(readEvent);
      await recorded.stop();
      await proxy.close();
      await new Promise((r) => setImmediate(r));

      const file = join(dir, `${library.replace(/\W/g, '')}.finesse-session`);
      await saveSession(file, store, { sessions: [...store.sessions.values()], secrets: [PASSWORD] });
      if (library === 'stanza')
        assert.ok(
          [...store].some((f) => f.dir === 'in' && /^<enabled /.test(f.raw)),
          'the recorded stanza client had stream management',
        );
      recordings.set(library, { file, essences: events.map((e) => e.essence) });
    }
  });

  after(async () => {
    await strophe?.close();
    await publisher?.stop();
    await prosody?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const { library: recordedWith } of RECORDERS) {
    for (const library of ['strophe.js', 'stanza', '@xmpp/client'] as const) {
      if (library === recordedWith) continue;
      it(`a ${recordedWith} recording, replayed to ${library} logged in as another agent`, async () => {
        const { file, essences } = recordings.get(recordedWith)!;
        const recording = await openRecording(file);
        const server = new ReplayServer({ frames: pickSession(recording).frames, speed: 0 });
        const url = await server.listen();
        const notices: string[] = [];
        server.on('connection', (c: ReplayConnection) => c.on('notice', (n) => notices.push(n)));
        const resource = `replayed-${library.replace(/\W/g, '')}`;
        let client: AgentClient | undefined;
        try {
          client = await agent(library, {
            service: url,
            user: REPLAY_USER,
            password: 'not-the-recorded-one',
            resource,
          });
          assert.equal(client.jid, `${REPLAY_USER}@${DOMAIN}/${resource}`);
          const events = (await client.events(essences.length)).map(readEvent);
          assert.deepEqual(
            events.map((e) => e.essence),
            essences,
            'every recorded Update, in order',
          );
          for (const e of events) {
            assert.equal(e.to.split('/')[0], `${REPLAY_USER}@${DOMAIN}`, 'addressed to this client');
            assert.match(e.node ?? '', new RegExp(`^/finesse/api/User/${REPLAY_USER}(/Dialogs)?$`));
            assert.match(e.source ?? '', new RegExp(`^/finesse/api/User/${REPLAY_USER}`));
          }
          const conn = server.active[0];
          const closed = once(conn, 'close');
          await client.stop();
          client = undefined;
          await closed;
          // Nothing was waited out: every request this client made got an answer at once.
          assert.ok(!notices.some((n) => /played on without/.test(n)), notices.join('\n'));
          if (library === 'stanza')
            assert.ok(
              notices.some((n) => /stream management \(urn:xmpp:sm:3\)/.test(n)),
              `stanza asked for stream management and was refused: ${notices.join('\n')}`,
            );
        } finally {
          await client?.stop().catch(() => undefined);
          await server.close();
        }
      });
    }
  }
});
