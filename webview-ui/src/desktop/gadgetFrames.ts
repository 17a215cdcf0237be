/**
 * The tabs and the gadget frames. Each tab is a `div.tab-panel#panel_TABID` (finesse.js's
 * ContainerServices finds its tab as `$(frameElement).closest("div.tab-panel")`), holding each
 * gadget of the tab in a same-origin iframe whose src is the server's /gadgets/ifr URL. Page-level
 * gadgets sit above the tabs, outside any panel, as on the Finesse desktop. Inactive panels stay
 * laid out (moved out of view, not display:none) so their gadgets measure their height.
 */
import { h, replaceChildren, setText } from '../ui/dom';
import type { DesktopConfig, DesktopGadget } from '../../../src/protocol/desktopHub';

export interface FrameEntry {
  gadget: DesktopGadget;
  frame: HTMLIFrameElement;
  title: HTMLElement;
  box: HTMLElement;
  src: string;
}

export class GadgetFrames {
  readonly root = h('main', { class: 'desktop-body' });
  private readonly bar = h('nav', { class: 'tab-bar', role: 'tablist', attrs: { 'aria-label': 'Desktop tabs' } });
  private readonly pageArea = h('section', { class: 'page-gadgets' });
  private readonly panels = h('div', { class: 'tab-panels' });
  private readonly entries = new Map<string, FrameEntry>();
  private readonly buttons = new Map<string, HTMLButtonElement>();
  private active: string | undefined;
  onTab: (id: string) => void = () => undefined;

  build(config: DesktopConfig): void {
    const panels = new Map<string, HTMLElement>();
    for (const t of config.tabs) {
      const b = h('button', {
        class: 'tab',
        id: `tab_${t.id}`,
        role: 'tab',
        text: t.label,
        attrs: { type: 'button', 'aria-controls': `panel_${t.id}`, 'aria-selected': 'false' },
      });
      b.addEventListener('click', () => this.activate(t.id));
      this.buttons.set(t.id, b);
      this.bar.appendChild(b);
      const panel = h('div', {
        class: 'tab-panel',
        id: `panel_${t.id}`,
        role: 'tabpanel',
        attrs: { 'aria-labelledby': `tab_${t.id}` },
      });
      panels.set(t.id, panel);
      this.panels.appendChild(panel);
    }
    for (const g of config.gadgets) {
      const title = h('div', { class: 'gadget-title', text: g.title || g.specUrl });
      const frame = h('iframe', {
        class: 'gadget-frame',
        id: `finesse_gadget_${g.mid}`,
        title: g.title || `gadget ${g.mid}`,
        attrs: { name: `finesse_gadget_${g.mid}`, 'data-mid': g.mid, scrolling: 'auto' },
      });
      const box = h('section', { class: 'gadget', id: `gadget_${g.mid}`, attrs: { 'data-mid': g.mid } }, title, frame);
      const home = g.tab ? panels.get(g.tab) : undefined;
      (home ?? this.pageArea).appendChild(box);
      this.entries.set(g.mid, { gadget: g, frame, title, box, src: g.frameUrl });
    }
    for (const [id, panel] of panels)
      if (!panel.childElementCount) panel.appendChild(h('p', { class: 'empty', text: `No gadget in tab ${id}.` }));
    const children: HTMLElement[] = [];
    if (this.pageArea.childElementCount) children.push(this.pageArea);
    if (config.tabs.length) children.push(this.bar, this.panels);
    else if (!config.gadgets.length)
      children.push(
        h('p', {
          class: 'empty',
          text: 'No gadgets: serve a folder holding gadget specs (--serve DIR) or give a layout (--layout FILE).',
        }),
      );
    replaceChildren(this.root, ...children);
    if (config.tabs[0]) this.activate(config.tabs[0].id, false);
    // The frames load last, once sessionStorage.userFinesseAuth is set and the DOM is in place.
    for (const e of this.entries.values()) e.frame.src = e.src;
  }

  /** The mid of the frame whose window sent a message, if it is one of ours. */
  midOf(source: MessageEventSource | null): string | undefined {
    for (const [mid, e] of this.entries) if (e.frame.contentWindow === source) return mid;
    return undefined;
  }

  windowOf(mid: string): Window | null | undefined {
    return this.entries.get(mid)?.frame.contentWindow;
  }

  get activeTab(): string | undefined {
    return this.active;
  }

  activate(id: string, notify = true): boolean {
    if (!this.buttons.has(id)) return false;
    this.active = id;
    for (const [tab, b] of this.buttons) {
      const on = tab === id;
      b.setAttribute('aria-selected', String(on));
      b.classList.toggle('active', on);
      document.getElementById(`panel_${tab}`)?.classList.toggle('inactive', !on);
    }
    if (notify) this.onTab(id);
    return true;
  }

  setTitle(mid: string, title: string): void {
    const e = this.entries.get(mid);
    if (e) setText(e.title, title);
  }

  setHeight(mid: string, height: number): void {
    const e = this.entries.get(mid);
    if (e && Number.isFinite(height) && height >= 0) e.frame.style.height = `${Math.min(Math.ceil(height), 20000)}px`;
  }

  setLoading(mid: string, shown: boolean): void {
    this.entries.get(mid)?.box.classList.toggle('loading', shown);
  }

  reload(mid: string): boolean {
    const e = this.entries.get(mid);
    if (!e) return false;
    e.frame.src = e.src;
    return true;
  }

  /** ContainerServices.reloadMyGadgetFromUrl: the frame's spec URL changes. */
  modifyUrl(mid: string, url: string): void {
    const e = this.entries.get(mid);
    if (!e || typeof url !== 'string') return;
    const src = new URL(e.src, location.href);
    src.searchParams.set('url', new URL(url, location.href).href);
    e.src = src.pathname + src.search;
  }
}
