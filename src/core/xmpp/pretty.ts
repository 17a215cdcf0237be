/**
 * Pretty printer: indents elements, keeps text content exactly. Mixed content (text next to
 * elements) is printed inline, so nothing the server sent changes but whitespace between
 * elements.
 *
 * Nesting depth comes from the wire: a peer can send 10,000 nested elements. Printing recurses
 * only on trees no deeper than MAX_NESTING (checked without recursion first); a deeper one is
 * serialized flat by a loop, and views say why it is not indented (nestingNotice).
 */
import { Element, escapeXml, escapeXmlText, parseXml } from './xml';

function attrText(el: Element): string {
  return Object.entries(el.attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

function inline(node: Element | string): string {
  if (typeof node === 'string') return escapeXmlText(node);
  const attrs = attrText(node);
  return node.children.length
    ? `<${node.name}${attrs}>${node.children.map(inline).join('')}</${node.name}>`
    : `<${node.name}${attrs}/>`;
}

/** Deepest element nesting printed, and walked by views, with recursion. */
export const MAX_NESTING = 200;

/** True when `el` nests elements deeper than `max` levels (an iterative walk; stops early). */
export function nestedDeeperThan(el: Element, max = MAX_NESTING): boolean {
  const todo: [Element, number][] = [[el, 1]];
  while (todo.length) {
    const [node, depth] = todo.pop() as [Element, number];
    if (depth > max) return true;
    for (const c of node.children) if (typeof c !== 'string') todo.push([c, depth + 1]);
  }
  return false;
}

/** What a view shows instead of indenting or walking a too-deep frame. */
export function nestingNotice(max = MAX_NESTING): string {
  return `Elements nested more than ${max} levels deep: shown unindented and without a tree (the raw text is complete).`;
}

/** The element as compact XML, built by a loop (no recursion, whatever the depth). */
export function serializeFlat(root: Element): string {
  const out: string[] = [];
  const todo: (Element | string | { close: string })[] = [root];
  while (todo.length) {
    const node = todo.pop() as Element | string | { close: string };
    if (typeof node === 'string') out.push(escapeXmlText(node));
    else if ('close' in node) out.push(node.close);
    else if (!node.children.length) out.push(`<${node.name}${attrText(node)}/>`);
    else {
      out.push(`<${node.name}${attrText(node)}>`);
      todo.push({ close: `</${node.name}>` });
      for (let i = node.children.length - 1; i >= 0; i--) todo.push(node.children[i]);
    }
  }
  return out.join('');
}

export function prettyElement(el: Element, indent = '  ', depth = 0): string {
  if (depth === 0 && nestedDeeperThan(el)) return serializeFlat(el);
  const pad = indent.repeat(depth);
  const attrs = attrText(el);
  const elements = el.children.filter((c): c is Element => typeof c !== 'string');
  const text = el.children.filter((c): c is string => typeof c === 'string');
  if (elements.length === 0) {
    // A leaf keeps its text exactly, whitespace included.
    const body = text.join('');
    return body ? `${pad}<${el.name}${attrs}>${escapeXmlText(body)}</${el.name}>` : `${pad}<${el.name}${attrs}/>`;
  }
  if (text.some((t) => t.trim() !== '')) return pad + inline(el);
  const inner = elements.map((c) => prettyElement(c, indent, depth + 1)).join('\n');
  return `${pad}<${el.name}${attrs}>\n${inner}\n${pad}</${el.name}>`;
}

/** Pretty-prints XML text; malformed input comes back unchanged. */
export function prettyXml(raw: string, indent = '  '): string {
  const r = parseXml(raw);
  return r.ok ? prettyElement(r.element, indent) : raw;
}
