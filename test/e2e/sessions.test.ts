// Sessions end to end: a session captured from real Prosody (independent @xmpp/client through
// the proxy) is saved, reopened and equal — except the SASL payload, which reads [redacted],
// with the password nowhere in the file; the same session round-trips through a HAR.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from '../../src/core/capture/frame';
import { FrameStore } from '../../src/core/capture/frameStore';
import { nodes } from '../../src/core/finesse/nodes';
import { dialogUpdate, userUpdate } from '../../src/core/finesse/builders';
import { decodeUpdate } from '../../src/core/finesse/update';
import { parseXml } from '../../src/core/xmpp/xml';
import { plainPayload, REDACTED } from '../../src/core/xmpp/sasl';
import { saveSession, SessionWriter } from '../../src/core/recording/writer';
import { loadSession, readSessionFile } from '../../src/core/recording/reader';
import { importHar, parseHar, writeHarFile } from '../../src/core/recording/har';
import { Prosody } from '../support/prosody';
import { Publisher, startClient, subscribe } from '../support/xmpp';
import { captureProsodySession, CapturedSession, collectUpdates } from './sessionCapture';

const ROOT = join(__dirname, '..', '..');

/** `node dist/cli.js …` as a user runs it: stdout lines one by one, stderr collected. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const proc = spawn(process.execPath, [join(ROOT, 'dist/cli.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  return {
    proc,
    stderr: () => err,
    exit: once(proc, 'exit').then(([code]) => code as number | null),
    /** The next stdout line that satisfies `want`, parsed. */
    async until(want: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
      for (;;) {
        const r = await lines.next();
        if (r.done) throw new Error(`stdout ended; stderr: ${err}`);
        const line = JSON.parse(r.value);
        if (want(line)) return line;
      }
    },
  };
}

const USER = 'agent1';
const PASSWORD = 'Agent1-Pass-4711';
const agent = { id: USER, loginName: USER };

/** The frame as a saved file must hold it: the SASL payload replaced, the rest untouched. */
function asSaved(f: Frame): Frame {
  return { ...f, raw: f.raw.includes('<auth') ? f.raw.replace(/>[^<]+<\/auth>/, `>${REDACTED}</auth>`) : f.raw };
}

describe('sessions: save, reopen, HAR (real Prosody)', () => {
  let prosody: Prosody;
  let publisher: Publisher;
  let captured: CapturedSession;
  let followed: { file: string; summary: { frames: number } };
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sessions-e2e-'));
    prosody = await Prosody.start({ users: [{ user: USER, password: PASSWORD }] });
    publisher = await Publisher.start(prosody.wsUrl);
    await publisher.createNode(nodes.user(USER));
    await publisher.autoSubscribe(nodes.user(USER), USER); // as Finesse does for every agent
    // A writer follows the live store during the capture, as `proxy --save` does.
    const store = new FrameStore();
    const file = join(dir, 'followed.finesse-session');
    const writer = SessionWriter.toFile(file, { secrets: [PASSWORD] });
    writer.follow(store);
    captured = await captureProsodySession({
      wsUrl: prosody.wsUrl,
      publisher,
      user: USER,
      password: PASSWORD,
      node: nodes.user(USER),
      store,
      updates: [
        userUpdate(agent, 'NOT_READY', { requestId: 'req-1' }),
        userUpdate(agent, 'READY', { requestId: 'req-2' }),
        dialogUpdate(agent, { id: '16777301', from: '5551001', to: '1001' }, 'ALERTING', 'POST'),
      ],
    });
    followed = { file, summary: await writer.close() };
  });
  after(async () => {
    await publisher?.stop();
    await prosody?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('captured a real login with the SASL payload and the Updates', () => {
    const frames = [...captured.store];
    assert.ok(
      frames.some((f) => f.raw.includes(plainPayload(USER, PASSWORD))),
      'the live store holds the real payload',
    );
    assert.deepEqual(
      captured.updates.map((u) => u.state),
      ['NOT_READY', 'READY', 'ALERTING'],
    );
  });

  it('saves and reopens equal, SASL redacted, password nowhere in the file', async () => {
    const file = join(dir, 'saved.finesse-session');
    const sessions = [...captured.store.sessions.values()];
    await saveSession(file, captured.store, { sessions, secrets: [PASSWORD] });
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(PASSWORD));
    assert.ok(!text.includes(plainPayload(USER, PASSWORD)));
    const read = await readSessionFile(file);
    assert.deepEqual(read.errors, []);
    assert.equal(read.truncated, false);
    assert.deepEqual(read.frames, [...captured.store].map(asSaved));
    const auth = read.frames.find((f) => f.raw.startsWith('<auth'));
    assert.match(auth?.raw ?? '', /mechanism="PLAIN">\[redacted\]<\/auth>$/);
    assert.equal(read.header.target, sessions[0].target);
    assert.deepEqual(read.sessions, sessions);
    const reopened = read.frames
      .map((f) => parseXml(f.raw))
      .flatMap((p) => (p.ok ? [decodeUpdate(p.element)] : []))
      .filter((u) => u);
    assert.deepEqual(
      reopened.map((u) => u?.state),
      ['NOT_READY', 'READY', 'ALERTING'],
    );
  });

  it('the file written while following the live store holds the same frames', async () => {
    const read = await readSessionFile(followed.file);
    assert.deepEqual(read.errors, []);
    assert.equal(followed.summary.frames, captured.store.size);
    assert.deepEqual(read.frames, [...captured.store].map(asSaved));
    assert.ok(read.sessions[0].ended, 'the session end reached the file');
    assert.ok(!readFileSync(followed.file, 'utf8').includes(PASSWORD));
  });

  it('opens into a fresh FrameStore (the viewer path) with every frame', async () => {
    const store = new FrameStore();
    const result = await loadSession(followed.file, store);
    assert.equal(result.frames, captured.store.size);
    assert.deepEqual(
      [...store].map((f) => [f.dir, f.kind, f.t, f.raw]),
      [...captured.store].map(asSaved).map((f) => [f.dir, f.kind, f.t, f.raw]),
    );
  });

  it('round-trips through a HAR export', async () => {
    const file = join(dir, 'session.har');
    await writeHarFile(file, captured.store, [...captured.store.sessions.values()], { secrets: [PASSWORD] });
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(PASSWORD) && !text.includes(plainPayload(USER, PASSWORD)));
    const imported = importHar(parseHar(text));
    const want = [...captured.store].map(asSaved);
    assert.equal(imported.frames.length, want.length);
    imported.frames.forEach((f, i) => {
      assert.deepEqual(
        [f.dir, f.kind, f.raw, f.session],
        [want[i].dir, want[i].kind, want[i].raw, want[i].session],
        `frame ${i}`,
      );
      // A HAR has no byte counts: they are the data's, which for the redacted <auth> is shorter.
      if (!f.raw.includes(REDACTED)) assert.equal(f.bytes, want[i].bytes, `frame ${i} bytes`);
      assert.ok(Math.abs(f.t - want[i].t) < 0.001, `frame ${i} time`);
    });
  });

  describe('--save on the capturing commands (the built CLI)', () => {
    before(function () {
      this.timeout(120_000);
      execFileSync(process.execPath, ['esbuild.js'], { cwd: ROOT, stdio: 'inherit' });
    });

    it('finesse-frames proxy --save writes every proxied frame, SASL redacted', async () => {
      const file = join(dir, 'proxy-save.finesse-session');
      const run = cli(['proxy', '--target', prosody.wsUrl, '--save', file]);
      const { listening } = (await run.until((l) => 'listening' in l)) as { listening: string };
      const client = await startClient({ service: listening, username: USER, password: PASSWORD, resource: 'saved' });
      const { all } = collectUpdates(client, 1);
      await subscribe(client, nodes.user(USER));
      await publisher.publish(nodes.user(USER), userUpdate(agent, 'WORK', { requestId: 'req-save' }));
      await all;
      await client.stop();
      await run.until((l) => l.kind === 'closeframe' && l.dir === 'in');
      run.proc.kill('SIGTERM');
      assert.equal(await run.exit, 0);
      assert.match(run.stderr(), /saved \d+ frames to .*proxy-save\.finesse-session/);
      const text = readFileSync(file, 'utf8');
      assert.ok(!text.includes(PASSWORD) && !text.includes(plainPayload(USER, PASSWORD)));
      const read = await readSessionFile(file);
      assert.deepEqual(read.errors, []);
      assert.equal(read.truncated, false);
      assert.equal(read.header.target, `${prosody.wsUrl}`);
      assert.ok(read.frames.some((f) => f.raw.includes('[redacted]</auth>')));
      const states = read.frames
        .map((f) => parseXml(f.raw))
        .flatMap((p) => (p.ok ? [decodeUpdate(p.element)?.state] : []))
        .filter(Boolean);
      assert.deepEqual(states, ['WORK']);
    });

    it('finesse-frames connect --save writes the own session; the password is nowhere in the file', async () => {
      const file = join(dir, 'connect-save.finesse-session');
      const run = cli(['connect', '--url', prosody.wsUrl, '--domain', 'finesse.test', '--user', USER, '--save', file], {
        FINESSE_PASSWORD: PASSWORD,
      });
      // The server's echo of the initial presence: the login is done.
      await run.until((l) => l.dir === 'in' && typeof l.raw === 'string' && l.raw.startsWith('<presence'));
      await publisher.publish(nodes.user(USER), userUpdate(agent, 'READY', { requestId: 'req-connect' }));
      await run.until((l) => (l.finesse as { state?: string } | undefined)?.state === 'READY');
      run.proc.kill('SIGTERM');
      assert.equal(await run.exit, 0);
      const text = readFileSync(file, 'utf8');
      assert.ok(!text.includes(PASSWORD) && !text.includes(plainPayload(USER, PASSWORD)));
      const read = await readSessionFile(file);
      assert.deepEqual(read.errors, []);
      assert.equal(read.truncated, false);
      assert.ok(read.frames.some((f) => f.raw.includes('[redacted]</auth>')));
      assert.ok(
        read.frames.some((f) => f.kind === 'close' && f.dir === 'out'),
        'the clean stop is in the file',
      );
    });

    it('refuses an unwritable --save path before connecting (exit 2)', async () => {
      const run = cli([
        'proxy',
        '--target',
        prosody.wsUrl,
        '--save',
        join(dir, 'no', 'such', 'dir', 'x.finesse-session'),
      ]);
      assert.equal(await run.exit, 2);
      assert.match(run.stderr(), /--save: cannot write .*ENOENT/);
    });
  });
});
