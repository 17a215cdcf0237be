// The CLI's contract for honest mistakes, run as a user runs it: usage errors exit 2 with one
// line in the CLI's own words (never Node's), hints for the usual wrong URLs, --save never
// overwrites without --force; and the documented demo login (agent1/agent1) saves a session
// that keeps its JIDs, says how many credentials it redacted, is private (0600), lists its
// session in the header, and replays to a real client.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { userUpdate } from '../../src/core/finesse/builders';
import { nodes } from '../../src/core/finesse/nodes';
import { readSessionFile } from '../../src/core/recording/reader';
import { plainPayload } from '../../src/core/xmpp/sasl';
import { buildCli, CliProcess, spawnCli } from '../support/cli';
import { Prosody } from '../support/prosody';
import { Publisher, startClient } from '../support/xmpp';
import { collectUpdates } from './sessionCapture';

describe('CLI contract (built CLI)', () => {
  let dir: string;
  const running: CliProcess[] = [];
  const cli = (args: string[], env: Record<string, string | undefined> = {}) => {
    const run = spawnCli(args, env);
    running.push(run);
    return run;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cli-contract-'));
    await buildCli();
  });
  after(async () => {
    for (const r of running) await r.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  describe('usage errors exit 2 with one line of our own', () => {
    const cases: [string, string[], RegExp][] = [
      [
        'a --listen port out of range',
        ['proxy', '--target', 'ws://127.0.0.1:1/ws/', '--listen', '127.0.0.1:70000'],
        /^finesse-frames: proxy: --listen: port 70000 is out of range/,
      ],
      [
        'a --listen that is not HOST:PORT',
        ['proxy', '--target', 'ws://127.0.0.1:1/ws/', '--listen', 'here'],
        /^finesse-frames: proxy: --listen expects HOST:PORT, got "here"$/,
      ],
      [
        'a missing replay file',
        ['replay', '/no/such/file.finesse-session'],
        /^finesse-frames: replay: cannot read \/no\/such\/file\.finesse-session: no such file$/,
      ],
      [
        'an unknown option',
        ['proxy', '--target', 'ws://127.0.0.1:1/ws/', '--bogus'],
        /^finesse-frames: proxy: unknown option --bogus \(try --help\)$/,
      ],
      ['an option without its value', ['proxy', '--target'], /^finesse-frames: proxy: --target needs a value$/],
      ['an unknown command', ['bogus'], /^finesse-frames: unknown command "bogus" \(try --help\)$/],
      [
        'a --guess-window that is not milliseconds',
        ['proxy', '--reverse', 'https://127.0.0.1:1', '--guess-window', '2s'],
        /^finesse-frames: proxy: --guess-window expects milliseconds from 0 \(no guesses\) to 60000, got "2s"$/,
      ],
      [
        'a --guess-window without --reverse',
        ['proxy', '--target', 'ws://127.0.0.1:1/ws/', '--guess-window', '0'],
        /^finesse-frames: proxy: --guess-window needs --reverse/,
      ],
      [
        'a --request-window of 0',
        ['proxy', '--reverse', 'https://127.0.0.1:1', '--request-window', '0'],
        /^finesse-frames: proxy: --request-window expects milliseconds from 1 to 3600000, got "0"$/,
      ],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const run = cli(args);
        assert.equal((await run.exit).code, 2);
        assert.equal(run.stderrLines.length, 1, run.stderrLines.join('\n'));
        assert.match(run.stderrLines[0], message);
        assert.doesNotMatch(run.stderrLines[0], /ERR_|ENOENT|node:|at .*\.js/);
      });
    }
  });

  describe('hints for the usual wrong URLs', () => {
    let plain: WebSocketServer;
    let port: number;
    before(async () => {
      plain = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await once(plain, 'listening');
      port = (plain.address() as { port: number }).port;
    });
    after(() => new Promise<void>((r) => plain.close(() => r())));

    it('wss:// to a plain server: exit 1, says to use ws://, no OpenSSL dump', async () => {
      const run = cli(
        ['connect', '--url', `wss://127.0.0.1:${port}/ws/`, '--domain', 'finesse.test', '--user', 'agent1'],
        { FINESSE_PASSWORD: 'agent1' },
      );
      assert.equal((await run.exit).code, 1);
      const last = run.stderrLines.at(-1) as string;
      assert.match(
        last,
        /cannot connect to wss:\/\/127\.0\.0\.1:\d+\/ws\/: the TLS handshake got a plain answer \(hint: the server does not speak TLS on that port: use ws:\/\/ instead of wss:\/\/\)$/,
      );
      assert.doesNotMatch(last, /ssl3_get_record|openssl/);
    });

    it('a URL without /ws/: a hint first', async () => {
      const run = cli(['proxy', '--target', `ws://127.0.0.1:${port}/`]);
      const hint = await run.waitForStderr(/hint/);
      assert.equal(
        hint,
        `finesse-frames: hint: ws://127.0.0.1:${port}/ has no /ws/ path; Finesse serves XMPP over WebSocket at ws://127.0.0.1:${port}/ws/`,
      );
      await run.kill();
    });
  });

  describe('--save', () => {
    it('refuses to overwrite an existing file without --force (exit 2, file untouched)', async () => {
      const file = join(dir, 'exists.finesse-session');
      writeFileSync(file, 'keep me');
      const run = cli(['proxy', '--target', 'ws://127.0.0.1:1/ws/', '--save', file]);
      assert.equal((await run.exit).code, 2);
      assert.equal(run.stderrLines[0], `finesse-frames: proxy: --save: "${file}" exists; add --force to overwrite it`);
      assert.equal(readFileSync(file, 'utf8'), 'keep me');
    });

    it('--force overwrites, and the file becomes private (0600)', async () => {
      const file = join(dir, 'forced.finesse-session');
      writeFileSync(file, 'old', { mode: 0o644 });
      const run = cli(['proxy', '--target', 'ws://127.0.0.1:1/ws/', '--save', file, '--force']);
      await run.waitFor((l) => 'listening' in l);
      assert.equal((await run.kill()).code, 0);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(JSON.parse(readFileSync(file, 'utf8').split('\n')[0]).format, 'finesse-session');
    });
  });

  describe('the demo login agent1/agent1 (real Prosody)', () => {
    let prosody: Prosody;
    let publisher: Publisher;
    before(async () => {
      prosody = await Prosody.start({ users: [{ user: 'agent1', password: 'agent1' }] });
      publisher = await Publisher.start(prosody.wsUrl);
      await publisher.createNode(nodes.user('agent1'));
      // Finesse subscribes every agent to its own feeds; our client relies on it.
      await publisher.autoSubscribe(nodes.user('agent1'), 'agent1');
    });
    after(async () => {
      await publisher?.stop();
      await prosody?.dispose();
    });

    it('saves a private, replayable session: JIDs kept, the payload redacted and counted, the session in the header', async () => {
      const file = join(dir, 'demo.finesse-session');
      const run = cli(
        [
          'connect',
          '--url',
          prosody.wsUrl,
          '--domain',
          'finesse.test',
          '--user',
          'agent1',
          '--resource',
          'saved',
          '--save',
          file,
        ],
        { FINESSE_PASSWORD: 'agent1' },
      );
      await run.waitForStderr(/connected as agent1@finesse\.test\/saved/);
      await publisher.publish(
        nodes.user('agent1'),
        userUpdate({ id: 'agent1', loginName: 'agent1' }, 'READY', { requestId: 'demo-1' }),
      );
      await run.waitFor((l) => l.finesse?.requestId === 'demo-1', 'the Update');
      assert.equal((await run.kill()).code, 0);
      assert.match(
        run.stderrLines.at(-1) as string,
        /^finesse-frames: saved \d+ frames to .*demo\.finesse-session \(1 credential redacted\)$/,
      );

      assert.equal(statSync(file).mode & 0o777, 0o600);
      const text = readFileSync(file, 'utf8');
      assert.ok(!text.includes(plainPayload('agent1', 'agent1')));
      assert.ok(text.includes('agent1@finesse.test/saved'), 'the bound JID is kept');
      assert.ok(text.includes('/finesse/api/User/agent1'), 'the node is kept');
      const read = await readSessionFile(file);
      assert.deepEqual(read.errors, []);
      assert.equal(read.header.sessions.length, 1, 'the header lists the saved session');
      assert.equal(read.header.sessions[0].id, read.frames[0].session);

      const replay = cli(['replay', file, '--speed', '0', '--once']);
      const { listening } = await replay.waitFor((l) => 'listening' in l);
      const client = await startClient({
        service: listening,
        username: 'agent1',
        password: 'anything',
        resource: 'again',
      });
      // The recorded client never subscribed (the server's own feeds): the Update comes anyway.
      const { all } = collectUpdates(client, 1);
      const [update] = await all;
      assert.equal(update.state, 'READY');
      assert.equal(update.requestId, 'demo-1');
      await client.stop();
      assert.equal((await replay.exit).code, 0);
    });
  });
});
