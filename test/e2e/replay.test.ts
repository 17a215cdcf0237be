// Replay end to end: a session recorded from real Prosody is served by the replay server to an
// independent @xmpp/client (its own SASL PLAIN with any password, its own ids and resource),
// which receives the same Updates in order; the CLI does the same as a user runs it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodes } from '../../src/core/finesse/nodes';
import { dialogUpdate, userUpdate } from '../../src/core/finesse/builders';
import type { FinesseUpdate } from '../../src/core/finesse/update';
import { saveSession } from '../../src/core/recording/writer';
import { writeHarFile } from '../../src/core/recording/har';
import { openRecording, pickSession } from '../../src/core/recording/open';
import { ReplayServer } from '../../src/core/replay/replayServer';
import { replayClient, ReplayClientError } from '../../src/core/replay/replayClient';
import { FrameStore } from '../../src/core/capture/frameStore';
import { frameView } from '../../src/core/capture/frameView';
import { Prosody } from '../support/prosody';
import { Publisher, startClient } from '../support/xmpp';
import { captureProsodySession, CapturedSession, collectUpdates, subscribe } from './sessionCapture';

const USER = 'agent1';
const PASSWORD = 'Agent1-Pass-4711';
const agent = { id: USER, loginName: USER };
const NODE = nodes.user(USER);

/** What an Update means to a client, without the times the builder stamps. */
const essence = (u: FinesseUpdate) => ({ node: u.node, event: u.event, requestId: u.requestId, kind: u.kind, state: u.state, xml: u.xml });

describe('replay of a session recorded from real Prosody', () => {
  let prosody: Prosody;
  let publisher: Publisher;
  let captured: CapturedSession;
  let dir: string;
  let sessionFile: string;
  let harFile: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'replay-e2e-'));
    prosody = await Prosody.start({ users: [{ user: USER, password: PASSWORD }] });
    publisher = await Publisher.start(prosody.wsUrl);
    await publisher.createNode(NODE);
    captured = await captureProsodySession({
      wsUrl: prosody.wsUrl,
      publisher,
      user: USER,
      password: PASSWORD,
      node: NODE,
      updates: [
        userUpdate(agent, 'NOT_READY', { requestId: 'req-1' }),
        userUpdate(agent, 'READY', { requestId: 'req-2' }),
        dialogUpdate(agent, { id: '16777301', from: '5551001', to: '1001' }, 'ALERTING', 'POST'),
        userUpdate(agent, 'TALKING'),
      ],
    });
    sessionFile = join(dir, 'recorded.finesse-session');
    harFile = join(dir, 'recorded.har');
    const sessions = [...captured.store.sessions.values()];
    await saveSession(sessionFile, captured.store, { sessions, secrets: [PASSWORD] });
    await writeHarFile(harFile, captured.store, sessions, { secrets: [PASSWORD] });
  });
  after(async () => {
    await publisher?.stop();
    await prosody?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const source of ['session', 'har'] as const) {
    it(`an independent @xmpp/client receives the recorded Updates in order (from the ${source} file)`, async () => {
      const recording = await openRecording(source === 'session' ? sessionFile : harFile);
      const server = new ReplayServer({ frames: pickSession(recording).frames, target: recording.target });
      const url = await server.listen();
      const client = await startClient({ service: url, username: USER, password: 'not-the-recorded-one', resource: 'replayed' });
      try {
        assert.equal(client.jid?.toString(), `${USER}@finesse.test/replayed`);
        const { all } = collectUpdates(client, captured.updates.length);
        await subscribe(client, NODE);
        const updates = await all;
        assert.deepEqual(updates.map(essence), captured.updates.map(essence));
      } finally {
        await client.stop();
        await server.close();
      }
    });
  }

  describe('client side against live Prosody', () => {
    it('sends the recorded client frames, each request answered by the live server', async () => {
      const recording = await openRecording(sessionFile);
      const { frames } = pickSession(recording);
      const store = new FrameStore();
      const result = await replayClient({ url: prosody.wsUrl, frames, store, credentials: { user: USER, password: PASSWORD }, speed: 0 });
      assert.equal(result.stopped, undefined);
      assert.deepEqual(result.unanswered, []);
      const live = [...store];
      const names = live.filter((f) => f.dir === 'in').map((f) => frameView(f).element?.name);
      assert.ok(names.includes('success'), 'logged in with the given credentials');
      const recordedSubscribe = frames.find((f) => f.dir === 'out' && f.raw.includes('<subscribe'));
      const id = recordedSubscribe && frameView(recordedSubscribe).element?.attrs.id;
      const answer = live.find((f) => f.dir === 'in' && frameView(f).element?.attrs.id === id);
      assert.equal(frameView(answer as never).element?.attrs.type, 'result', 'the live pubsub answered the recorded subscribe');
      assert.ok(live.filter((f) => f.dir === 'out').every((f) => !f.raw.includes('[redacted]')));
    });

    it('stops on a SASL failure and refuses a redacted login without credentials', async () => {
      const { frames } = pickSession(await openRecording(sessionFile));
      const result = await replayClient({ url: prosody.wsUrl, frames, store: new FrameStore(), credentials: { user: USER, password: 'wrong' }, speed: 0 });
      assert.equal(result.stopped, 'SASL failure: not-authorized');
      await assert.rejects(replayClient({ url: prosody.wsUrl, frames, store: new FrameStore() }), ReplayClientError);
    });
  });
});
