// The CLI's listeners as a user starts them: a cross-site browser page is refused (403), a
// loopback page gets in, a Host that is not the listener's (a DNS name rebound to 127.0.0.1) is
// refused (421) on requests and upgrades alike, and a listener on every interface says so on
// stderr with the address it actually bound.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { buildCli, CliProcess, ROOT, spawnCli } from '../support/cli';
import { handshake } from '../support/handshake';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** GET `url` with the given Host header, as a page on a rebound name would send it: status and body. */
function get(url: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(`${res.statusCode} ${body.trim()}`));
    });
    req.on('error', reject);
    req.end();
  });
}

const REBOUND =
  /^421 (?:finesse-frames: )?Host "attacker\.example(?::\d+)?" is not this listener \(use localhost or 127\.0\.0\.1\)$/;

describe('CLI listeners: origin and Host checks, wide-listen warning', () => {
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

  it('proxy: refuses a Host that is not its own (421), on upgrades and plain requests', async () => {
    const run = cli(['proxy', '--target', target]);
    const { listening } = await run.waitFor((l) => 'listening' in l);
    const port = new URL(listening).port;
    assert.match(await handshake(listening, undefined, { headers: { Host: `attacker.example:${port}` } }), REBOUND);
    assert.match(await get(listening.replace(/^ws/, 'http'), 'attacker.example'), REBOUND);
    assert.equal(await handshake(listening, undefined, { headers: { Host: `localhost:${port}` } }), 'open');
    await run.kill();
  });

  it('replay: refuses a Host that is not its own (421)', async () => {
    const run = cli(['replay', join(ROOT, 'test/fixtures/v0.finesse-session'), '--speed', '0']);
    const { listening } = await run.waitFor((l) => 'listening' in l);
    const port = new URL(listening).port;
    assert.match(await handshake(listening, undefined, { headers: { Host: `attacker.example:${port}` } }), REBOUND);
    assert.match(await get(listening.replace(/^ws/, 'http'), `attacker.example:${port}`), REBOUND);
    assert.equal(await handshake(listening, undefined, { headers: { Host: `127.0.0.1:${port}` } }), 'open');
    await run.kill();
  });

  it('simulate: a rebound Host reads neither the REST API, nor the gadget folder, nor /ws/ (421)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'finesse-rebind-'));
    try {
      writeFileSync(join(dir, 'gadget.html'), '<p>the gadget</p>');
      const run = cli(['simulate', '--scenario', 'idle', '--quiet', '--serve', dir]);
      const first = await run.waitFor((l) => 'listening' in l);
      const origin = new URL(first.rest as string).origin;
      const port = new URL(origin).port;
      for (const path of ['/finesse/api/SystemInfo', '/3rdpartygadget/files/gadget.html', '/desktop/', '/'])
        assert.match(await get(`${origin}${path}`, `attacker.example:${port}`), REBOUND);
      assert.match(
        await handshake(first.listening as string, undefined, { headers: { Host: `attacker.example:${port}` } }),
        REBOUND,
      );
      // Its own names still work: localhost and the address it bound.
      assert.match(await get(`${origin}/3rdpartygadget/files/gadget.html`, `localhost:${port}`), /^200 <p>the gadget/);
      assert.match(await get(`${origin}/finesse/api/SystemInfo`, `127.0.0.1:${port}`), /^200 /);
      assert.equal(await handshake(first.listening as string), 'open');
      await run.kill();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('simulate --finesse (the gadget desktop against a lab): a rebound Host gets neither the desktop nor its hub (421)', async () => {
    const certDir = mkdtempSync(join(tmpdir(), 'finesse-rebind-cert-'));
    const dir = mkdtempSync(join(tmpdir(), 'finesse-rebind-lab-'));
    try {
      const lab = cli([
        'simulate',
        '--tls',
        '--cert-dir',
        certDir,
        '--user',
        'agent7:secret7',
        '--scenario',
        'idle',
        '--quiet',
      ]);
      const finesse = new URL((await lab.waitFor(() => true, 'the lab listening line')).rest as string).origin;
      const desk = spawnCli(
        [
          'simulate',
          '--finesse',
          finesse,
          '--user',
          'agent7',
          '--serve',
          dir,
          '--extension',
          '1001',
          '--quiet',
          '--ca',
          join(certDir, 'reverse-proxy.crt'),
        ],
        { FINESSE_PASSWORD: 'secret7' },
      );
      running.push(desk);
      const desktop = new URL((await desk.waitFor((l) => typeof l.desktop === 'string', 'the desktop line')).desktop);
      const rebound = `attacker.example:${desktop.port}`;
      assert.match(await get(desktop.href, rebound), REBOUND);
      assert.match(await get(new URL('/3rdpartygadget/files/', desktop).href, rebound), REBOUND);
      assert.match(
        await handshake(new URL('/desktop/hub', desktop).href.replace(/^http/, 'ws'), undefined, {
          headers: { Host: rebound },
        }),
        REBOUND,
      );
      assert.match(await get(desktop.href, `localhost:${desktop.port}`), /^200 /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(certDir, { recursive: true, force: true });
    }
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
