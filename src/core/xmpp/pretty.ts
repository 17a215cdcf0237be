/**
 * Pretty printer: indents elements, keeps text content exactly. Mixed content (text next to
 * elements) is printed inline, so nothing the server sent changes but whitespace between
 * elements.
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
  return node.children.length ? `<${node.name}${attrs}>${node.children.map(inline).join('')}</${node.name}>` : `<${node.name}${attrs}/>`;
}

export function prettyElement(el: Element, indent = '  ', depth = 0): string {
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
