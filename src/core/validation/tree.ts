/**
 * A namespace-aware element tree with source positions, built from the ltx façade plus the tag
 * scanner: what the protocol rules walk. ltx keeps prefixes and xmlns attributes as written;
 * namespaces are resolved here the way XML Namespaces 1.0 says.
 */
import { Element, parseXml } from '../xmpp/xml';
import { scanTags, TagSpan } from './positions';
import { XML_NS } from '../xmpp/namespaces';

export interface XElement {
  /** Qualified name as written, e.g. `stream:features`. */
  name: string;
  local: string;
  prefix?: string;
  /** Resolved namespace URI; '' for none. */
  ns: string;
  attrs: Record<string, string>;
  children: XElement[];
  /** Direct text content, entity-decoded. */
  text: string;
  parent?: XElement;
  span: TagSpan;
}

export type TreeResult = { ok: true; root: XElement; spans: TagSpan[] } | { ok: false; error: string };

export function buildTree(text: string): TreeResult {
  const parsed = parseXml(text);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const spans = scanTags(text);
  let next = 0;
  const visit = (el: Element, parent?: XElement): XElement => {
    const span = spans[next++];
    if (!span || span.name !== el.name) throw new Error(`position scan lost track at <${el.name}>`);
    const colon = el.name.indexOf(':');
    const x: XElement = {
      name: el.name,
      local: colon < 0 ? el.name : el.name.slice(colon + 1),
      ns: '',
      attrs: { ...el.attrs },
      children: [],
      text: el.children.filter((c): c is string => typeof c === 'string').join(''),
      span,
    };
    if (colon >= 0) x.prefix = el.name.slice(0, colon);
    if (parent) x.parent = parent;
    x.ns = resolveNs(x, x.prefix);
    for (const child of el.getChildElements()) x.children.push(visit(child, x));
    return x;
  };
  try {
    return { ok: true, root: visit(parsed.element), spans };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** The namespace bound to a prefix (or the default namespace) at an element. */
function resolveNs(el: XElement, prefix: string | undefined): string {
  if (prefix === 'xml') return XML_NS;
  const attr = prefix ? `xmlns:${prefix}` : 'xmlns';
  for (let e: XElement | undefined = el; e; e = e.parent) if (attr in e.attrs) return e.attrs[attr];
  return '';
}

/** Every element of the tree in document order. */
export function* walk(el: XElement): IterableIterator<XElement> {
  yield el;
  for (const c of el.children) yield* walk(c);
}

/**
 * The element a libxml2 error path names: `/*`, `/*\/*[2]`, `/Update/data/user/foo[3]`.
 * Each step selects among element children (by qualified name, or any for `*`), 1-based.
 */
export function elementAtPath(root: XElement, path: string): XElement | undefined {
  const steps = path.split('/').filter(Boolean);
  if (!steps.length) return undefined;
  let current: XElement | undefined;
  let candidates = [root];
  for (const step of steps) {
    const m = /^([^[\]]+)(?:\[(\d+)\])?$/.exec(step);
    if (!m) return undefined;
    const [, name, nth] = m;
    const matching = name === '*' ? candidates : candidates.filter((c) => c.name === name || c.local === name);
    current = matching[(nth ? Number(nth) : 1) - 1];
    if (!current) return undefined;
    candidates = current.children;
  }
  return current;
}
