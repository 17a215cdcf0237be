/**
 * The timeline webview in real headless Chromium, as harness.ts does for the frames panel: a
 * port-0 HTTP server serves the real HTML (src/vscode/timeline/html.ts, strict CSP with nonce),
 * dist/timeline.js and media/timeline.css plus the Dark Modern theme variables; the page's
 * `acquireVsCodeApi().postMessage` reaches the REAL TimelineHost over a real FrameStore in this
 * process, whose messages the page receives as `message` events. Only VS Code's transport of
 * messages is replaced.
 */
import { createServer, Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import type { FrameStore } from '../../src/core/capture/frameStore';
import type { LiveSessionRegistry } from '../../src/core/capture/liveSession';
import { TimelineHost } from '../../src/vscode/timeline/timelineHost';
import { timelineHtml } from '../../src/vscode/timeline/html';
import type { FromTimeline, ToTimeline } from '../../src/protocol/timeline';

const ROOT = join(__dirname, '..', '..');

const STAND_IN_SCRIPT = `
(() => {
  const violations = [];
  window.__cspViolations = violations;
  document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__tlToHost(m), getState: () => window.__tlState ?? null, setState: (s) => { window.__tlState = s; } });
})();
`;

export interface TimelinePage {
  page: Page;
  host: TimelineHost;
  selected: number[];
  /** Resolves with the next frame the page selects (its message crosses to the host later). */
  nextSelect(): Promise<number>;
  toWebview: ToTimeline[];
  /** Resolves once the host posted a matching message and the page handled it. */
  delivered(pred: (m: ToTimeline) => boolean): Promise<ToTimeline>;
  cspViolations(): Promise<string[]>;
  close(): Promise<void>;
}

export class TimelineHarness {
  private constructor(
    readonly browser: Browser,
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<TimelineHarness> {
    const bundle = join(ROOT, 'dist', 'timeline.js');
    if (!existsSync(bundle)) throw new Error('dist/timeline.js is missing: run `npm run build` first');
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const origin = `http://${req.headers.host}`;
      const send = (type: string, body: string | Buffer) => {
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      };
      if (url.pathname === '/') {
        const html = timelineHtml({
          cspSource: origin,
          scriptUri: `${origin}/dist/timeline.js`,
          styleUri: `${origin}/media/timeline.css`,
        });
        return send(
          'text/html; charset=utf-8',
          html.replace('</head>', `<link rel="stylesheet" href="${origin}/theme.css">\n</head>`),
        );
      }
      if (url.pathname === '/dist/timeline.js') return send('text/javascript', readFileSync(bundle));
      if (url.pathname === '/media/timeline.css')
        return send('text/css', readFileSync(join(ROOT, 'media', 'timeline.css')));
      if (url.pathname === '/theme.css')
        return send('text/css', readFileSync(join(__dirname, 'theme-dark-modern.css')));
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const browser = await launchChromium();
    return new TimelineHarness(browser, server, `http://127.0.0.1:${port}`);
  }

  /**
   * `now` is the host's clock: every test gives its own, set relative to its frames, so nothing
   * depends on the date it runs. `connections` makes the store the live capture's.
   */
  async open(
    store: FrameStore,
    opts: {
      now: () => number;
      connections?: LiveSessionRegistry;
      title?: string;
      viewport?: { width: number; height: number };
      /** The page's locale and time zone (Intl's defaults), so what a clock reads is fixed. */
      locale?: string;
      timezoneId?: string;
      noticeMs?: number;
      tickMs?: number;
    },
  ): Promise<TimelinePage> {
    const context = await this.browser.newContext({
      viewport: opts.viewport ?? { width: 1200, height: 400 },
      locale: opts.locale,
      timezoneId: opts.timezoneId,
    });
    const page = await context.newPage();
    const selected: number[] = [];
    const selectWaiters: ((id: number) => void)[] = [];
    const toWebview: ToTimeline[] = [];
    const handled: ToTimeline[] = [];
    const waiters: { pred: (m: ToTimeline) => boolean; resolve: (m: ToTimeline) => void }[] = [];
    let open = true;
    const host = new TimelineHost(store, {
      now: opts.now,
      connections: opts.connections,
      title: opts.title,
      noticeMs: opts.noticeMs ?? 20,
      tickMs: opts.tickMs,
      onSelect: (id) => {
        selected.push(id);
        for (const w of selectWaiters.splice(0)) w(id);
      },
      post: (m) => {
        toWebview.push(m);
        if (!open) return;
        void page
          .evaluate((msg) => window.dispatchEvent(new MessageEvent('message', { data: msg })), m as never)
          .catch(() => undefined)
          .then(() => {
            handled.push(m);
            for (const w of waiters.splice(0)) {
              if (w.pred(m)) w.resolve(m);
              else waiters.push(w);
            }
          });
      },
    });
    await page.exposeBinding('__tlToHost', (_source, m: FromTimeline) => host.receive(m));
    await page.addInitScript({ content: STAND_IN_SCRIPT });
    await page.goto(`${this.origin}/`);
    return {
      page,
      host,
      selected,
      nextSelect: () => new Promise((resolve) => selectWaiters.push(resolve)),
      toWebview,
      delivered: (pred) => {
        const done = handled.find(pred);
        if (done) return Promise.resolve(done);
        return new Promise((resolve) => waiters.push({ pred, resolve }));
      },
      cspViolations: () => page.evaluate('window.__cspViolations') as Promise<string[]>,
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
