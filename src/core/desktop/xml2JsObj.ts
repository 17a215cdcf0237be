/**
 * The object a gadget receives as `object` of a hub event: finesse.js's `Utilities.xml2JsObj`,
 * which is `JSON.parse(Converter.xml2json(jQuery.parseXML(xml), ""))`, Stefan Goessner's
 * xml2json as Cisco ships it. Gadgets read `object.Update.data.user.state` and the like, and they
 * depend on its quirks, so it is reproduced step for step over a W3C DOM (@xmldom/xmldom, which
 * has what the browser's DOMParser gives finesse.js: attribute nodes including `xmlns`, CDATA
 * nodes, `normalize()`):
 *  - whitespace-only text nodes are removed first (everywhere);
 *  - an element without attributes or children is `null`; one with only text is the text;
 *  - attributes are `@name` keys; text beside attributes or child elements is `#text`, a CDATA
 *    section `#cdata`;
 *  - a repeated child becomes an array, except after a first occurrence that was `null` (the
 *    original tests the first value's truthiness, so `<a/><a/>` is one `null`);
 *  - mixed content (two or more text or CDATA nodes beside elements) is the inner XML as text,
 *    written back without escaping;
 *  - the JSON text is built with only `\`, `"`, LF and CR escaped, every tab and newline of the
 *    whole text is then deleted (so is a tab inside a value), and the text is parsed: a value
 *    holding another control character fails the parse, and finesse.js publishes nothing
 *    (`xml2JsObj` throws here).
 */
import { DOMParser } from '@xmldom/xmldom';

/** A DOM node as the conversion reads it (the subset of the W3C interface it uses). */
interface DomNode {
  nodeType: number;
  nodeName: string;
  nodeValue: string | null;
  firstChild: DomNode | null;
  nextSibling: DomNode | null;
  attributes?: { length: number; [i: number]: { nodeName: string; nodeValue: string | null } };
  documentElement?: DomNode;
  normalize(): void;
  removeChild(n: DomNode): void;
}

type Json = null | string | Json[] | { [k: string]: Json };

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;
const DOCUMENT = 9;
const NOT_WHITE = /[^ \f\n\r\t\v]/;

/** Parses XML as jQuery.parseXML does; throws `Invalid XML: …` when it is not well-formed. */
function parseXmlDocument(text: string): DomNode {
  let error: string | undefined;
  const parser = new DOMParser({
    onError: (level: string, message: string) => {
      if (level !== 'warning') error ??= message;
    },
  });
  let doc: DomNode | undefined;
  try {
    doc = parser.parseFromString(text, 'text/xml') as unknown as DomNode;
  } catch (e) {
    error ??= (e as Error).message;
  }
  if (error || !doc?.documentElement) throw new Error(`Invalid XML: ${error ?? 'no root element'}`);
  return doc;
}

/** finesse.js `Converter.xml2json(dom, "")`: the JSON text, before parsing. */
function xml2json(xml: DomNode): string {
  if (xml.nodeType === DOCUMENT) xml = xml.documentElement as DomNode;
  const json = toJson(toObj(removeWhite(xml)), xml.nodeName, '\t');
  return '{\n' + json.replace(/\t|\n/g, '') + '\n}';
}

/** finesse.js `Utilities.xml2JsObj(xml)`: the object a hub event carries. Throws as it does. */
export function xml2JsObj(xml: string): Record<string, Json> {
  return JSON.parse(xml2json(parseXmlDocument(xml))) as Record<string, Json>;
}

function attrsOf(n: DomNode): NonNullable<DomNode['attributes']> {
  return n.attributes ?? { length: 0 };
}

function toObj(xml: DomNode): Json {
  let o: Json = {};
  const attrs = attrsOf(xml);
  if (xml.nodeType === ELEMENT) {
    const obj = o as Record<string, Json>;
    for (let i = 0; i < attrs.length; i++) obj['@' + attrs[i].nodeName] = String(attrs[i].nodeValue || '');
    if (xml.firstChild) {
      let textChild = 0;
      let cdataChild = 0;
      let hasElementChild = false;
      for (let n: DomNode | null = xml.firstChild; n; n = n.nextSibling) {
        if (n.nodeType === ELEMENT) hasElementChild = true;
        else if (n.nodeType === TEXT && NOT_WHITE.test(n.nodeValue ?? '')) textChild++;
        else if (n.nodeType === CDATA) cdataChild++;
      }
      if (hasElementChild) {
        if (textChild < 2 && cdataChild < 2) {
          removeWhite(xml);
          for (let n: DomNode | null = xml.firstChild; n; n = n.nextSibling) {
            if (n.nodeType === TEXT) obj['#text'] = escape(n.nodeValue ?? '');
            else if (n.nodeType === CDATA) obj['#cdata'] = escape(n.nodeValue ?? '');
            else if (obj[n.nodeName]) {
              const prev = obj[n.nodeName];
              if (Array.isArray(prev)) prev.push(toObj(n));
              else obj[n.nodeName] = [prev, toObj(n)];
            } else obj[n.nodeName] = toObj(n);
          }
        } else if (!attrs.length) o = escape(innerXml(xml));
        else obj['#text'] = escape(innerXml(xml));
      } else if (textChild) {
        if (!attrs.length) o = escape(innerXml(xml));
        else obj['#text'] = escape(innerXml(xml));
      } else if (cdataChild) {
        if (cdataChild > 1) o = escape(innerXml(xml));
        else
          for (let n: DomNode | null = xml.firstChild; n; n = n.nextSibling) obj['#cdata'] = escape(n.nodeValue ?? '');
      }
    }
    if (!attrs.length && !xml.firstChild) o = null;
  } else if (xml.nodeType === DOCUMENT) {
    o = toObj(xml.documentElement as DomNode);
  } else throw new Error(`unhandled node type: ${xml.nodeType}`);
  return o;
}

function toJson(o: Json, name: string, ind: string): string {
  let json = name ? `"${name}"` : '';
  if (Array.isArray(o)) {
    const parts = o.map((x) => toJson(x, '', ind + '\t'));
    json +=
      (name ? ':[' : '[') +
      (parts.length > 1 ? '\n' + ind + '\t' + parts.join(',\n' + ind + '\t') + '\n' + ind : parts.join('')) +
      ']';
  } else if (o === null) json += (name && ':') + 'null';
  else if (typeof o === 'object') {
    const arr: string[] = [];
    for (const m in o) arr.push(toJson(o[m], m, ind + '\t'));
    json +=
      (name ? ':{' : '{') +
      (arr.length > 1 ? '\n' + ind + '\t' + arr.join(',\n' + ind + '\t') + '\n' + ind : arr.join('')) +
      '}';
  } else json += (name && ':') + '"' + o + '"';
  return json;
}

function innerXml(node: DomNode): string {
  const asXml = (n: DomNode): string => {
    let s = '';
    if (n.nodeType === ELEMENT) {
      s += '<' + n.nodeName;
      const attrs = attrsOf(n);
      for (let i = 0; i < attrs.length; i++)
        s += ' ' + attrs[i].nodeName + '="' + String(attrs[i].nodeValue || '') + '"';
      if (n.firstChild) {
        s += '>';
        for (let c: DomNode | null = n.firstChild; c; c = c.nextSibling) s += asXml(c);
        s += '</' + n.nodeName + '>';
      } else s += '/>';
    } else if (n.nodeType === TEXT) s += n.nodeValue ?? '';
    else if (n.nodeType === CDATA) s += '<![CDATA[' + (n.nodeValue ?? '') + ']]>';
    return s;
  };
  let s = '';
  for (let c: DomNode | null = node.firstChild; c; c = c.nextSibling) s += asXml(c);
  return s;
}

function escape(txt: string): string {
  return txt.replace(/[\\]/g, '\\\\').replace(/["]/g, '\\"').replace(/[\n]/g, '\\n').replace(/[\r]/g, '\\r');
}

function removeWhite(e: DomNode): DomNode {
  e.normalize();
  for (let n = e.firstChild; n;) {
    if (n.nodeType === TEXT) {
      if (!NOT_WHITE.test(n.nodeValue ?? '')) {
        const next: DomNode | null = n.nextSibling;
        e.removeChild(n);
        n = next;
      } else n = n.nextSibling;
    } else if (n.nodeType === ELEMENT) {
      removeWhite(n);
      n = n.nextSibling;
    } else n = n.nextSibling;
  }
  return e;
}
