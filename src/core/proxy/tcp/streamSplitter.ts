/**
 * Splits an XMPP-over-TCP byte stream (RFC 6120) into its top-level pieces, byte for byte: the
 * stream header (any XML declaration with the `<stream:stream …>` start tag), each stanza or
 * other child of the stream root, whitespace between them (keepalives), the closing
 * `</stream:stream>`, and whatever is not XML. The pieces' bytes, put back together, are exactly
 * the bytes pushed: a proxy forwards them as they came and a capture shows what crossed.
 *
 * It is a streaming tokenizer: it follows tags (quoted attribute values, comments, CDATA,
 * processing instructions) to find where each top-level element ends, and keeps an incomplete
 * one until the rest arrives. It does not judge well-formedness beyond that (a stanza's
 * consumer parses it, ltx via xml.ts): a mismatched end tag still closes the depth it opened,
 * text outside any element is a `junk` piece, and a piece that outgrows `maxPiece` is cut off
 * as `junk` so a peer that never closes a tag cannot make the reader buffer without end.
 * A stream header seen again inside the stream (the restart after SASL success) is a new
 * header. After STARTTLS the bytes are TLS: the owner stops pushing and calls reset().
 * UTF-8 is never decoded here: '<', '>', quotes and whitespace are ASCII bytes that cannot
 * occur inside a multi-byte sequence.
 */

export type PieceKind = 'header' | 'stanza' | 'whitespace' | 'close' | 'junk';

export interface StreamPiece {
  kind: PieceKind;
  /** The bytes exactly as received. */
  bytes: Buffer;
  /** The stanza's element name (with prefix), for stanzas and headers. */
  name?: string;
  /** Why a `junk` piece is not XML. */
  error?: string;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const QUOT = 0x22;
const APOS = 0x27;
const DEFAULT_MAX_PIECE = 1024 * 1024;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

export class StreamSplitter {
  private buf: Buffer = Buffer.alloc(0);
  /** Where the piece being read starts in `buf`. */
  private start = 0;
  /** How far `buf` has been scanned. */
  private pos = 0;
  /** Element depth: 0 before the stream root, 1 inside it (between stanzas), more inside one. */
  private depth = 0;
  private rootName: string | undefined;
  /** The piece being read so far is an XML declaration or other prolog before a header. */
  private prolog = false;
  private pieceName: string | undefined;
  /** Names of the elements open inside the current stanza, to catch a mismatched end tag. */
  private open: string[] = [];

  constructor(private readonly maxPiece = DEFAULT_MAX_PIECE) {}

  /** Inside the stream root (the header was seen, the close not yet). */
  get inStream(): boolean {
    return this.depth >= 1;
  }

  /** Bytes received that are not yet part of a complete piece. */
  get buffered(): number {
    return this.buf.length - this.start;
  }

  /** Everything pushed so far, as the pieces that are complete. */
  push(chunk: Buffer): StreamPiece[] {
    this.buf = this.start < this.buf.length ? Buffer.concat([this.buf.subarray(this.start), chunk]) : chunk;
    this.pos -= this.start;
    this.start = 0;
    if (this.pos < 0) this.pos = 0;
    const out: StreamPiece[] = [];
    this.scan(out);
    if (this.buf.length - this.start > this.maxPiece) {
      out.push(this.cut('junk', this.buf.length, `more than ${this.maxPiece} bytes without the element ending`));
      this.depth = this.rootName ? 1 : 0;
      this.prolog = false;
      this.open = [];
    }
    return out;
  }

  /** The stream ended: what is left is an incomplete piece, returned as junk. */
  end(): StreamPiece[] {
    if (this.start >= this.buf.length) return [];
    const rest = this.buf.subarray(this.start);
    const onlySpace = rest.every(isSpace);
    const piece = onlySpace
      ? { kind: 'whitespace' as const, bytes: Buffer.from(rest) }
      : { kind: 'junk' as const, bytes: Buffer.from(rest), error: 'the stream ended inside an element' };
    this.reset();
    return [piece];
  }

  /** Forgets everything: a new stream starts (after STARTTLS the bytes are TLS, then XML anew). */
  reset(): void {
    this.buf = Buffer.alloc(0);
    this.start = this.pos = this.depth = 0;
    this.rootName = this.pieceName = undefined;
    this.prolog = false;
    this.open = [];
  }

  private scan(out: StreamPiece[]): void {
    const buf = this.buf;
    while (this.pos < buf.length) {
      const b = buf[this.pos];
      if (b !== LT) {
        if (this.depth <= 1 && !this.prolog && this.pos === this.start) {
          // Between elements: whitespace (a keepalive, whole as sent) or text that is not XML.
          const lt = buf.indexOf(LT, this.pos);
          const i = lt < 0 ? buf.length : lt;
          const text = buf.subarray(this.start, i);
          out.push(text.every(isSpace) ? this.cut('whitespace', i) : this.cut('junk', i, 'text outside any element'));
          continue;
        }
        const lt = buf.indexOf(LT, this.pos);
        this.pos = lt < 0 ? buf.length : lt;
        continue;
      }
      const tagEnd = this.tokenEnd(this.pos);
      if (tagEnd < 0) return; // incomplete: wait for more bytes
      const second = buf[this.pos + 1];
      if (second === BANG || second === QUESTION) {
        // Comments, CDATA, declarations: no depth change. At top level they start a prolog.
        if (this.depth <= 1 && this.pos === this.start) this.prolog = true;
        this.pos = tagEnd;
        continue;
      }
      if (second === SLASH) {
        const lt = this.pos;
        this.pos = tagEnd;
        if (this.depth === 1) {
          // The root's own end: the stream is closed.
          this.depth = 0;
          this.rootName = undefined;
          out.push(this.cut('close', tagEnd));
          continue;
        }
        if (this.depth === 0) {
          out.push(this.cut('junk', tagEnd, 'an end tag outside the stream'));
          continue;
        }
        const closing = tagName(buf, lt + 2, tagEnd);
        if (closing !== this.open.pop()) {
          // Not well-formed: forwarded as it is so far, and the stream goes on between stanzas.
          out.push(this.cut('junk', tagEnd, `</${closing}> does not close the open element`));
          this.depth = 1;
          this.open = [];
          continue;
        }
        this.depth--;
        if (this.depth === 1) out.push(this.cut('stanza', tagEnd));
        continue;
      }
      const name = tagName(buf, this.pos + 1, tagEnd);
      const selfClosing = buf[tagEnd - 2] === SLASH;
      this.pos = tagEnd;
      if (this.depth === 0 || (this.depth === 1 && isStreamRoot(name, this.rootName))) {
        // The stream header (again after a restart): it opens the root, it does not close.
        if (selfClosing) {
          out.push(this.cut('junk', tagEnd, 'a self-closed stream header'));
          continue;
        }
        this.depth = 1;
        this.rootName = name;
        this.pieceName = name;
        out.push(this.cut('header', tagEnd));
        continue;
      }
      if (this.depth === 1) this.pieceName = name;
      if (selfClosing) {
        if (this.depth === 1) out.push(this.cut('stanza', tagEnd));
        continue;
      }
      this.open.push(name);
      this.depth++;
    }
  }

  /** The piece [start, end) of `buf`, copied out so the chunk it came in can be let go. */
  private cut(kind: PieceKind, end: number, error?: string): StreamPiece {
    const piece: StreamPiece = { kind, bytes: Buffer.from(this.buf.subarray(this.start, end)) };
    if ((kind === 'stanza' || kind === 'header') && this.pieceName) piece.name = this.pieceName;
    if (kind === 'junk' && error) piece.error = error;
    this.start = this.pos = end;
    this.prolog = false;
    this.pieceName = undefined;
    return piece;
  }

  /** Index just past the token starting with '<' at `lt`, or -1 when it is not complete yet. */
  private tokenEnd(lt: number): number {
    const buf = this.buf;
    if (lt + 1 >= buf.length) return -1;
    if (buf[lt + 1] === BANG) {
      // Too short yet to tell a comment or CDATA section from a declaration.
      const head = buf.toString('latin1', lt, Math.min(buf.length, lt + 9));
      if ((head.length < 4 && '<!--'.startsWith(head)) || (head.length < 9 && '<![CDATA['.startsWith(head))) return -1;
    }
    if (startsWith(buf, lt, '<!--')) return after(buf, '-->', lt + 4);
    if (startsWith(buf, lt, '<![CDATA[')) return after(buf, ']]>', lt + 9);
    if (buf[lt + 1] === QUESTION) return after(buf, '?>', lt + 2);
    let quote = 0;
    for (let i = lt + 1; i < buf.length; i++) {
      const c = buf[i];
      if (quote) {
        if (c === quote) quote = 0;
      } else if (c === QUOT || c === APOS) quote = c;
      else if (c === GT) return i + 1;
    }
    return -1;
  }
}

function startsWith(buf: Buffer, at: number, text: string): boolean {
  if (buf.length - at < text.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

function after(buf: Buffer, marker: string, from: number): number {
  const i = buf.indexOf(marker, from, 'latin1');
  return i < 0 ? -1 : i + marker.length;
}

function tagName(buf: Buffer, from: number, end: number): string {
  let i = from;
  while (i < end && !isSpace(buf[i]) && buf[i] !== SLASH && buf[i] !== GT) i++;
  return buf.toString('utf8', from, i);
}

/** `stream:stream` (any prefix, or none) is the root; so is the same name as the current root. */
function isStreamRoot(name: string, root: string | undefined): boolean {
  return name === root || name === 'stream:stream' || name === 'stream' || name.endsWith(':stream');
}
