/**
 * Pretty printer: indents elements, keeps text content exactly (mixed content is printed
 * inline so nothing the server sent is changed but whitespace between elements).
 */
import { Element, escapeXml, escapeXmlText, parseXml } from './xml';

export function prettyElement(el: Element, indent = '  ', depth = 0): string {
  const pad = indent.repeat(depth);
  const attrs = Object.entries(el.attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  const children = el.children.filter((c) => typeof c !== 'string' || c.trim() !== '');
  if (children.length === 0) return `${pad}<${el.name}${attrs}/>`;
  const onlyText = children.every((c) => typeof c === 'string');
  if (onlyText) return `${pad}<${el.name}${attrs}>${escapeXmlText(el.getText())}</${el.name}>`;
  const inner = el.children
    .map((c) => (typeof c === 'string' ? (c.trim() ? pad + indent + escapeXmlText(c.trim()) : '') : prettyElement(c, indent, depth + 1)))
    .filter(Boolean)
    .join('\n');
  return `${pad}<${el.name}${attrs}>\n${inner}\n${pad}</${el.name}>`;
}

/** Pretty-prints XML text; malformed input comes back unchanged. */
export function prettyXml(raw: string, indent = '  '): string {
  const r = parseXml(raw);
  return r.ok ? prettyElement(r.element, indent) : raw;
}
