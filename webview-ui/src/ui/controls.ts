/**
 * Form controls styled like the VS Code webview toolkit (button, text field, dropdown, checkbox,
 * tabs, badge). The toolkit itself is deprecated upstream; these wrappers are the one place to
 * swap in a different component library, the rest of the webview only calls these functions.
 * Native elements keep the bundle small, work under the strict CSP and are accessible as is.
 */
import { h, setAttrs } from './dom';

export interface ButtonOptions {
  label: string;
  title?: string;
  /** `primary` (filled), `secondary`, or `icon` (toolbar, text glyph). */
  variant?: 'primary' | 'secondary' | 'icon';
  onClick: (ev: MouseEvent) => void;
  attrs?: Record<string, string>;
}

export function button(opts: ButtonOptions): HTMLButtonElement {
  const b = h('button', {
    class: `fx-button fx-button-${opts.variant ?? 'secondary'}`,
    text: opts.label,
    title: opts.title,
    attrs: { type: 'button', ...opts.attrs },
  });
  if (opts.title && opts.variant === 'icon') b.setAttribute('aria-label', opts.title);
  b.addEventListener('click', opts.onClick);
  return b;
}

export interface ToggleButton {
  el: HTMLButtonElement;
  set(checked: boolean): void;
}

/** A toolbar button with a pressed state (aria-pressed). */
export function toggleButton(opts: {
  label: string;
  title?: string;
  checked: boolean;
  onToggle: () => void;
  attrs?: Record<string, string>;
}): ToggleButton {
  const el = button({
    label: opts.label,
    title: opts.title,
    variant: 'secondary',
    onClick: opts.onToggle,
    attrs: opts.attrs,
  });
  el.classList.add('fx-toggle');
  const set = (checked: boolean) => setAttrs(el, { 'aria-pressed': String(checked) });
  set(opts.checked);
  return { el, set };
}

export function textField(opts: {
  placeholder?: string;
  title?: string;
  label: string;
  value?: string;
  onInput?: (value: string) => void;
  attrs?: Record<string, string>;
}): HTMLInputElement {
  const input = h('input', {
    class: 'fx-textfield',
    title: opts.title,
    attrs: {
      type: 'text',
      placeholder: opts.placeholder,
      'aria-label': opts.label,
      spellcheck: 'false',
      autocomplete: 'off',
      ...opts.attrs,
    },
  });
  input.value = opts.value ?? '';
  if (opts.onInput) input.addEventListener('input', () => opts.onInput?.(input.value));
  return input;
}

export interface DropdownOption {
  value: string;
  label: string;
}

export function dropdown(opts: {
  label: string;
  title?: string;
  options: DropdownOption[];
  value?: string;
  onChange: (value: string) => void;
  attrs?: Record<string, string>;
}): HTMLSelectElement {
  const select = h(
    'select',
    { class: 'fx-dropdown', title: opts.title, attrs: { 'aria-label': opts.label, ...opts.attrs } },
    ...opts.options.map((o) => h('option', { text: o.label, attrs: { value: o.value } })),
  );
  select.value = opts.value ?? opts.options[0]?.value ?? '';
  select.addEventListener('change', () => opts.onChange(select.value));
  return select;
}

export interface Checkbox {
  el: HTMLLabelElement;
  input: HTMLInputElement;
}

export function checkbox(opts: {
  label: string;
  title?: string;
  checked?: boolean;
  onChange: (checked: boolean) => void;
  attrs?: Record<string, string>;
}): Checkbox {
  const input = h('input', { attrs: { type: 'checkbox', ...opts.attrs } });
  input.checked = !!opts.checked;
  input.addEventListener('change', () => opts.onChange(input.checked));
  const el = h('label', { class: 'fx-checkbox', title: opts.title }, input, h('span', { text: opts.label }));
  return { el, input };
}

export interface Tabs<T extends string> {
  el: HTMLElement;
  select(id: T): void;
  setEnabled(id: T, enabled: boolean): void;
  setVisible(id: T, visible: boolean): void;
  readonly selected: T;
}

/** A tab strip (role=tablist); arrow keys move between tabs. */
export function tabs<T extends string>(opts: {
  label: string;
  tabs: { id: T; label: string }[];
  selected: T;
  onSelect: (id: T) => void;
}): Tabs<T> {
  let selected = opts.selected;
  const buttons = new Map<T, HTMLButtonElement>();
  const el = h('div', { class: 'fx-tabs', role: 'tablist', attrs: { 'aria-label': opts.label } });
  const select = (id: T) => {
    selected = id;
    for (const [tid, b] of buttons)
      setAttrs(b, { 'aria-selected': String(tid === id), tabindex: tid === id ? '0' : '-1' });
  };
  for (const t of opts.tabs) {
    const b = h('button', { class: 'fx-tab', text: t.label, role: 'tab', attrs: { type: 'button', 'data-tab': t.id } });
    b.addEventListener('click', () => {
      if (b.disabled) return;
      select(t.id);
      opts.onSelect(t.id);
    });
    b.addEventListener('keydown', (ev) => {
      if (ev.key !== 'ArrowLeft' && ev.key !== 'ArrowRight') return;
      const enabled = opts.tabs.filter((x) => !buttons.get(x.id)?.disabled && !buttons.get(x.id)?.hidden);
      const i = enabled.findIndex((x) => x.id === t.id);
      const next = enabled[(i + (ev.key === 'ArrowRight' ? 1 : enabled.length - 1)) % enabled.length];
      if (next) {
        select(next.id);
        opts.onSelect(next.id);
        buttons.get(next.id)?.focus();
      }
    });
    buttons.set(t.id, b);
    el.appendChild(b);
  }
  select(selected);
  return {
    el,
    select,
    setEnabled(id, enabled) {
      const b = buttons.get(id);
      if (b) b.disabled = !enabled;
    },
    setVisible(id, visible) {
      const b = buttons.get(id);
      if (b) b.hidden = !visible;
    },
    get selected() {
      return selected;
    },
  };
}

export function badge(text: string, kind: string, title?: string): HTMLSpanElement {
  return h('span', { class: `fx-badge fx-badge-${kind}`, text, title });
}
