/**
 * The only way the webview builds DOM: elements with properties, text always as text nodes.
 * There is deliberately no innerHTML / insertAdjacentHTML anywhere: every string that reaches
 * the page may come from the wire.
 */
export interface Props {
  class?: string;
  text?: string;
  title?: string;
  id?: string;
  role?: string;
  /** Attributes (aria-*, data-*, tabindex…); values are set as attribute text. */
  attrs?: Record<string, string | number | boolean | undefined>;
}

export type Child = Node | string | undefined | null | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.id) el.id = props.id;
  if (props.role) el.setAttribute('role', props.role);
  if (props.title !== undefined) el.title = props.title;
  if (props.attrs) setAttrs(el, props.attrs);
  if (props.text !== undefined) el.textContent = props.text;
  append(el, ...children);
  return el;
}

function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

export function setAttrs(el: Element, attrs: Record<string, string | number | boolean | undefined>): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) el.removeAttribute(k);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

/** Replaces all children. */
export function replaceChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

/** Sets text only when it changed (cheap re-render of pooled rows). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}
