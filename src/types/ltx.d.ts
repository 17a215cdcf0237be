// Minimal typings for ltx 3 (it ships none). Only what the xml façade uses.
declare module 'ltx' {
  export class Element {
    constructor(name: string, attrs?: Record<string, string | number | undefined>);
    name: string;
    attrs: Record<string, string>;
    children: (Element | string)[];
    parent: Element | null;
    getName(): string;
    getNS(): string | undefined;
    is(name: string, xmlns?: string): boolean;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getText(): string;
    getChildText(name: string, xmlns?: string): string | null;
    getAttr(name: string, xmlns?: string): string | undefined;
    c(name: string, attrs?: Record<string, string | number | undefined>): Element;
    t(text: string): Element;
    up(): Element;
    root(): Element;
    toString(): string;
  }
  export class Parser {
    constructor(options?: unknown);
    on(event: 'tree', cb: (tree: Element) => void): this;
    on(event: 'error', cb: (error: Error) => void): this;
    on(event: 'startElement', cb: (name: string, attrs: Record<string, string>) => void): this;
    on(event: 'endElement', cb: (name: string) => void): this;
    on(event: 'text', cb: (text: string) => void): this;
    write(data: string): void;
    end(data?: string): void;
  }
  export function parse(data: string): Element;
  export function escapeXML(s: string): string;
  export function unescapeXML(s: string): string;
  export function escapeXMLText(s: string): string;
  export function unescapeXMLText(s: string): string;
  export function createElement(
    name: string,
    attrs?: Record<string, string | number | undefined>,
    ...children: (Element | string)[]
  ): Element;
}
