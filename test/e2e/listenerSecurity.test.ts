// The CLI's listeners as a user starts them: a cross-site browser page is refused (403), a
// loopback page gets in, and a listener on every interface says so on stderr with the address
// it actually bound.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { buildCli, CliProcess, ROOT, spawnCli } from '../support/cli';
import { handshake } from '../support/handshake';
import { join } from 'node:path';

describe('CLI listeners: origin check and wide-listen warning', () => {
  let upstream: WebSocketServer;
  let target: string;
  const running: CliProcess[] = [];
  const cli = (args: string[]) => {
    const run = spawnCli(args);
    running.push(run);
    return run;
  };

  before(async () => {
    await buildCli();
    upstream = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'xmpp' });
    await once(upstream, 'listening');
    target = `ws://127.0.0.1:${(upstream.address() as { port: number }).port}/ws/`;
  });
  after(async () => {
    for (const r of running) await r.kill('SIGKILL');
    upstream.clients.forEach((c) => c.terminate());
    await new Promise((r) => upstream.close(r));
  });

  it('proxy: refuses a cross-site page, lets a loopback page and an --allow-origin page in', async () => {
    const run = cli(['proxy', '--target', target, '--allow-origin', 'https://gadgets.example.org']);
    const { listening } = await run.waitFor((l) => 'listening' in l);
    assert.match(
      await handshake(listening, 'https://evil.example'),
      /^403 finesse-frames: cross-site Origin "https:\/\/evil\.example" refused/,
    );
    assert.equal(await handshake(listening, 'http://localhost:3000'), 'open');
    assert.equal(await handshake(listening, 'https://gadgets.example.org'), 'open');
    await run.kill();
  });

  it('replay: refuses a cross-site page, lets a loopback page in', async () => {
    const run = cli(['replay', join(ROOT, 'test/fixtures/v0.finesse-session'), '--speed', '0']);
    const { listening } = await run.waitFor((l) => 'listening' in l);
    assert.match(await handshake(listening, 'https://evil.example'), /^403 /);
    assert.equal(await handshake(listening, 'http://127.0.0.1:1234'), 'open');
    await run.kill();
  });

  it('--listen 0.0.0.0 warns that the network can connect and prints the address bound', async () => {
    const run = cli(['proxy', '--target', target, '--listen', '0.0.0.0:0']);
    const { listening } = await run.waitFor((l) => 'listening' in l);
    assert.match(listening, /^ws:\/\/0\.0\.0\.0:\d+\/ws\/$/);
    const port = new URL(listening).port;
    const warning = await run.waitForStderr(/warning/);
    assert.equal(
      warning,
      `finesse-frames: warning: listening on 0.0.0.0:${port}, every network interface: other computers can connect (--listen 127.0.0.1:${port} keeps it local)`,
    );
    await run.kill();
  });

  it('--listen 127.0.0.1 gives no warning', async () => {
    const run = cli(['proxy', '--target', target, '--listen', '127.0.0.1:0']);
    await run.waitFor((l) => 'listening' in l);
    assert.equal((await run.kill()).code, 0);
    assert.deepEqual(
      run.stderrLines.filter((l) => /warning/.test(l)),
      [],
    );
  });

  it('--allow-origin with something that is not an origin is a usage error (exit 2)', async () => {
    const run = cli(['proxy', '--target', target, '--allow-origin', 'evil']);
    assert.equal((await run.exit).code, 2);
    assert.match(run.stderrLines[0], /--allow-origin expects an origin/);
  });
});
