/**
 * Source positions for XML text. libxml2 reports schema errors by element path (`*[2]` steps),
 * and ltx keeps no positions at all, so this scanner finds every start tag (and its attributes
 * and end tag) in document order; the n-th element of a parsed tree is the n-th span here.
 * It runs only on text a real parser has already accepted, so it need not diagnose anything.
 */
import { skipPast } from '../xmpp/xml';

export interface Range {
  start: number;
  end: number;
}

interface AttrSpan {
  name: Range;
  value: Range;
}

export interface TagSpan {
  /** Offset of `<`. */
  start: number;
  name: string;
  nameRange: Range;
  /** Offset just after the start tag's `>`. */
  end: number;
  selfClosing: boolean;
  attrs: Map<string, AttrSpan>;
  /** The matching end tag `</name>`, absent for `<x/>`. */
  close?: Range;
}

const NAME_CHAR = /[^\s/>=]/;

/** Start tags in document order; comments, CDATA, processing instructions and DOCTYPE are skipped. */
export function scanTags(text: string): TagSpan[] {
  const spans: TagSpan[] = [];
  const open: TagSpan[] = [];
  let i = text.indexOf('<');
  while (i >= 0 && i < text.length) {
    if (text.startsWith('<!--', i)) i = skipPast(text, '-->', i);
    else if (text.startsWith('<![CDATA[', i)) i = skipPast(text, ']]>', i);
    else if (text.startsWith('<?', i)) i = skipPast(text, '?>', i);
    else if (text.startsWith('<!', i)) i = skipPast(text, '>', i);
    else if (text[i + 1] === '/') {
      const end = skipPast(text, '>', i);
      const span = open.pop();
      if (span) span.close = { start: i, end };
      i = end;
    } else {
      const span = scanStartTag(text, i);
      spans.push(span);
      if (!span.selfClosing) open.push(span);
      i = span.end;
    }
    i = text.indexOf('<', i);
  }
  return spans;
}

function scanStartTag(text: string, start: number): TagSpan {
  let i = start + 1;
  const nameStart = i;
  while (i < text.length && NAME_CHAR.test(text[i])) i++;
  const span: TagSpan = {
    start,
    name: text.slice(nameStart, i),
    nameRange: { start: nameStart, end: i },
    end: text.length,
    selfClosing: false,
    attrs: new Map(),
  };
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) return span;
    if (text[i] === '>') {
      span.end = i + 1;
      return span;
    }
    if (text[i] === '/') {
      span.selfClosing = true;
      span.end = skipPast(text, '>', i);
      return span;
    }
    const attrStart = i;
    while (i < text.length && NAME_CHAR.test(text[i])) i++;
    const name = { start: attrStart, end: i };
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text[i] !== '=') {
      i = Math.max(i, attrStart + 1); // not well-formed; cannot happen after a real parser accepted it
      continue;
    }
    i++;
    while (i < text.length && /\s/.test(text[i])) i++;
    const quote = text[i];
    const valueStart = i + 1;
    const valueEnd = text.indexOf(quote, valueStart);
    const end = valueEnd < 0 ? text.length : valueEnd;
    span.attrs.set(text.slice(name.start, name.end), { name, value: { start: valueStart, end } });
    i = end + 1;
  }
}

export interface Position {
  line: number;
  column: number;
}

/** Offset ↔ 1-based line/column over one text. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.starts[lo] + 1 };
  }

  /** Offset of a 1-based line/column, clamped to the text. */
  offset(line: number, column: number): number {
    const l = Math.max(1, Math.min(line, this.starts.length));
    const start = this.starts[l - 1];
    return Math.min(start + Math.max(0, column - 1), this.lineEnd(l));
  }

  /** libxml2 counts columns in UTF-8 bytes; converts one to an offset on that line. */
  offsetOfByteColumn(line: number, byteColumn: number): number {
    const l = Math.max(1, Math.min(line, this.starts.length));
    const start = this.starts[l - 1];
    const lineText = this.text.slice(start, this.lineEnd(l));
    let bytes = 0;
    let i = 0;
    while (i < lineText.length && bytes < byteColumn - 1) {
      const cp = lineText.codePointAt(i) as number;
      bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      i += cp > 0xffff ? 2 : 1;
    }
    return start + i;
  }

  /** The non-blank part of a line, for findings that only know their line. */
  lineRange(line: number): Range {
    const l = Math.max(1, Math.min(line, this.starts.length));
    const start = this.starts[l - 1];
    const end = this.lineEnd(l);
    const body = this.text.slice(start, end);
    const lead = body.length - body.trimStart().length;
    const trail = body.length - body.trimEnd().length;
    return lead === body.length ? { start, end } : { start: start + lead, end: end - trail };
  }

  private lineEnd(line: number): number {
    const next = line < this.starts.length ? this.starts[line] - 1 : this.text.length;
    return next > 0 && this.text[next - 1] === '\r' ? next - 1 : next;
  }
}

/**
 * The first run of non-whitespace character data directly inside an element (between its
 * children, not in them): where "character content is not allowed" really is. libxml2 names
 * only the parent element of such text, which can be many lines above the stray character.
 */
export function directTextRange(text: string, span: TagSpan, children: readonly TagSpan[]): Range | undefined {
  const close = span.close;
  if (!close) return undefined;
  let from = span.end;
  const gaps: Range[] = [];
  for (const child of [...children].sort((a, b) => a.start - b.start)) {
    gaps.push({ start: from, end: child.start });
    from = child.close?.end ?? child.end;
  }
  gaps.push({ start: from, end: close.start });
  for (const gap of gaps) {
    let i = gap.start;
    while (i < gap.end) {
      if (text.startsWith('<!--', i)) {
        i = Math.min(gap.end, skipPast(text, '-->', i));
        continue;
      }
      if (text.startsWith('<?', i)) {
        i = Math.min(gap.end, skipPast(text, '?>', i));
        continue;
      }
      if (/\s/.test(text[i])) {
        i++;
        continue;
      }
      let end = i;
      while (end < gap.end && text[end] !== '<' && !/[\r\n]/.test(text[end])) end++;
      while (end > i + 1 && /\s/.test(text[end - 1])) end--;
      return { start: i, end };
    }
  }
  return undefined;
}
