/**
 * Toolbar: toggles the host provides (intercept adds Pause/Resume here), Follow, and Clear.
 * The host owns the toggles' state; a click only asks the host to flip it.
 */
import type { ColumnPrefs, PanelConfig } from '../../src/protocol/messages';
import { button, checkbox, dropdown, h, replaceChildren, toggleButton, ToggleButton } from './ui';

export interface ToolbarEvents {
  onToggle(id: string): void;
  onFollow(on: boolean): void;
  onClear(): void;
  /** Time mode or the Session column changed. */
  onColumns(patch: Partial<ColumnPrefs>): void;
}

export class Toolbar {
  readonly el: HTMLElement;
  private readonly hostToggles: HTMLElement;
  private readonly clear: HTMLButtonElement;
  private readonly followButton: ToggleButton;
  private readonly timeMode: HTMLSelectElement;
  private readonly sessionColumn: HTMLInputElement;

  constructor(private readonly events: ToolbarEvents) {
    this.hostToggles = h('div', { class: 'fx-toolbar-group', attrs: { 'data-testid': 'host-toggles' } });
    this.followButton = toggleButton({
      label: 'Follow',
      title: 'Keep the newest frame in view (scrolling to the bottom turns it on)',
      checked: true,
      onToggle: () => this.events.onFollow(this.followButton.el.getAttribute('aria-pressed') !== 'true'),
      attrs: { 'data-testid': 'follow' },
    });
    this.clear = button({
      label: 'Clear',
      title: 'Remove all captured frames (Finesse: Clear Frames)',
      onClick: () => this.events.onClear(),
      attrs: { 'data-testid': 'clear' },
    });
    this.timeMode = dropdown({
      label: 'Time column',
      title: 'Time column: clock time, time since the previous row, or since the session started',
      options: [
        { value: 'clock', label: 'Clock time' },
        { value: 'previous', label: '+ Previous' },
        { value: 'start', label: 'Since start' },
      ],
      value: 'clock',
      onChange: (v) => this.events.onColumns({ time: v as ColumnPrefs['time'] }),
      attrs: { 'data-testid': 'time-mode' },
    });
    const session = checkbox({
      label: 'Session',
      title: 'Show the Session column',
      onChange: (on) => this.events.onColumns({ session: on }),
      attrs: { 'data-testid': 'session-column' },
    });
    this.sessionColumn = session.input;
    this.el = h(
      'div',
      { class: 'fx-toolbar', role: 'toolbar', attrs: { 'aria-label': 'Frames toolbar' } },
      this.hostToggles,
      this.timeMode,
      session.el,
      this.followButton.el,
      this.clear,
    );
  }

  configure(config: PanelConfig): void {
    this.clear.hidden = !config.canClear;
    // A saved session or an imported HAR gets no new frames: nothing to follow.
    this.followButton.el.hidden = config.readOnly;
    replaceChildren(
      this.hostToggles,
      ...config.toggles.map(
        (t) =>
          toggleButton({
            label: t.label,
            title: t.title,
            checked: t.checked,
            onToggle: () => this.events.onToggle(t.id),
            attrs: { 'data-toggle': t.id },
          }).el,
      ),
    );
  }

  showColumns(prefs: ColumnPrefs): void {
    this.timeMode.value = prefs.time ?? 'clock';
    this.sessionColumn.checked = !!prefs.session;
  }

  showFollow(on: boolean): void {
    this.followButton.set(on);
  }
}
