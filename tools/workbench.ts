/**
 * The VS Code workbench in real Chromium (playwright-core, Debian's /usr/bin/chromium): opens a
 * code-server workbench URL, receives the extension-test exit code the way VS Code's own smoke
 * tests do (the workbench calls `window.codeAutomationExit(code)` once the test runner in the
 * extension host finished), and reads the workbench DOM from outside: the status bar, and the
 * rows inside a webview, which sit two iframes deep (webview host frame → #active-frame).
 */
import { chromium, Browser, Frame, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface WebviewRows {
  ok: boolean;
  count: number;
  /** The text of the first rows found (at most 20). */
  texts: string[];
}

export class Workbench {
  /** Workbench console errors and page errors, for a failure report. */
  readonly problems: string[] = [];

  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
    /** Resolves with the exit code the extension-test runner reported. */
    readonly exitCode: Promise<number>,
  ) {}

  static async open(url: string, opts: { headed?: boolean } = {}): Promise<Workbench> {
    // playwright gives each launch a fresh temporary profile.
    const browser = await chromium
      .launch({
        executablePath: CHROMIUM,
        headless: !opts.headed,
        args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run'],
        // Playwright would otherwise exit the whole process on Ctrl+C; our callers shut down
        // code-server and the simulator first, then close the browser.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      })
      .catch((e: Error) => {
        throw new Error(`cannot start Chromium at ${CHROMIUM} (Debian package chromium): ${e.message}`);
      });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    let reportExit!: (code: number) => void;
    const exitCode = new Promise<number>((r) => (reportExit = r));
    // Must exist before the workbench script runs: exposeFunction installs it on every load.
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
    const wb = new Workbench(browser, page, exitCode);
    page.on('pageerror', (e) => wb.problem(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') wb.problem(`console: ${m.text().split('\n')[0]}`);
    });
    page.on('crash', () => reportExit(-1));
    await page.goto(url);
    return wb;
  }

  private problem(line: string): void {
    this.problems.push(line);
    if (this.problems.length > 50) this.problems.shift();
  }

  /** Waits until the status bar's text matches; returns it (ok=false with the last text on timeout). */
  async statusBar(pattern: RegExp, timeoutMs: number): Promise<{ ok: boolean; text: string }> {
    const read = () => this.page.evaluate(() => document.getElementById('workbench.parts.statusbar')?.innerText ?? '');
    try {
      await this.page.waitForFunction(
        ([source, flags]) =>
          new RegExp(source, flags).test(document.getElementById('workbench.parts.statusbar')?.innerText ?? ''),
        [pattern.source, pattern.flags] as const,
        { timeout: timeoutMs },
      );
      return { ok: true, text: await read() };
    } catch {
      return { ok: false, text: await read().catch(() => '') };
    }
  }

  /**
   * Waits until a notification (a toast, or an entry of the notification center when it is
   * open) matches; returns their text (ok=false on timeout).
   */
  async notification(pattern: RegExp, timeoutMs: number): Promise<{ ok: boolean; text: string }> {
    const read = () =>
      this.page.evaluate(() =>
        [
          ...document.querySelectorAll<HTMLElement>(
            '.notifications-toasts .notification-toast, .notifications-center .notification-list-item',
          ),
        ]
          .map((t) => t.innerText)
          .join('\n'),
      );
    try {
      await this.page.waitForFunction(
        ([source, flags]) =>
          [
            ...document.querySelectorAll<HTMLElement>(
              '.notifications-toasts .notification-toast, .notifications-center .notification-list-item',
            ),
          ].some((t) => new RegExp(source, flags).test(t.innerText)),
        [pattern.source, pattern.flags] as const,
        { timeout: timeoutMs },
      );
      return { ok: true, text: await read() };
    } catch {
      return { ok: false, text: await read().catch(() => '') };
    }
  }

  /**
   * Waits until some webview frame has at least `min` elements matching `selector` (checked in
   * every frame as it appears: the workbench swaps webview content frames on each update).
   */
  webviewRows(selector: string, min: number, timeoutMs: number): Promise<WebviewRows> {
    const page = this.page;
    return new Promise<WebviewRows>((resolve) => {
      let settled = false;
      const finish = (rows: WebviewRows) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        page.off('frameattached', watch);
        page.off('framenavigated', watch);
        resolve(rows);
      };
      const watch = (frame: Frame) => {
        if (settled || frame === page.mainFrame()) return;
        frame
          .waitForFunction(([sel, n]) => document.querySelectorAll(sel).length >= n, [selector, min] as const, {
            timeout: timeoutMs,
            polling: 100,
          })
          .then(() => readRows(frame, selector))
          .then((rows) => finish({ ok: true, ...rows }))
          .catch(() => undefined);
      };
      const timer = setTimeout(() => void reportAndFinish(), timeoutMs);
      const reportAndFinish = async () => {
        // Report what there was, to make the failure readable.
        let best = { count: 0, texts: [] as string[] };
        for (const f of page.frames()) {
          // A frame without a script context (sandboxed about:blank) would wait forever.
          const rows = await Promise.race([
            readRows(f, selector),
            new Promise<typeof best>((r) => setTimeout(() => r(best), 1000)),
          ]).catch(() => best);
          if (rows.count > best.count) best = rows;
        }
        finish({ ok: false, ...best });
      };
      // A frame that is still about:blank (scripts blocked by its sandbox) fails the wait; it is
      // watched again when it navigates to its content.
      page.on('frameattached', watch);
      page.on('framenavigated', watch);
      page.frames().forEach(watch);
    });
  }

  /** Resolves when the browser went away (the user closed its window). */
  get closed(): Promise<void> {
    if (!this.browser.isConnected()) return Promise.resolve();
    return new Promise((r) => this.browser.once('disconnected', () => r()));
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path }).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
  }
}

function readRows(frame: Frame, selector: string): Promise<{ count: number; texts: string[] }> {
  return frame.evaluate((sel) => {
    const els = Array.from(document.querySelectorAll<HTMLElement>(sel));
    return { count: els.length, texts: els.slice(0, 20).map((e) => e.innerText.replace(/\s+/g, ' ').trim()) };
  }, selector);
}
