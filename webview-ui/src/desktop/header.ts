/**
 * The desktop header, as the Finesse desktop's: who is signed in (name, id, extension), the
 * agent's state with its reason, and the state menu (Ready, Not Ready with each reason code,
 * Sign Out with each logout reason). A choice is sent to the server, which makes the REST call;
 * the header changes only when the Update comes back, as on Finesse.
 */
import { h, replaceChildren, setText } from '../ui/dom';
import type { AgentInfo, DesktopConfig, ReasonCode } from '../../../src/protocol/desktopHub';

export interface HeaderActions {
  setState(state: string, reasonCodeId?: string): void;
}

const STATE_LABELS: Record<string, string> = {
  READY: 'Ready',
  NOT_READY: 'Not Ready',
  LOGOUT: 'Signed Out',
  LOGIN: 'Signing In',
  TALKING: 'Talking',
  RESERVED: 'Reserved',
  HOLD: 'On Hold',
  WORK: 'Work',
  WORK_READY: 'Work Ready',
};

export class Header {
  readonly root: HTMLElement;
  private readonly name = h('span', { class: 'agent-name' });
  private readonly ids = h('span', { class: 'agent-ids' });
  private readonly server = h('span', { class: 'server' });
  private readonly connection = h('span', { class: 'connection', attrs: { 'aria-live': 'polite' } });
  private readonly stateButton = h('button', {
    class: 'state-button',
    id: 'state-button',
    attrs: { type: 'button', 'aria-haspopup': 'menu', 'aria-expanded': 'false' },
  });
  private readonly stateDot = h('span', { class: 'state-dot' });
  private readonly stateText = h('span', { class: 'state-text', id: 'agent-state' });
  private readonly menu = h('ul', { class: 'state-menu', id: 'state-menu', role: 'menu', attrs: { hidden: true } });
  private readonly noticeText = h('span', { class: 'notice-text' });
  private readonly noticeClose = h('button', {
    class: 'notice-close',
    title: 'Dismiss',
    text: '×',
    attrs: { type: 'button', 'aria-label': 'Dismiss' },
  });
  private readonly notice = h(
    'div',
    { class: 'notice', id: 'desktop-notice', role: 'status', attrs: { hidden: true } },
    this.noticeText,
    this.noticeClose,
  );

  constructor(private readonly actions: HeaderActions) {
    replaceChildren(this.stateButton, this.stateDot, this.stateText, h('span', { class: 'caret', text: '▾' }));
    this.stateButton.addEventListener('click', () => this.toggle());
    this.noticeClose.addEventListener('click', () => (this.notice.hidden = true));
    document.addEventListener('click', (e) => {
      if (!this.stateButton.contains(e.target as Node) && !this.menu.contains(e.target as Node)) this.toggle(false);
    });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.toggle(false);
    });
    this.root = h(
      'header',
      { class: 'desktop-header' },
      h('div', { class: 'brand' }, h('span', { class: 'brand-mark', text: 'Finesse' }), this.server),
      h('div', { class: 'agent' }, this.name, this.ids),
      h('div', { class: 'state' }, this.connection, h('div', { class: 'state-picker' }, this.stateButton, this.menu)),
      this.notice,
    );
  }

  configure(config: DesktopConfig): void {
    setText(this.server, config.server);
    const item = (label: string, state: string, reason?: ReasonCode) => {
      const li = h('li', { role: 'none' });
      const b = h('button', {
        role: 'menuitem',
        class: `state-item state-${state.toLowerCase()}`,
        attrs: { type: 'button', 'data-state': state, 'data-reason': reason?.id },
        text: label,
      });
      b.addEventListener('click', () => {
        this.toggle(false);
        this.actions.setState(state, reason?.id);
      });
      li.appendChild(b);
      return li;
    };
    const items: HTMLElement[] = [item('Ready', 'READY')];
    if (config.notReadyReasons.length)
      for (const r of config.notReadyReasons) items.push(item(`Not Ready – ${r.label}`, 'NOT_READY', r));
    else items.push(item('Not Ready', 'NOT_READY'));
    if (config.logoutReasons.length)
      for (const r of config.logoutReasons) items.push(item(`Sign Out – ${r.label}`, 'LOGOUT', r));
    else items.push(item('Sign Out', 'LOGOUT'));
    replaceChildren(this.menu, ...items);
  }

  showAgent(a: AgentInfo): void {
    const full = [a.firstName, a.lastName].filter(Boolean).join(' ');
    setText(this.name, full || a.id);
    setText(this.ids, `${a.id}${a.extension ? ` · Extension ${a.extension}` : ''}`);
    const label = STATE_LABELS[a.state] ?? a.state;
    setText(this.stateText, a.reason ? `${label} – ${a.reason}` : label);
    this.stateButton.dataset.state = a.state;
    // As on Finesse: the current state is not offered again, and signing out needs Not Ready.
    for (const b of this.menu.querySelectorAll<HTMLButtonElement>('button[data-state]')) {
      const want = b.dataset.state;
      b.disabled = (want === 'READY' && a.state === 'READY') || (want === 'LOGOUT' && a.state !== 'NOT_READY');
    }
    this.root.dataset.state = a.state;
    setText(this.connection, a.connection === 'connected' ? '' : a.connection);
    this.connection.dataset.status = a.connection;
  }

  showNotice(level: 'info' | 'error', text: string): void {
    setText(this.noticeText, text);
    this.notice.dataset.level = level;
    this.notice.hidden = false;
  }

  private toggle(open = this.menu.hidden): void {
    this.menu.hidden = !open;
    this.stateButton.setAttribute('aria-expanded', String(open));
    if (open) (this.menu.querySelector('button:not(:disabled)') as HTMLButtonElement | null)?.focus();
  }
}
