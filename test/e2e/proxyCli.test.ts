// `finesse-frames proxy` run as a user runs it (node dist/cli.js, built with esbuild.js), with a
// real client through it to real Prosody: the listening line first, one JSON line per frame,
// SASL redacted, Finesse Updates decoded, a clean exit 0 on SIGINT; usage errors exit 2.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { userUpdate } from '../../src/core/finesse/builders';
import { nodes } from '../../src/core/finesse/nodes';
import { buildCli, CliProcess, JsonLine, spawnCli } from '../support/cli';
import { Prosody } from '../support/prosody';
import { Publisher, startClient, subscribe } from '../support/xmpp';

describe('finesse-frames proxy (built CLI)', () => {
  let prosody: Prosody;
  let publisher: Publisher;
  const running: CliProcess[] = [];

  function proxyCli(args: string[]): CliProcess {
    const run = spawnCli(['proxy', ...args]);
    running.push(run);
    return run;
  }

  before(async () => {
    await buildCli();
    prosody = await Prosody.start({ users: [{ user: 'agent1', password: 'agent1-pw' }] });
    publisher = await Publisher.start(prosody.wsUrl);
    await publisher.createNode(nodes.user('agent1'));
  });
  after(async () => {
    for (const r of running) await r.kill('SIGKILL');
    await publisher?.stop();
    await prosody?.dispose();
  });

  it('prints the listening line first, then every frame of a real login and Update; SIGINT exits 0', async () => {
    const run = proxyCli(['--listen', '127.0.0.1:0', '--target', prosody.wsUrl]);
    const first = await run.waitFor(() => true, 'the first line');
    assert.match(run.stdout.raw[0], /^\{"listening":"ws:\/\/127\.0\.0\.1:\d+\/ws\/"\}$/);
    const url = first.listening as string;

    const agent = await startClient({ service: url, username: 'agent1', password: 'agent1-pw', resource: 'desktop' });
    await subscribe(agent, nodes.user('agent1'));
    await publisher.publish(
      nodes.user('agent1'),
      userUpdate({ id: 'agent1', loginName: 'agent1' }, 'TALKING', { requestId: 'cli-1' }),
    );
    const update = await run.waitFor((l) => l.finesse?.requestId === 'cli-1', 'the Update line');
    assert.deepEqual(update.finesse, {
      node: '/finesse/api/User/agent1',
      event: 'PUT',
      requestId: 'cli-1',
      source: '/finesse/api/User/agent1',
      kind: 'user',
      state: 'TALKING',
    });
    assert.equal(update.dir, 'in');
    assert.equal(update.kind, 'stanza');

    const lines = run.lines().slice(1);
    for (const l of lines) {
      assert.deepEqual(
        Object.keys(l).slice(0, 8),
        ['id', 'session', 'dir', 't', 'kind', 'raw', 'bytes', 'flags'],
        JSON.stringify(l),
      );
    }
    assert.equal(lines[0].kind, 'open');
    assert.equal(lines[0].dir, 'out');
    assert.equal(new Set(lines.map((l) => l.session)).size, 1);
    const auth = lines.find((l) => String(l.raw).startsWith('<auth')) as JsonLine;
    assert.ok(auth, 'the SASL frame is printed');
    const secret = Buffer.from('\0agent1\0agent1-pw').toString('base64');
    assert.ok(!run.stdout.raw.some((l) => l.includes(secret) || l.includes('agent1-pw')), 'credentials never printed');

    const mark = run.stdout.mark;
    const exit = run.kill('SIGINT');
    const agentGone = once(agent, 'disconnect');
    assert.deepEqual(await exit, { code: 0, signal: null });
    const closing = run.lines().slice(mark);
    assert.ok(
      closing.some((l) => l.kind === 'closeframe' && l.raw === '1001 proxy closing' && l.flags.injected === true),
      'the proxy closed the client cleanly',
    );
    assert.deepEqual(run.stderrLines, []);
    await agentGone;
    await agent.stop().catch(() => undefined);
  });

  it('an unreachable target: the client gets 502, one line on stderr, the proxy keeps listening', async () => {
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const run = proxyCli(['--target', `ws://127.0.0.1:${deadPort}/ws/`]);
    const { listening } = await run.waitFor((l) => 'listening' in l);
    for (let i = 0; i < 2; i++) {
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(listening, ['xmpp']);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => resolve(-1));
      });
      assert.equal(status, 502);
    }
    const err = await run.waitForStderr(/^finesse-frames: proxy: connect ECONNREFUSED/);
    assert.match(err, new RegExp(`127\\.0\\.0\\.1:${deadPort}`));
    assert.deepEqual(await run.kill('SIGTERM'), { code: 0, signal: null });
  });

  for (const [args, message] of [
    [[], /--target URL is required/],
    [['--target', 'http://example.com/'], /must be ws:\/\/ or wss:\/\//],
    [['--target', 'ws://x/ws/', '--capacity', 'lots'], /--capacity expects a positive whole number/],
    [['--target', 'wss://x/ws/', '--fingerprint', 'AB:CD'], /--fingerprint: A SHA-256 fingerprint has 64 hex digits/],
    [['--target', 'wss://x/ws/', '--ca', '/nonexistent/ca.pem'], /--ca: cannot read/],
    [['--target', 'ws://x/ws/', '--listen', 'nowhere'], /--listen expects HOST:PORT/],
    [['--target', 'ws://x/ws/', '--bogus'], /unknown option --bogus \(try --help\)/],
  ] as [string[], RegExp][]) {
    it(`usage error (${args.join(' ') || 'no arguments'}): exit 2, one line on stderr, nothing on stdout`, async () => {
      const run = proxyCli(args);
      assert.deepEqual(await run.exit, { code: 2, signal: null });
      assert.equal(run.stderrLines.length, 1);
      assert.match(run.stderrLines[0], message);
      assert.deepEqual(run.stdout.raw, []);
    });
  }

  it('a port already in use: exit 1 naming it', async () => {
    const busy = createServer().listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const port = (busy.address() as AddressInfo).port;
    try {
      const run = proxyCli(['--listen', `127.0.0.1:${port}`, '--target', prosody.wsUrl]);
      assert.deepEqual(await run.exit, { code: 1, signal: null });
      assert.match(run.stderrLines.join('\n'), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    } finally {
      busy.close();
    }
  });
});
