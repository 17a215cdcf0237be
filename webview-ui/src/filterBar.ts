/**
 * The filter bar: query field (the language of src/core/capture/filter.ts, documented in its
 * tooltip), direction and kind dropdowns, "hide pings", the result count and the filter error.
 * The filter itself runs in the host over the whole store; this only edits the FilterSpec.
 */
import type { FilterSpec, FrameKind, ViewCounts } from '../../src/protocol/messages';
import { FILTER_HELP } from '../../src/protocol/filterHelp';
import { checkbox, dropdown, h, setText, textField } from './ui';
import { formatCount } from './format';

const KINDS: FrameKind[] = ['stanza', 'open', 'close', 'text', 'binary', 'ping', 'pong', 'closeframe', 'http', 'hub'];
/** Typing pauses this long before the host filters (Enter applies at once). */
const DEBOUNCE_MS = 150;

export class FilterBar {
  readonly el: HTMLElement;
  readonly input: HTMLInputElement;
  private readonly dir: HTMLSelectElement;
  private readonly kind: HTMLSelectElement;
  private readonly pings: HTMLInputElement;
  private readonly count: HTMLSpanElement;
  private readonly progress: HTMLDivElement;
  private readonly error: HTMLSpanElement;
  private timer: number | undefined;

  constructor(
    initial: FilterSpec,
    private readonly onChange: (spec: FilterSpec) => void,
  ) {
    this.input = textField({
      label: 'Filter frames',
      placeholder: 'Filter (text, /regex/, dir:in, kind:stanza, node:User/agent1, state:READY, -ping)',
      title: FILTER_HELP,
      value: initial.text,
      onInput: () => this.debounced(),
      attrs: { 'data-testid': 'filter' },
    });
    this.input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        this.apply();
      } else if (ev.key === 'Escape') {
        ev.preventDefault();
        ev.stopPropagation();
        if (this.input.value) {
          this.input.value = '';
          this.apply();
        } else this.input.blur();
      }
    });
    this.dir = dropdown({
      label: 'Direction',
      title: 'Direction',
      options: [
        { value: '', label: 'Both ways' },
        { value: 'out', label: '→ Client to server' },
        { value: 'in', label: '← Server to client' },
      ],
      value: initial.dir ?? '',
      onChange: () => this.apply(),
      attrs: { 'data-testid': 'filter-dir' },
    });
    this.kind = dropdown({
      label: 'Frame kind',
      title: 'Frame kind',
      options: [{ value: '', label: 'All kinds' }, ...KINDS.map((k) => ({ value: k, label: k }))],
      value: initial.kind ?? '',
      onChange: () => this.apply(),
      attrs: { 'data-testid': 'filter-kind' },
    });
    const pings = checkbox({
      label: 'Hide pings',
      title: 'Hide WebSocket pings/pongs, whitespace keepalives and XEP-0199 pings (same as -ping)',
      checked: !!initial.hidePings,
      onChange: () => this.apply(),
      attrs: { 'data-testid': 'filter-pings' },
    });
    this.pings = pings.input;
    this.count = h('span', { class: 'fx-count', attrs: { 'aria-live': 'polite', 'data-testid': 'count' } });
    // A scan's progress as VS Code shows work in a view: a thin bar along the top bar's edge, so
    // the count keeps its width and the toolbar beside it never moves while rows come in.
    this.progress = h('div', {
      class: 'fx-progress',
      role: 'progressbar',
      attrs: {
        'aria-label': 'Filtering',
        'aria-valuemin': '0',
        'aria-valuemax': '100',
        'data-testid': 'filter-progress',
      },
    });
    this.progress.hidden = true;
    this.error = h('span', { class: 'fx-filter-error', role: 'alert', attrs: { 'data-testid': 'filter-error' } });
    this.error.hidden = true;
    this.el = h(
      'div',
      { class: 'fx-filterbar', role: 'search' },
      h('div', { class: 'fx-filter-field' }, this.input, this.error),
      this.dir,
      this.kind,
      pings.el,
      this.count,
      this.progress,
    );
  }

  get spec(): FilterSpec {
    const spec: FilterSpec = { text: this.input.value.trim() };
    if (this.dir.value === 'in' || this.dir.value === 'out') spec.dir = this.dir.value;
    if (this.kind.value) spec.kind = this.kind.value as FrameKind;
    if (this.pings.checked) spec.hidePings = true;
    return spec;
  }

  set(spec: FilterSpec): void {
    this.input.value = spec.text ?? '';
    this.dir.value = spec.dir ?? '';
    this.kind.value = spec.kind ?? '';
    this.pings.checked = !!spec.hidePings;
  }

  focus(): void {
    this.input.focus();
    this.input.select();
  }

  get hasError(): boolean {
    return !this.error.hidden;
  }

  showError(message: string | undefined): void {
    this.error.hidden = !message;
    setText(this.error, message ?? '');
    this.input.classList.toggle('invalid', !!message);
    if (message) this.input.setAttribute('aria-invalid', 'true');
    else this.input.removeAttribute('aria-invalid');
  }

  /** `filtered`: the view the counts describe has a filter applied. */
  showCounts(c: ViewCounts, filtered: boolean): void {
    const text =
      filtered || c.total !== c.size
        ? `${formatCount(c.total)} of ${formatCount(c.size)} frames`
        : `${formatCount(c.size)} frames`;
    setText(this.count, text);
    const filtering = c.progress < 1;
    this.progress.hidden = !filtering;
    if (filtering) {
      const percent = Math.floor(c.progress * 100);
      this.progress.style.width = `${percent}%`;
      this.progress.setAttribute('aria-valuenow', String(percent));
      this.progress.title = `Filtering: ${percent}% of the frames decided`;
    }
  }

  private debounced(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.apply(), DEBOUNCE_MS);
  }

  private apply(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.onChange(this.spec);
  }
}
