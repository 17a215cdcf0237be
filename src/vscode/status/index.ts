/**
 * The status bar item: connection state and frame count (`$(plug) Finesse: online · 12 frames`),
 * plus running proxies. Frame counts change thousands of times a second under load, so the text
 * is refreshed at most every 250 ms; state changes show at once. Clicking shows the frames.
 */
import * as vscode from 'vscode';
import type { Connections } from '../connection/connections';
import { Disposable, toDisposable } from '../disposable';
import type { Proxies } from '../proxy/proxies';
import type { Services } from '../services';
import { statusText } from './statusText';

const REFRESH_MS = 250;

class StatusBar extends Disposable {
  private readonly item = this.register(
    vscode.window.createStatusBarItem('finesse.status', vscode.StatusBarAlignment.Left, 100),
  );
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly services: Services,
    private readonly connections: Connections,
    private readonly proxies: Proxies,
  ) {
    super();
    this.item.name = 'Finesse';
    this.item.command = 'finesse.showFrames';
    const { store } = services;
    const later = () => this.schedule();
    store.on('append', later);
    store.on('clear', later);
    store.on('evict', later);
    this.register(
      toDisposable(() => {
        store.off('append', later);
        store.off('clear', later);
        store.off('evict', later);
        clearTimeout(this.timer);
      }),
    );
    this.register(connections.onDidChange(() => this.render()));
    this.register(proxies.onDidChange(() => this.render()));
    this.render();
    this.item.show();
  }

  private schedule(): void {
    if (this.timer || this.isDisposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, REFRESH_MS);
  }

  private render(): void {
    if (this.isDisposed) return;
    const sessions = this.connections.list();
    const proxies = this.proxies.list();
    const { store } = this.services;
    this.item.text = statusText(
      sessions.map((s) => s.state),
      store.size,
      proxies.length,
    );
    const tip = new vscode.MarkdownString('', true);
    tip.appendMarkdown('**Finesse Frame Debugger**\n\n');
    for (const s of sessions) tip.appendMarkdown(`- $(account) ${escape(s.label)} — ${s.state} — ${escape(s.url)}\n`);
    for (const p of proxies)
      tip.appendMarkdown(
        `- $(radio-tower) ${p.kind === 'ws' ? 'proxy' : 'desktop proxy'} ${escape(p.url)} → ${escape(p.target)}\n`,
      );
    if (!sessions.length && !proxies.length)
      tip.appendMarkdown('Not connected. Run **Finesse: Connect to Finesse** or **Finesse: Start Proxy**.\n');
    tip.appendMarkdown(`\n${store.size} frames stored (capacity ${store.capacity}). Click to show them.`);
    this.item.tooltip = tip;
  }
}

/** Markdown-escapes text from settings or the wire. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

export function register(services: Services, connections: Connections, proxies: Proxies): vscode.Disposable[] {
  return [new StatusBar(services, connections, proxies)];
}
