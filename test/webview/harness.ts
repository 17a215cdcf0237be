/**
 * The frames webview in real headless Chromium, with a test page standing in for VS Code:
 *  - a tiny HTTP server (port 0) serves the real panel HTML (src/vscode/panel/html.ts, with its
 *    CSP and nonce), the built bundle dist/webview.js and media/panel.css, plus a stylesheet of
 *    Dark Modern theme variables like the ones VS Code injects;
 *  - `acquireVsCodeApi()` is defined before the page's script runs; its postMessage goes to the
 *    REAL host controller (FramesHost over a real FrameStore) in this Node process, whose
 *    answers are delivered to the page as `message` events, as VS Code does.
 * Nothing of the panel is mocked: only VS Code's transport of messages is replaced.
 */
import { createServer, Server } from 'node:http';
import { readFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import type { FrameStore } from '../../src/core/capture/frameStore';
import type { Frame } from '../../src/core/capture/frame';
import { FramesHost, FramesHostOptions } from '../../src/vscode/panel/framesHost';
import { makeNonce, panelHtml } from '../../src/vscode/panel/html';
import type { FromWebview, ToWebview } from '../../src/protocol/messages';

const ROOT = join(__dirname, '..', '..');

export interface PanelPage {
  page: Page;
  host: FramesHost;
  store: FrameStore;
  /** Every message the webview posted, in order. */
  fromWebview: FromWebview[];
  /** Every message the host posted, in order. */
  toWebview: ToWebview[];
  /** Text the host put on the "clipboard". */
  copied: string[];
  /** Frames the host reported as selected (Stanza tree input). */
  selected: (Frame | undefined)[];
  /** CSP violations the page reported. */
  cspViolations(): Promise<string[]>;
  /**
   * Resolves once the host has posted a message matching `pred` (now or later) AND the page has
   * handled it: host messages are dispatched synchronously inside page.evaluate, in order.
   */
  delivered(pred: (m: ToWebview) => boolean): Promise<ToWebview>;
  /** Resolves when the webview posts a matching message (after the host handled it). */
  received(pred: (m: FromWebview) => boolean): Promise<FromWebview>;
  /** Resolves once everything the host posted so far has been handled by the page. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions extends Partial<
  Pick<FramesHostOptions, 'readOnly' | 'actions' | 'toolbar' | 'noticeMs' | 'columns'>
> {
  viewport?: { width: number; height: number };
  /** Apply the Dark Modern theme variables (default true). */
  theme?: boolean;
  /** Runs once the host exists and before the page loads (its webview not ready yet). */
  beforeLoad?(host: FramesHost): void;
}

/**
 * Runs in the page before its own script: VS Code's `acquireVsCodeApi` (once per page, state kept
 * across reloads like VS Code's getState) and a CSP violation recorder. A string, not a function:
 * tsx's helpers do not exist inside the page.
 */
const STAND_IN_SCRIPT = `
(() => {
  const violations = [];
  window.__cspViolations = violations;
  document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
  let state = JSON.parse(sessionStorage.getItem('fx-state') || 'null');
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return {
      postMessage: (m) => window.__fxToHost(m),
      getState: () => state,
      setState: (s) => { state = s; sessionStorage.setItem('fx-state', JSON.stringify(s)); },
    };
  };
})();
`;

/** The tests load the built bundle: refuse to test an old one. */
function assertBundleFresh(bundle: string): void {
  if (!existsSync(bundle)) throw new Error('dist/webview.js is missing: run `npm run build` first');
  const built = statSync(bundle).mtimeMs;
  const newer = [join(ROOT, 'webview-ui', 'src'), join(ROOT, 'src', 'protocol')]
    .flatMap((dir) =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name)),
    )
    .filter((f) => statSync(f).mtimeMs > built);
  if (newer.length) throw new Error(`dist/webview.js is older than ${newer[0]}: run \`npm run build\` first`);
}

export class WebviewHarness {
  private constructor(
    readonly browser: Browser,
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<WebviewHarness> {
    const bundle = join(ROOT, 'dist', 'webview.js');
    assertBundleFresh(bundle);
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const origin = `http://${req.headers.host}`;
      const send = (type: string, body: string | Buffer) => {
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      };
      if (url.pathname === '/' || url.pathname === '/panel.html') {
        let html = panelHtml({
          cspSource: origin,
          nonce: makeNonce(),
          scriptUri: `${origin}/dist/webview.js`,
          styleUri: `${origin}/media/panel.css`,
        });
        if (url.searchParams.get('theme') !== 'none')
          html = html.replace('</head>', `<link rel="stylesheet" href="${origin}/theme.css">\n</head>`);
        return send('text/html; charset=utf-8', html);
      }
      if (url.pathname === '/dist/webview.js') return send('text/javascript', readFileSync(bundle));
      if (url.pathname === '/media/panel.css') return send('text/css', readFileSync(join(ROOT, 'media', 'panel.css')));
      if (url.pathname === '/theme.css')
        return send('text/css', readFileSync(join(__dirname, 'theme-dark-modern.css')));
      if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const browser = await launchChromium();
    return new WebviewHarness(browser, server, `http://127.0.0.1:${port}`);
  }

  /** Opens the panel over `store` in a fresh browser context; resolves once the page has loaded. */
  async open(store: FrameStore, opts: OpenOptions = {}): Promise<PanelPage> {
    const context: BrowserContext = await this.browser.newContext({
      viewport: opts.viewport ?? { width: 1200, height: 800 },
    });
    const page = await context.newPage();
    const fromWebview: FromWebview[] = [];
    const toWebview: ToWebview[] = [];
    const copied: string[] = [];
    const selected: (Frame | undefined)[] = [];
    let open = true;
    let lastDelivery: Promise<unknown> = Promise.resolve();
    const waiters: { pred: (m: ToWebview) => boolean; resolve: (m: ToWebview) => void }[] = [];
    const deliveredMessages: ToWebview[] = [];
    const host = new FramesHost(store, {
      readOnly: opts.readOnly,
      actions: opts.actions,
      toolbar: opts.toolbar,
      noticeMs: opts.noticeMs,
      columns: opts.columns,
      post: (m) => {
        toWebview.push(m);
        if (!open) return;
        // VS Code delivers host messages as window `message` events; dispatching one inside the
        // evaluate makes "evaluate resolved" mean "the webview handled it".
        lastDelivery = page
          .evaluate((msg) => window.dispatchEvent(new MessageEvent('message', { data: msg })), m as never)
          .catch(() => undefined)
          .then(() => {
            deliveredMessages.push(m);
            for (const w of waiters.splice(0)) {
              if (w.pred(m)) w.resolve(m);
              else waiters.push(w);
            }
          });
      },
      copy: (text) => copied.push(text),
      onSelect: (f) => selected.push(f),
      onError: (e) => console.error('host error', e),
    });
    const receivers: { pred: (m: FromWebview) => boolean; resolve: (m: FromWebview) => void }[] = [];
    await page.exposeBinding('__fxToHost', (_source, m: FromWebview) => {
      fromWebview.push(m);
      host.receive(m);
      for (const r of receivers.splice(0)) {
        if (r.pred(m)) r.resolve(m);
        else receivers.push(r);
      }
    });
    await page.addInitScript({ content: STAND_IN_SCRIPT });
    opts.beforeLoad?.(host);
    await page.goto(`${this.origin}/${opts.theme === false ? '?theme=none' : ''}`);
    return {
      page,
      host,
      store,
      fromWebview,
      toWebview,
      copied,
      selected,
      cspViolations: () => page.evaluate('window.__cspViolations') as Promise<string[]>,
      delivered: (pred) => {
        const done = deliveredMessages.find(pred);
        if (done) return Promise.resolve(done);
        return new Promise((resolve) => waiters.push({ pred, resolve }));
      },
      received: (pred) => new Promise((resolve) => receivers.push({ pred, resolve })),
      settled: async () => {
        let seen: Promise<unknown> | undefined;
        while (seen !== lastDelivery) {
          seen = lastDelivery;
          await seen;
        }
      },
      close: async () => {
        open = false;
        host.dispose();
        await context.close();
      },
    };
  }

  async close(): Promise<void> {
    await this.browser.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The hooks every panel suite repeats, registered in the calling describe(): one browser for the
 * suite, and the panel a test opened last closed after it (a test that reopens closes the
 * earlier one itself).
 */
export function panelSuite(): {
  readonly harness: WebviewHarness;
  open(store: FrameStore, opts?: OpenOptions): Promise<PanelPage>;
} {
  let harness: WebviewHarness | undefined;
  let last: PanelPage | undefined;
  before(async () => {
    harness = await WebviewHarness.start();
  });
  afterEach(async () => {
    await last?.close();
    last = undefined;
  });
  after(async () => {
    await harness?.close();
  });
  const started = (): WebviewHarness => {
    if (!harness) throw new Error('the panel suite has not started its browser');
    return harness;
  };
  return {
    get harness() {
      return started();
    },
    async open(store, opts) {
      last = await started().open(store, opts);
      return last;
    },
  };
}
