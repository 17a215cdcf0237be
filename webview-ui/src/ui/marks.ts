/**
 * Search highlights: wraps [start, end) ranges of an element's text in <mark> elements, as
 * text nodes only (the text may come from the wire). Works over any tree whose text content is
 * the marked string, e.g. the coloured XML of the detail pane.
 */
export type Marks = readonly (readonly [number, number])[];

/** Sets `text` in `el`, with `marks` highlighted. */
export function setMarkedText(
  el: Element,
  text: string,
  marks: Marks | undefined,
  show: (s: string) => string = (s) => s,
): void {
  if (!marks?.length) {
    const shown = show(text);
    if (el.childElementCount === 0 && el.textContent === shown) return;
    el.textContent = shown;
    return;
  }
  const frag = document.createDocumentFragment();
  let at = 0;
  for (const [a, b] of marks) {
    const start = Math.max(at, Math.min(a, text.length));
    const end = Math.min(b, text.length);
    if (end <= start) continue;
    if (start > at) frag.appendChild(document.createTextNode(show(text.slice(at, start))));
    frag.appendChild(mark(show(text.slice(start, end))));
    at = end;
  }
  if (at < text.length) frag.appendChild(document.createTextNode(show(text.slice(at))));
  el.replaceChildren(frag);
}

/** Highlights ranges of `root`'s text content in place, splitting its text nodes. */
export function markTree(root: Node, marks: Marks | undefined): void {
  if (!marks?.length) return;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n as Text);
  let offset = 0;
  let k = 0;
  for (const node of nodes) {
    const text = node.data;
    const nodeStart = offset;
    const nodeEnd = offset + text.length;
    offset = nodeEnd;
    while (k < marks.length && marks[k][1] <= nodeStart) k++;
    const parts: [number, number][] = [];
    for (let j = k; j < marks.length && marks[j][0] < nodeEnd; j++) {
      parts.push([Math.max(marks[j][0], nodeStart) - nodeStart, Math.min(marks[j][1], nodeEnd) - nodeStart]);
    }
    if (!parts.length) continue;
    const frag = document.createDocumentFragment();
    let at = 0;
    for (const [a, b] of parts) {
      if (a > at) frag.appendChild(document.createTextNode(text.slice(at, a)));
      frag.appendChild(mark(text.slice(a, b)));
      at = b;
    }
    if (at < text.length) frag.appendChild(document.createTextNode(text.slice(at)));
    node.replaceWith(frag);
  }
}

function mark(text: string): HTMLElement {
  const m = document.createElement('mark');
  m.className = 'fx-mark';
  m.textContent = text;
  return m;
}
