// Reverse mode as a gadget developer uses it: headless Chromium opens the "desktop" *through*
// our HTTPS listener (trusting only our certificate's public key), signs in, and the desktop's
// own WebSocket — or BOSH long-polls — to location.host land in our store, with real Prosody
// behind the desktop server and an independent publisher sending a Finesse Update.
import assert from 'node:assert/strict';
import { spawn, ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import WebSocket from 'ws';
import type { Frame } from '../../src/core/capture/frame';
import { FrameStore } from '../../src/core/capture/frameStore';
import { frameView } from '../../src/core/capture/frameView';
import { frameToJson } from '../../src/core/capture/jsonLines';
import { userUpdate } from '../../src/core/finesse/builders';
import { nodes } from '../../src/core/finesse/nodes';
import { ReverseProxy } from '../../src/core/proxy/reverse/reverseProxy';
import { listenerCertificate } from '../../src/core/proxy/reverse/cert';
import { Desktop, SESSION_COOKIE } from '../support/desktop';
import { DOMAIN, Prosody } from '../support/prosody';
import { Publisher } from '../support/xmpp';

const ROOT = join(__dirname, '..', '..');
const AGENTS = [
  { user: 'agent1', password: 'ws-Secret-1' },
  { user: 'agent2', password: 'bosh-Secret-2' },
];

/** Resolves with the first frame (already stored or yet to come) that matches. */
function frameWhere(store: FrameStore, match: (f: Frame) => boolean): Promise<Frame> {
  for (const f of store) if (match(f)) return Promise.resolve(f);
  return new Promise((resolve) => {
    const onAppend = (frames: Frame[]) => {
      const hit = frames.find(match);
      if (hit) {
        store.off('append', onAppend);
        resolve(hit);
      }
    };
    store.on('append', onAppend);
  });
}

function stanzaName(f: Frame): string | undefined {
  return frameView(f).element?.name;
}

function sessionFrames(store: FrameStore, session: string): Frame[] {
  return [...store].filter((f) => f.session === session);
}

describe('reverse mode: the desktop loaded through the proxy', () => {
  let prosody: Prosody;
  let desktop: Desktop;
  let publisher: Publisher;
  let store: FrameStore;
  let proxy: ReverseProxy;
  let url: string;
  let certDir: string;
  let browser: Browser;
  let context: BrowserContext;

  before(async () => {
    prosody = await Prosody.start({ users: AGENTS, bosh: true });
    desktop = await Desktop.start(prosody);
    publisher = await Publisher.start(prosody.wsUrl);
    for (const a of AGENTS) await publisher.createNode(nodes.user(a.user));
    certDir = mkdtempSync(join(tmpdir(), 'reverse-cert-'));
    store = new FrameStore();
    // The desktop is addressed as https://localhost:PORT; we listen on 127.0.0.1, so every
    // host-bearing header really has to be rewritten for the pages to work.
    proxy = new ReverseProxy(store, { upstream: desktop.url, certDir, trust: { caFile: desktop.certFile } });
    url = await proxy.listen();
    // Trust exactly our listener's key, nothing else (no blanket ignoreHTTPSErrors).
    browser = await launchChromium([`--ignore-certificate-errors-spki-list=${proxy.certificate!.spkiSha256}`]);
    context = await browser.newContext();
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await proxy?.close();
    await publisher?.stop();
    await desktop?.close();
    await prosody?.dispose();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  async function signIn(page: Page, agent: { user: string; password: string }): Promise<void> {
    await page.fill('#user', agent.user);
    await page.fill('#password', agent.password);
    await page.click('#signin');
    await page
      .locator('#log li', { hasText: /^(subscribed|auth-failed|subscribe-failed|closed|bosh error)/ })
      .first()
      .waitFor();
    const log = await page.locator('#log li').allTextContents();
    assert.ok(log.includes('subscribed'), `login did not finish: ${log.join(', ')}`);
  }

  it('follows the login redirect to our host, keeps the cookie, and captures the WebSocket desktop', async () => {
    const page = await context.newPage();
    // The desktop server redirects to https://localhost:PORT/desktop/ with Domain=localhost:
    // both must be turned into our host or the browser leaves the proxy / drops the cookie.
    await page.goto(`${url}login`);
    assert.equal(page.url(), `${url}desktop/`);
    assert.match(await page.evaluate(() => document.cookie), new RegExp(`${SESSION_COOKIE}=s3ss10n`));

    const session = new Promise<string>((resolve) => proxy.once('session', (s) => resolve(s.id)));
    await signIn(page, AGENTS[0]);
    const id = await session;

    await publisher.publish(
      nodes.user('agent1'),
      userUpdate({ id: 'agent1', loginName: 'agent1' }, 'READY', { requestId: 'rev-ws-1' }),
    );
    await page.locator('#log li', { hasText: 'update READY' }).waitFor();
    const update = await frameWhere(
      store,
      (f) => f.session === id && f.dir === 'in' && frameView(f).finesse?.requestId === 'rev-ws-1',
    );
    assert.equal(frameView(update).finesse?.state, 'READY');
    assert.equal(frameView(update).finesse?.node, '/finesse/api/User/agent1');

    const frames = sessionFrames(store, id);
    const out = frames.filter((f) => f.dir === 'out');
    assert.equal(out[0].kind, 'open');
    assert.match(out[0].raw, new RegExp(`to="${DOMAIN}"`));
    const auth = out.find((f) => stanzaName(f) === 'auth');
    assert.ok(auth, 'auth captured');
    assert.doesNotMatch(
      JSON.stringify(frameToJson(auth)),
      new RegExp(Buffer.from(`\0agent1\0${AGENTS[0].password}`).toString('base64')),
    );
    assert.match(frameToJson(auth).raw, /\[redacted\]/);
    assert.ok(frames.some((f) => f.dir === 'in' && stanzaName(f) === 'success'));
    const bound = frames.find((f) => f.dir === 'in' && f.raw.includes('<jid>'));
    assert.match(bound?.raw ?? '', /agent1@finesse\.test\/desktop/);
    assert.ok(out.some((f) => stanzaName(f) === 'presence'));
    assert.ok(out.some((f) => stanzaName(f) === 'iq' && f.raw.includes('<subscribe node="/finesse/api/User/agent1"')));
    // Same order on the wire as in the store: open → auth → (restart) open → bind → presence → subscribe.
    const order = out.map((f) =>
      f.kind === 'open'
        ? 'open'
        : f.raw.includes('<bind')
          ? 'bind'
          : f.raw.includes('<subscribe')
            ? 'subscribe'
            : stanzaName(f),
    );
    assert.deepEqual(order, ['open', 'auth', 'open', 'bind', 'presence', 'subscribe']);
    await page.close();
  });

  it('captures the BOSH desktop: each <body> stanza is a frame of one session per sid', async () => {
    const page = await context.newPage();
    await page.goto(`${url}desktop/bosh.html`);
    const session = new Promise<string>((resolve) => proxy.once('session', (s) => resolve(s.id)));
    await signIn(page, AGENTS[1]);
    const id = await session;
    assert.match(id, /^bosh-/);

    await publisher.publish(
      nodes.user('agent2'),
      userUpdate({ id: 'agent2', loginName: 'agent2' }, 'NOT_READY', { requestId: 'rev-bosh-1' }),
    );
    await page.locator('#log li', { hasText: 'update NOT_READY' }).waitFor();
    const update = await frameWhere(store, (f) => f.session === id && frameView(f).finesse?.requestId === 'rev-bosh-1');
    assert.equal(update.dir, 'in');
    assert.equal(update.kind, 'stanza');
    assert.equal(frameView(update).finesse?.state, 'NOT_READY');

    const frames = sessionFrames(store, id);
    // Opening: the creation request and its answer (with the sid) as `open` frames.
    assert.equal(frames[0].dir, 'out');
    assert.equal(frames[0].kind, 'open');
    assert.match(frames[0].raw, /^<body [^>]*\/>$/);
    const created = frames.find((f) => f.dir === 'in' && f.kind === 'open');
    assert.match(created?.raw ?? '', /sid=/);
    const out = frames.filter((f) => f.dir === 'out');
    const order = out.map((f) =>
      f.kind === 'open'
        ? 'open'
        : f.raw.includes('<bind')
          ? 'bind'
          : f.raw.includes('<subscribe')
            ? 'subscribe'
            : stanzaName(f),
    );
    assert.deepEqual(order, ['open', 'auth', 'open', 'bind', 'presence', 'subscribe']);
    const auth = out[1];
    assert.match(frameToJson(auth).raw, /\[redacted\]/);
    assert.ok(frames.some((f) => f.dir === 'in' && stanzaName(f) === 'stream:features'));
    assert.ok(frames.some((f) => f.dir === 'in' && stanzaName(f) === 'success'));
    assert.ok(frames.some((f) => f.dir === 'in' && /agent2@finesse\.test\/desktop/.test(f.raw)));
    // Idle long-polls (empty bodies) are transport, not XMPP: nothing empty is recorded.
    assert.ok(frames.every((f) => f.raw.trim() !== ''));
    for (const f of frames) assert.ok(!frameToJson(f).flags.malformed, `frame ${f.id} parses: ${f.raw}`);
    await page.close();
  });

  it('streams a 5 MB chunked download byte-identical and a large upload intact', async () => {
    const page = await context.newPage();
    await page.goto(`${url}desktop/`);
    const got = await page.evaluate(async () => {
      const res = await fetch('/big');
      const body = await res.arrayBuffer();
      const digest = await crypto.subtle.digest('SHA-256', body);
      const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
      const upload = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7) & 0xff);
      const echoed = await (await fetch('/echo-sha256', { method: 'POST', body: upload })).json();
      const local = await crypto.subtle.digest('SHA-256', upload);
      const localHex = Array.from(new Uint8Array(local), (b) => b.toString(16).padStart(2, '0')).join('');
      return { size: body.byteLength, hex, echoed, localHex };
    });
    assert.equal(got.size, desktop.bigSize);
    assert.equal(got.hex, desktop.bigSha256);
    assert.equal(got.echoed.size, 3 * 1024 * 1024);
    assert.equal(got.echoed.sha256, got.localHex);
    await page.close();
  });
});

/** `finesse-frames proxy --reverse` as a user runs it. */
describe('finesse-frames proxy --reverse', () => {
  let prosody: Prosody;
  let desktop: Desktop;
  let dir: string;

  before(async () => {
    prosody = await Prosody.start();
    desktop = await Desktop.start(prosody);
    dir = mkdtempSync(join(tmpdir(), 'reverse-cli-'));
  });
  after(async () => {
    await desktop?.close();
    await prosody?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Lines of a stream, read one at a time without losing any that arrive in between. */
  function lineReader(input: NodeJS.ReadableStream): () => Promise<string> {
    const queued: string[] = [];
    const waiting: ((line: string | undefined) => void)[] = [];
    let ended = false;
    const rl = createInterface({ input });
    rl.on('line', (line) => (waiting.length ? waiting.shift()!(line) : queued.push(line)));
    rl.on('close', () => {
      ended = true;
      for (const w of waiting.splice(0)) w(undefined);
    });
    return async () => {
      const line = queued.length
        ? queued.shift()
        : ended
          ? undefined
          : await new Promise<string | undefined>((r) => waiting.push(r));
      if (line === undefined) throw new Error('stream ended');
      return line;
    };
  }

  function cli(args: string[]): {
    proc: ChildProcessWithoutNullStreams;
    line: () => Promise<string>;
    errorLine: () => Promise<string>;
  } {
    // Run in a fresh directory (where .finesse-frames/ appears), so tsx is named by path.
    const tsx = pathToFileURL(require.resolve('tsx', { paths: [ROOT] })).href;
    const proc = spawn(process.execPath, ['--import', tsx, join(ROOT, 'src/cli.ts'), 'proxy', ...args], { cwd: dir });
    return { proc, line: lineReader(proc.stdout), errorLine: lineReader(proc.stderr) };
  }

  it('prints the https:// listen URL and the certificate fingerprint, kept in .finesse-frames/ for next time', async () => {
    const { proc, line, errorLine } = cli([
      '--reverse',
      desktop.url,
      '--listen',
      '127.0.0.1:0',
      '--ca',
      desktop.certFile,
    ]);
    try {
      const first = JSON.parse(await line());
      assert.match(first.listening, /^https:\/\/127\.0\.0\.1:\d+\/$/);
      const fpLine = await errorLine();
      const stored = listenerCertificate(join(dir, '.finesse-frames'));
      assert.equal(
        stored.created,
        false,
        'the CLI stored its certificate in .finesse-frames/ of the working directory',
      );
      assert.ok(fpLine.includes(stored.fingerprint), fpLine);
      assert.ok(fpLine.includes(`--ignore-certificate-errors-spki-list=${stored.spkiSha256}`), fpLine);

      // A raw WebSocket client through the listener, trusting exactly that certificate.
      const ws = new WebSocket(`${first.listening.replace('https', 'wss')}ws/`, 'xmpp', { ca: stored.cert });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      ws.send(`<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="${DOMAIN}" version="1.0"/>`);
      const frames: { dir: string; kind: string }[] = [];
      while (!frames.some((f) => f.dir === 'in' && f.kind === 'open')) frames.push(JSON.parse(await line()));
      assert.deepEqual(frames[0], { ...frames[0], dir: 'out', kind: 'open' });
      ws.close();

      // And plain HTTP through the same listener.
      const body = await new Promise<string>((resolve, reject) =>
        https
          .get(`${first.listening}desktop/`, { ca: stored.cert }, (res) => {
            let text = '';
            res
              .setEncoding('utf8')
              .on('data', (d) => (text += d))
              .on('end', () => resolve(text));
          })
          .on('error', reject),
      );
      assert.match(body, /WebSocket desktop/);
    } finally {
      proc.kill('SIGINT');
    }
    const [code] = await new Promise<[number | null]>((resolve) => proc.once('exit', (c) => resolve([c])));
    assert.equal(code, 0);
  });

  it('refuses --reverse together with --target (exit 2)', async () => {
    const { proc, errorLine } = cli(['--reverse', desktop.url, '--target', 'ws://127.0.0.1:1/ws/']);
    const line = await errorLine();
    assert.match(line, /--reverse/);
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    assert.equal(code, 2);
  });
});
