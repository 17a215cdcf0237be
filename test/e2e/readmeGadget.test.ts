// The README's gadget example, as a developer copies it: taken from README.md, served from a
// gadget folder by the local Finesse and run in Debian Chromium twice, straight from the local
// Finesse (http, so ws:) and through reverse mode in front of it (https, so wss:). A hard-coded
// ws:// URL on the https page is blocked as mixed content; the example's WebSocket opens on both,
// its REST call answers, and reverse mode captures the WebSocket it opened.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { FrameStore } from '../../src/core/capture/frameStore';
import { FinesseSimulator } from '../../src/core/simulator/simulator';
import { ReverseProxy } from '../../src/core/proxy/reverse/reverseProxy';

const ROOT = join(__dirname, '..', '..');

/** The README's JavaScript example that opens the gadget's WebSocket. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => /new WebSocket\(/.test(b));
  assert.ok(block, 'README.md has a ```js example that opens the WebSocket');
  return block;
}

/** What the page reports once the example ran: the socket's URL and state, the REST status. */
const REPORT = `
const opened = () => {
  socket.send('<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test" version="1.0"/>');
  window.report = { url: socket.url, opened: true, rest: user.status };
};
// The example awaits its REST call after creating the socket: it may be open already.
if (socket.readyState === WebSocket.OPEN) opened();
else socket.addEventListener('open', opened);
socket.addEventListener('error', () => (window.report = { url: socket.url, opened: false, rest: user.status }));
if (socket.readyState > WebSocket.OPEN) window.report = { url: socket.url, opened: false, rest: user.status };
`;

describe('the README gadget example over http and through reverse mode (https)', function () {
  this.timeout(60_000);
  let dir: string;
  let simulator: FinesseSimulator;
  let proxy: ReverseProxy;
  let certDir: string;
  let store: FrameStore;
  let browser: Browser;
  let local: string;
  let reverse: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'readme-gadget-'));
    writeFileSync(join(dir, 'example.js'), `${readmeExample()}\n${REPORT}`);
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><meta charset="utf-8"><title>README gadget</title><script type="module" src="example.js"></script>',
    );
    simulator = new FinesseSimulator({ serve: dir });
    const ws = await simulator.listen();
    local = ws.replace(/^ws/, 'http').replace(/\/ws\/$/, '');
    certDir = mkdtempSync(join(tmpdir(), 'readme-gadget-cert-'));
    store = new FrameStore();
    proxy = new ReverseProxy(store, { upstream: local, certDir });
    reverse = (await proxy.listen()).replace(/\/$/, '');
    // Trust exactly the listener's key (no blanket ignoreHTTPSErrors).
    browser = await launchChromium([`--ignore-certificate-errors-spki-list=${proxy.certificate!.spkiSha256}`]);
  });

  after(async () => {
    await browser?.close();
    await proxy?.close();
    await simulator?.close();
    for (const d of [dir, certDir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  async function run(origin: string): Promise<{ url: string; opened: boolean; rest: number }> {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/3rdpartygadget/files/index.html`);
      const report = await page.waitForFunction(() => (window as unknown as { report?: unknown }).report);
      return (await report.jsonValue()) as { url: string; opened: boolean; rest: number };
    } finally {
      await context.close();
    }
  }

  it('opens ws: from the local Finesse and wss: through reverse mode, where the WebSocket is captured', async () => {
    const plain = await run(local);
    assert.deepEqual(plain, { url: `${local.replace(/^http/, 'ws')}/ws/`, opened: true, rest: 200 });

    const secure = await run(reverse);
    assert.deepEqual(secure, { url: `${reverse.replace(/^https/, 'wss')}/ws/`, opened: true, rest: 200 });
    // The store is reverse mode's alone: the example's <open/> is in it, as the page sent it.
    await new Promise<void>((resolve) => {
      const has = () => [...store].some((f) => f.kind === 'open' && f.dir === 'out' && f.raw.includes('finesse.test'));
      if (has()) return resolve();
      const onAppend = () => {
        if (!has()) return;
        store.off('append', onAppend);
        resolve();
      };
      store.on('append', onAppend);
    });
  });
});
