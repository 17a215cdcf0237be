// Reliability under faults: `finesse-frames proxy` in its own process (the built CLI, as users
// run it) between real clients and a real server (Prosody, or a ws server that checks every
// frame) that a test kills, stops, starves or floods. Every case checks that each frame a peer
// accepted arrived once, in order, unaltered (the clients compare every echo with what they
// sent; the server checks what it receives), that the proxy is still up and serving another
// session afterwards, and that it let go of every socket of the case (its open files return to
// what it had when it started listening). docs/RELIABILITY.md lists the matrix.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, launchChromium } from '../support/chromium';
import { readSessionFile } from '../../src/core/recording/reader';
import { buildCli, CLI, CliProcess, ROOT, spawnCli } from '../support/cli';
import { LineReader } from '../support/lines';
import { eventually, FaultServer, openFiles, rssOf, SeqClient } from '../support/faults';
import { burstFrame, seqFrame } from '../support/seqFrames';
import { Prosody } from '../support/prosody';
import { startClient, xmppModule, XmppClient } from '../support/xmpp';

const MB = 1024 * 1024;

describe('faults: the proxy under load and failure (built CLI)', function () {
  this.timeout(120_000);
  const servers: FaultServer[] = [];
  const proxies: CliProcess[] = [];

  before(() => buildCli());
  afterEach(async () => {
    for (const p of proxies.splice(0)) await p.kill('SIGKILL');
    for (const s of servers.splice(0)) await s.kill();
  });

  async function server(port = 0, pingMs = 0): Promise<FaultServer> {
    const s = await FaultServer.start(port, pingMs);
    servers.push(s);
    return s;
  }

  interface Proxy {
    run: CliProcess;
    url: string;
    pid: number;
    /** Open files once listening, before any session: what the proxy returns to after each. */
    files: number;
  }

  async function proxy(target: string, extra: string[] = ['--quiet']): Promise<Proxy> {
    const run = spawnCli(['proxy', '--target', target, ...extra]);
    proxies.push(run);
    const first = await run.waitFor(() => true, 'the listening line');
    const pid = run.proc.pid as number;
    return { run, url: first.listening as string, pid, files: openFiles(pid) };
  }

  /**
   * A fresh client through the proxy exchanges frames: the proxy survived for other sessions.
   * Then, with every client gone, its open files return to the baseline: no socket of the fault
   * or of this session is left behind (a leak fails the test by its timeout, with the count).
   */
  async function stillServes(p: Proxy, id: string): Promise<void> {
    const c = new SeqClient(p.url, id);
    await c.opened();
    c.send(200);
    await c.echoes();
    assert.equal(c.mismatches, 0);
    c.ws.close();
    await c.closed();
    await released(p);
  }

  async function released(p: Proxy): Promise<void> {
    let last = NaN;
    const timer = setTimeout(
      () => process.stderr.write(`  proxy ${p.pid}: ${last} open files, ${p.files} at start\n`),
      20_000,
    );
    try {
      await eventually(
        () => (last = openFiles(p.pid)),
        (n) => n <= p.files,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  it('upstream killed mid-stream: the client sees a close, not a hang; after a restart the proxy serves again', async () => {
    const s1 = await server();
    const p = await proxy(s1.url);
    const { url, run } = p;
    const c = new SeqClient(url, 'kill');
    await c.opened();
    const flow = c.stream(5000);
    await c.echoes(2000);
    await s1.kill('SIGKILL');
    const code = await c.closed();
    flow.stop();
    assert.equal(code, 1006, 'the end without a close frame, as a direct connection would see it');
    assert.equal(c.mismatches, 0, 'every echo before the kill was the exact frame, in order');
    assert.ok(c.echoed >= 2000);

    const s2 = await server(s1.port);
    await stillServes(p, 'after-restart');
    assert.equal((await s2.stats()).bad, 0);
    assert.equal(run.proc.exitCode, null);
  });

  it('real Prosody killed (SIGKILL) mid-conversation: the XMPP client sees its connection end; after a restart a new login works through the same proxy', async () => {
    const password = 'fault-pw-3b1d';
    const prosody = await Prosody.start({ users: [{ user: 'agent1', password }] });
    const clients: XmppClient[] = [];
    try {
      const p = await proxy(prosody.wsUrl);
      const { xml } = await xmppModule();
      /** Logs in through the proxy and sends `count` numbered messages to its own full JID. */
      const talk = async (resource: string, count: number) => {
        const client = await startClient({ service: p.url, username: 'agent1', password, resource });
        clients.push(client);
        const bodies: string[] = [];
        client.on('stanza', (st) => {
          if (st.is('message')) bodies.push(st.getChildText('body') ?? '');
        });
        const to = client.jid!.toString();
        for (let i = 0; i < count; i++)
          await client.send(xml('message', { to, type: 'chat' }, xml('body', {}, `${resource}-${i}`)));
        await eventually(
          () => bodies.length,
          (n) => n >= count,
        );
        assert.deepEqual(
          bodies,
          Array.from({ length: count }, (_, i) => `${resource}-${i}`),
          'every message came back once, in order, unaltered',
        );
        return client;
      };
      const first = await talk('before', 300);
      // No reconnecting on its own: the test wants to see the end, then log in anew.
      first.reconnect.stop();
      const ended = once(first, 'disconnect');
      await prosody.kill();
      await ended;
      await prosody.restart();
      const second = await talk('after', 100);
      await second.stop();
      await first.stop().catch(() => undefined);
      clients.length = 0;
      await released(p);
      assert.equal(p.run.proc.exitCode, null, 'the proxy is still up');
    } finally {
      for (const c of clients) await c.stop().catch(() => undefined);
      await prosody.dispose();
    }
  });

  it('upstream stopped (SIGSTOP) for 5 s under 10,000 frames/s, then continued: every frame arrives once, in order', async () => {
    const s = await server();
    const p = await proxy(s.url, ['--quiet', '--max-bytes', '16MB']);
    const { url } = p;
    const c = new SeqClient(url, 'stop');
    await c.opened();
    const flow = c.stream(10_000);
    await c.echoes(5000);
    s.proc.kill('SIGSTOP');
    // The fault itself lasts 5 s (the case under test), during which the client keeps sending.
    await new Promise((r) => setTimeout(r, 5000));
    s.proc.kill('SIGCONT');
    flow.stop();
    const sent = await flow.done;
    await c.echoes();
    assert.ok(sent >= 40_000, `sent ${sent}`);
    assert.equal(c.echoed, c.sent);
    assert.equal(c.mismatches, 0);
    const st = await s.stats();
    assert.deepEqual([st.received, st.bad], [c.sent, 0]);
    assert.equal(proxies[0].proc.exitCode, null);
    c.ws.close();
    await c.closed();
    await stillServes(p, 'after-stop');
  });

  it('a slow reader: backpressure reaches the server, the proxy holds bounded memory, nothing is dropped', async () => {
    const s = await server();
    const p = await proxy(s.url, ['--quiet', '--max-bytes', '16MB']);
    const { url, pid } = p;
    const c = new SeqClient(url, 'slow');
    await c.opened();
    const burst: string[] = [];
    c.ws.removeAllListeners('message');
    c.ws.on('message', (data) => burst.push(data.toString()));
    const rssBefore = rssOf(pid);
    // The reader stops reading; the server is asked for 96 MB.
    (c.ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
    const n = 6144;
    const size = 16 * 1024;
    c.ws.send(`<burst xmlns="urn:test" n="${n}" size="${size}"/>`);
    // The server's own queue fills up: the proxy stopped reading it.
    await s.until((st) => st.buffered > MB);
    const held = rssOf(pid) - rssBefore;
    assert.ok(held < 48 * MB, `proxy RSS grew by ${Math.round(held / MB)} MB for a reader that reads nothing`);
    (c.ws as unknown as { _socket: import('node:net').Socket })._socket.resume();
    await eventually(
      () => burst.length,
      (k) => k >= n,
    );
    assert.equal(burst.length, n);
    for (let i = 0; i < n; i++)
      if (burst[i] !== burstFrame(i, size)) assert.fail(`burst frame ${i} lost, reordered or altered`);
    c.ws.close();
    await c.closed();
    await stillServes(p, 'after-slow');
  });

  it('50 concurrent clients: each one gets its own frames back, all of them, in order', async () => {
    const s = await server();
    const p = await proxy(s.url);
    const { url } = p;
    const clients = Array.from({ length: 50 }, (_, i) => new SeqClient(url, `c${i}`));
    await Promise.all(clients.map((c) => c.opened()));
    for (const c of clients) c.send(300);
    await Promise.all(clients.map((c) => c.echoes()));
    for (const c of clients) assert.deepEqual([c.echoed, c.mismatches], [300, 0], c.id);
    const st = await s.stats();
    assert.deepEqual([st.open, st.received, st.bad], [50, 50 * 300, 0]);
    for (const c of clients) c.ws.close();
    await Promise.all(clients.map((c) => c.closed()));
    await s.until((x) => x.open === 0);
    await stillServes(p, 'after-50');
  });

  it('a 100 MB frame goes through whole, the capture keeps a truncated copy, the proxy serves on', async () => {
    const s = await server();
    const p = await proxy(s.url, []);
    const { url, run } = p;
    const c = new SeqClient(url, 'big');
    await c.opened();
    const body = 'x'.repeat(100 * 1000 * 1000 - 40);
    const big = `<message xmlns="jabber:client"><body>${body}</body></message>`;
    const echo = once(c.ws, 'message');
    c.ws.send(big);
    const [data] = (await echo) as [Buffer];
    assert.equal(data.length, Buffer.byteLength(big));
    assert.ok(data.equals(Buffer.from(big)), 'the echo is the exact frame');
    const line = await run.waitFor((l) => l.bytes === Buffer.byteLength(big) && l.dir === 'in', 'the captured echo');
    assert.equal(line.flags.truncated, true);
    assert.ok(String(line.raw).length <= 16 * MB);
    c.ws.close();
    await c.closed();
    await stillServes(p, 'after-big');
  });

  it('the byte budget holds the proxy’s memory with 20 MB frames (--max-bytes 64MB), every frame still forwarded whole', async () => {
    const s = await server();
    const p = await proxy(s.url, ['--quiet', '--max-bytes', '64MB']);
    const { url, pid } = p;
    const c = new SeqClient(url, 'budget');
    await c.opened();
    let peak = 0;
    for (let i = 0; i < 15; i++) {
      const big = `<message xmlns="jabber:client" id="b${i}"><body>${String.fromCharCode(97 + i).repeat(20 * MB)}</body></message>`;
      const echo = once(c.ws, 'message');
      c.ws.send(big);
      const [data] = (await echo) as [Buffer];
      assert.ok(data.equals(Buffer.from(big)), `frame ${i} came back whole`);
      peak = Math.max(peak, rssOf(pid));
    }
    // 15 frames × 20 MB × 2 directions is 600 MB of payload; without the budget the store kept it all.
    assert.ok(peak < 400 * MB, `proxy RSS peaked at ${Math.round(peak / MB)} MB`);
    c.ws.close();
    await c.closed();
    await stillServes(p, 'after-budget');
  });

  it('a half-open client (gone without a FIN) is reaped after the server’s ping timeout; the proxy lets go of it', async () => {
    const s = await server(0, 200);
    const p = await proxy(s.url);
    const { url, pid } = p;
    const baseline = p.files;
    const c = new SeqClient(url, 'half');
    await c.opened();
    c.send(50);
    await c.echoes();
    // The client's host vanishes: its socket neither reads (no pong, no FIN) nor closes.
    (c.ws as unknown as { _socket: import('node:net').Socket })._socket.pause();
    await s.until((st) => st.open === 0);
    // Both of the proxy's sockets for that session are closed again.
    await eventually(
      () => openFiles(pid),
      (n) => n <= baseline,
    );
    await stillServes(p, 'after-half-open');
  });

  describe('a browser client that disappears', () => {
    let page: Server;
    let pageUrl: string;
    before(async () => {
      page = createServer((_req, res) =>
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>client</title>'),
      );
      page.listen(0, '127.0.0.1');
      await once(page, 'listening');
      pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
    });
    after(() => new Promise((r) => page.close(r)));

    for (const how of ['tab closed', 'process killed'] as const) {
      it(`${how}: the server gets every frame the page sent, in order, then the end; the proxy serves on`, async () => {
        const s = await server();
        const p = await proxy(s.url);
        const { url } = p;
        const server_ =
          how === 'process killed'
            ? await chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
            : undefined;
        const browser = server_ ? await chromium.connect(server_.wsEndpoint()) : await launchChromium();
        try {
          const tab = await browser.newPage();
          await tab.goto(pageUrl);
          // The page sends numbered frames as fast as its socket takes them, forever. Given as
          // source text: the test's own functions are compiled with helpers the page lacks.
          await tab.evaluate(`new Promise((resolve) => {
            const seqFrame = ${seqFrame.toString()};
            const ws = new WebSocket(${JSON.stringify(url)}, 'xmpp');
            let seq = 0;
            ws.onopen = () => {
              resolve();
              // A batch per task: Chromium sends (and counts bufferedAmount) between tasks.
              setInterval(() => {
                if (ws.bufferedAmount < 1024 * 1024) for (let i = 0; i < 50; i++) ws.send(seqFrame('page', seq++));
              }, 1);
            };
          })`);
          await s.until((st) => st.received >= 2000);
          if (server_) server_.process().kill('SIGKILL');
          else await tab.close();
          const st = await s.until((x) => x.open === 0);
          assert.equal(st.bad, 0, 'every frame the server got was the next one, exact');
          assert.ok(st.received >= 2000);
        } finally {
          await browser.close().catch(() => undefined);
          await server_?.close().catch(() => undefined);
        }
        await stillServes(p, `after-${how.replace(' ', '-')}`);
      });
    }
  });

  it('disk full while --save streams: capture and forwarding go on, the error is said, the file so far reads', async () => {
    const s = await server();
    const dir = mkdtempSync(join(tmpdir(), 'faults-save-'));
    const file = join(dir, 'capture.finesse-session');
    try {
      // A file size limit stands in for a full disk (no root needed): writes past it fail with
      // EFBIG, as they would with ENOSPC, once SIGXFSZ is ignored.
      const q = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
      const sh = spawn(
        'sh',
        [
          '-c',
          `trap '' XFSZ; ulimit -f 256; exec ${q(process.execPath)} ${q(CLI)} proxy --target ${q(s.url)} --save ${q(file)}`,
        ],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const stdout = new LineReader(sh.stdout!, (l) => JSON.parse(l) as Record<string, unknown>);
      const stderr = new LineReader(sh.stderr!);
      const exited = once(sh, 'exit');
      try {
        const url = (await stdout.waitFor(() => true, 'the listening line')).listening as string;
        const c = new SeqClient(url, 'disk');
        await c.opened();
        // Far more than the limit lets the file hold.
        for (let i = 0; i < 10; i++) {
          c.send(500);
          await c.echoes();
        }
        const said = await stderr.waitFor((l) => /--save: writing .* failed: EFBIG/.test(l), 'the save error');
        assert.match(said, /capture goes on/);
        c.send(500);
        await c.echoes();
        assert.deepEqual([c.echoed, c.mismatches], [5500, 0], 'forwarding never depended on the file');
        // Capture goes on: the frames after the failure are still printed.
        await stdout.waitFor(
          (l) => typeof l.raw === 'string' && l.raw === seqFrame('disk', 5499) && l.dir === 'in',
          'the last echo captured',
        );
        c.ws.close();
        await c.closed();
      } finally {
        sh.kill('SIGINT');
        await exited;
      }
      assert.ok(statSync(file).size > 0);
      const read = await readSessionFile(file);
      assert.ok(read.frames.length > 100, `${read.frames.length} frames read back`);
      assert.equal(read.truncated, true, 'the file says it was cut short');
      const sent = read.frames.filter((f) => f.dir === 'out' && f.kind === 'stanza');
      sent.forEach((f, i) => assert.equal(f.raw, seqFrame('disk', i), `saved frame ${i}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
