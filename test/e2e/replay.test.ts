// Replay end to end: a session recorded from real Prosody is served by the replay server to an
// independent @xmpp/client (its own SASL PLAIN with any password, its own ids and resource),
// which receives the same Updates in order; the CLI does the same as a user runs it.
import assert from 'node:assert/strict';
import { execFileSync, spawn, ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
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
import { Publisher, startClient, subscribe } from '../support/xmpp';
import { captureProsodySession, CapturedSession, collectUpdates } from './sessionCapture';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(__dirname, '..', 'fixtures');

/** `node dist/cli.js replay …` as a user runs it, stdout read line by line. */
function cli(args: string[]): {
  proc: ChildProcessWithoutNullStreams;
  next: () => Promise<string>;
  stderr: () => string;
  stderrMatches: (re: RegExp) => Promise<void>;
  exit: Promise<number | null>;
} {
  const proc = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), 'replay', ...args], { cwd: ROOT });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  // stderr and stdout are separate pipes: wait for stderr's own data, not for a stdout line.
  const stderrMatches = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!re.test(err)) return false;
        proc.stderr.off('data', check);
        resolve();
        return true;
      };
      if (check()) return;
      proc.stderr.on('data', check);
      proc.once('exit', () => (re.test(err) ? resolve() : reject(new Error(`stderr never matched ${re}: ${err}`))));
    });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const exit = once(proc, 'exit').then(([code]) => code as number | null);
  return {
    proc,
    stderr: () => err,
    stderrMatches,
    exit,
    next: async () => {
      const r = await lines.next();
      if (r.done) throw new Error(`stdout ended; stderr: ${err}`);
      return r.value;
    },
  };
}

const USER = 'agent1';
const PASSWORD = 'Agent1-Pass-4711';
const agent = { id: USER, loginName: USER };
const NODE = nodes.user(USER);

/** What an Update means to a client, without the times the builder stamps. */
const essence = (u: FinesseUpdate) => ({
  node: u.node,
  event: u.event,
  requestId: u.requestId,
  kind: u.kind,
  state: u.state,
  xml: u.xml,
});

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
      const client = await startClient({
        service: url,
        username: USER,
        password: 'not-the-recorded-one',
        resource: 'replayed',
      });
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
      const result = await replayClient({
        url: prosody.wsUrl,
        frames,
        store,
        credentials: { user: USER, password: PASSWORD },
        speed: 0,
      });
      assert.equal(result.stopped, undefined);
      assert.deepEqual(result.unanswered, []);
      const live = [...store];
      const names = live.filter((f) => f.dir === 'in').map((f) => frameView(f).element?.name);
      assert.ok(names.includes('success'), 'logged in with the given credentials');
      const recordedSubscribe = frames.find((f) => f.dir === 'out' && f.raw.includes('<subscribe'));
      const id = recordedSubscribe && frameView(recordedSubscribe).element?.attrs.id;
      const answer = live.find((f) => f.dir === 'in' && frameView(f).element?.attrs.id === id);
      assert.equal(
        frameView(answer as never).element?.attrs.type,
        'result',
        'the live pubsub answered the recorded subscribe',
      );
      assert.ok(live.filter((f) => f.dir === 'out').every((f) => !f.raw.includes('[redacted]')));
    });

    it('stops on a SASL failure and refuses a redacted login without credentials', async () => {
      const { frames } = pickSession(await openRecording(sessionFile));
      const result = await replayClient({
        url: prosody.wsUrl,
        frames,
        store: new FrameStore(),
        credentials: { user: USER, password: 'wrong' },
        speed: 0,
      });
      assert.equal(result.stopped, 'SASL failure: not-authorized');
      await assert.rejects(replayClient({ url: prosody.wsUrl, frames, store: new FrameStore() }), ReplayClientError);
    });
  });

  describe('finesse-frames replay (the built CLI)', () => {
    const running: ChildProcessWithoutNullStreams[] = [];
    before(function () {
      this.timeout(120_000);
      execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'inherit' });
    });
    after(() => running.forEach((p) => p.exitCode === null && p.kill('SIGKILL')));

    it('serves the saved session: listening line first, then the frames; a real client gets the Updates in order', async () => {
      const run = cli([sessionFile, '--listen', '127.0.0.1:0', '--speed', '0', '--once']);
      running.push(run.proc);
      const first = JSON.parse(await run.next());
      assert.deepEqual(Object.keys(first), ['listening']);
      assert.match(first.listening, /^ws:\/\/127\.0\.0\.1:\d+\/ws\/$/);
      const client = await startClient({
        service: first.listening,
        username: USER,
        password: 'anything',
        resource: 'cli',
      });
      const { all } = collectUpdates(client, captured.updates.length);
      await subscribe(client, NODE);
      assert.deepEqual((await all).map(essence), captured.updates.map(essence));
      await client.stop();
      assert.equal(await run.exit, 0, '--once: exits when the client has gone');
      const lines: { dir: string; flags: { replayed?: boolean }; finesse?: { state?: string } }[] = [];
      for (;;) {
        try {
          lines.push(JSON.parse(await run.next()));
        } catch {
          break;
        }
      }
      const pushed = lines.filter((l) => l.finesse);
      assert.deepEqual(
        pushed.map((l) => l.finesse?.state),
        captured.updates.map((u) => u.state),
      );
      assert.ok(pushed.every((l) => l.dir === 'in' && l.flags.replayed));
      assert.equal(run.stderr(), '');
    });

    it('names each bad line of a corrupt file on stderr and still serves what is readable', async () => {
      const run = cli([join(FIXTURES, 'corrupt.finesse-session'), '--speed', '0']);
      running.push(run.proc);
      assert.ok(JSON.parse(await run.next()).listening);
      await run.stderrMatches(/corrupt\.finesse-session:8: /);
      const named = [...run.stderr().matchAll(/corrupt\.finesse-session:(\d+): /g)].map((m) => Number(m[1]));
      assert.deepEqual(named, [3, 5, 8]);
      run.proc.kill('SIGTERM');
      assert.equal(await run.exit, 0);
    });

    it('asks which WebSocket entry of a Chrome HAR with several, then serves the chosen one', async () => {
      const har = join(FIXTURES, 'chrome-devtools.har');
      const ask = cli([har]);
      assert.equal(await ask.exit, 2);
      assert.match(
        ask.stderr(),
        /^finesse-frames: replay: .*2 WebSocket entries.*\[0\] wss:\/\/finesse\.lab\.example:8445\/ws\/ \(17 messages\).*--har-entry/,
      );
      assert.equal(ask.stderr().trim().split('\n').length, 1, 'one line on stderr');
      const run = cli([har, '--har-entry', '0', '--speed', '0']);
      running.push(run.proc);
      const url = JSON.parse(await run.next()).listening;
      const client = await startClient({
        service: url,
        username: '1001001',
        password: 'x',
        domain: 'finesse.lab.example',
        resource: 'desktop',
      });
      assert.equal(client.jid?.toString(), '1001001@finesse.lab.example/desktop');
      await client.stop();
      run.proc.kill('SIGTERM');
      assert.equal(await run.exit, 0);
    });

    it('lists the sessions of a multi-session file on stderr and serves the one chosen with --session N', async () => {
      const store = new FrameStore();
      const second = await captureProsodySession({
        wsUrl: prosody.wsUrl,
        publisher,
        user: USER,
        password: PASSWORD,
        node: NODE,
        updates: [userUpdate(agent, 'WORK', { requestId: 'second' })],
        store,
      });
      const both = join(dir, 'two.finesse-session');
      const first = [...captured.store.sessions.values()][0];
      const merged = new FrameStore();
      for (const [info, from] of [
        [first, captured.store],
        [store.sessions.get(second.sessionId)!, store],
      ] as const) {
        merged.openSession({ ...info });
        for (const f of from)
          if (f.session === info.id)
            merged.append({
              session: f.session,
              dir: f.dir,
              t: f.t,
              kind: f.kind,
              raw: f.raw,
              bytes: f.bytes,
              flags: f.flags,
            });
        merged.endSession(info.id);
      }
      await saveSession(both, merged, { sessions: [...merged.sessions.values()], secrets: [PASSWORD] });

      const run = cli([both, '--speed', '0', '--session', '2', '--once']);
      running.push(run.proc);
      const url = JSON.parse(await run.next()).listening;
      await run.stderrMatches(/2\. .*<- serving/);
      assert.match(run.stderr(), /holds 2 sessions \(choose with --session ID or N\)/);
      assert.match(run.stderr(), new RegExp(`1\\. ${first.id}`));
      const client = await startClient({ service: url, username: USER, password: 'x', resource: 'second' });
      const { all } = collectUpdates(client, 1);
      await subscribe(client, NODE);
      assert.equal((await all)[0].requestId, 'second', 'the second session was served');
      await client.stop();
      assert.equal(await run.exit, 0);

      const outOfRange = cli([both, '--session', '3']);
      assert.equal(await outOfRange.exit, 2);
      assert.match(outOfRange.stderr(), /numbered 1 to 2/);
    });

    it('--as puts the given agent id in node names and Updates; without it, the id the client logs in with', async () => {
      for (const [extra, login, id] of [
        [['--as', '1001001'], 'agent5', '1001001'],
        [[], 'agent6', 'agent6'],
      ] as const) {
        const run = cli([sessionFile, '--speed', '0', '--once', ...extra]);
        running.push(run.proc);
        const url = JSON.parse(await run.next()).listening;
        const client = await startClient({ service: url, username: login, password: 'x', resource: 'as' });
        assert.equal(client.jid?.toString(), `${login}@finesse.test/as`);
        const { all } = collectUpdates(client, captured.updates.length);
        await subscribe(client, nodes.user(id));
        const updates = await all;
        assert.deepEqual(
          updates.map((u) => u.node),
          captured.updates.map((u) => u.node.replace(USER, id)),
        );
        assert.deepEqual(
          updates.map((u) => u.state),
          captured.updates.map((u) => u.state),
        );
        assert.ok(
          updates.every((u) => !u.xml.includes(`>${USER}<`) && !u.xml.includes(`/User/${USER}`)),
          'no trace of the recorded agent',
        );
        await client.stop();
        assert.equal(await run.exit, 0);
      }
    });

    it('--step: one push per input line, and says on stderr what went and how many are left', async () => {
      const run = cli([sessionFile, '--step', '--once']);
      running.push(run.proc);
      const url = JSON.parse(await run.next()).listening;
      const client = await startClient({ service: url, username: USER, password: 'x', resource: 'step' });
      const { updates, all } = collectUpdates(client, captured.updates.length);
      await subscribe(client, NODE);
      const total = captured.updates.length;
      for (let i = 1; i <= total; i++) {
        const arrived = new Promise<void>((resolve) => client.once('stanza', () => resolve()));
        run.proc.stdin.write('\n');
        await run.stderrMatches(new RegExp(`step: sent Update .*; ${total - i} push\\(es\\) left`));
        await arrived;
        assert.equal(updates.length, i, 'exactly one Update per line');
      }
      await all;
      await client.stop();
      assert.equal(await run.exit, 0);
    });

    it('refuses what is not a recording with exit 1 and one line; a missing file is a usage error (2)', async () => {
      const run = cli([join(ROOT, 'package.json')]);
      assert.equal(await run.exit, 1);
      assert.match(run.stderr(), /^finesse-frames: .*package\.json: line 1: not a finesse-session file/);
      const missing = cli([join(FIXTURES, 'nope.finesse-session')]);
      assert.equal(await missing.exit, 2);
      assert.match(missing.stderr(), /cannot read/);
    });
  });
});
