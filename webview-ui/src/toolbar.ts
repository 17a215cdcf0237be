/**
 * Toolbar: toggles the host provides (intercept adds Pause/Resume here), Follow, and Clear.
 * The host owns the toggles' state; a click only asks the host to flip it.
 */
import type { PanelConfig } from '../../src/protocol/messages';
import { button, h, replaceChildren, toggleButton, ToggleButton } from './ui';

export interface ToolbarEvents {
  onToggle(id: string): void;
  onFollow(on: boolean): void;
  onClear(): void;
}

export class Toolbar {
  readonly el: HTMLElement;
  private readonly hostToggles: HTMLElement;
  private readonly clear: HTMLButtonElement;
  private readonly followButton: ToggleButton;

  constructor(private readonly events: ToolbarEvents) {
    this.hostToggles = h('div', { class: 'fx-toolbar-group', attrs: { 'data-testid': 'host-toggles' } });
    this.followButton = toggleButton({ label: 'Follow', title: 'Keep the newest frame in view (scrolling to the bottom turns it on)', checked: true, onToggle: () => this.events.onFollow(this.followButton.el.getAttribute('aria-pressed') !== 'true'), attrs: { 'data-testid': 'follow' } });
    this.clear = button({ label: 'Clear', title: 'Remove all captured frames (Finesse: Clear Frames)', onClick: () => this.events.onClear(), attrs: { 'data-testid': 'clear' } });
    this.el = h('div', { class: 'fx-toolbar', role: 'toolbar', attrs: { 'aria-label': 'Frames toolbar' } }, this.hostToggles, this.followButton.el, this.clear);
  }

  configure(config: PanelConfig): void {
    this.clear.hidden = !config.canClear;
    replaceChildren(
      this.hostToggles,
      ...config.toggles.map((t) => toggleButton({ label: t.label, title: t.title, checked: t.checked, onToggle: () => this.events.onToggle(t.id), attrs: { 'data-toggle': t.id } }).el),
    );
  }

  showFollow(on: boolean): void {
    this.followButton.set(on);
  }
}
