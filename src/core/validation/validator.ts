/**
 * Validates one XML document (a stanza, an <open/>/<close/> frame, or a bare Finesse <Update>):
 *   1. well-formedness (libxml2's parser, with its line/column);
 *   2. the schema for the root's namespace (schemas/*.xsd, libxml2 XSD validation);
 *   3. protocol rules the schemas cannot say (rules.ts);
 *   4. each Finesse <Update> inside a notification, escaped or inline, as a document of its own
 *      against finesse.xsd plus finesseRules.ts, with positions mapped back into this text.
 * Findings come back as diagnostics with 1-based line/column ranges over the given text.
 * Input is untrusted: DTDs are refused before any parser sees them (RFC 6120 §11.1 forbids them
 * in XMPP, and they are how entity-expansion attacks start).
 */
import { Diagnostic } from './diagnostic';
import { attrValueRange, Finding, nameRange, textRange } from './finding';
import { libxml2, Libxml2, SchemaName, schemaValidator } from './libxml';
import { directTextRange, LineIndex } from './positions';
import { CLIENT_NS, FRAMING_NS, isStanza, protocolRules } from './rules';
import { updateRules } from './finesseRules';
import { buildTree, elementAtPath, XElement } from './tree';
import { embeddedUpdates } from './updates';

/** One text under validation: the document itself, or an Update inside it. */
interface Doc {
  text: string;
  lines: LineIndex;
  /** Offset in this text → offset in the validated document. */
  toOuter(offset: number): number;
  /** Prefix for messages about an embedded document. */
  label: string;
}

export async function validateXml(text: string): Promise<Diagnostic[]> {
  const outer: Doc = { text, lines: new LineIndex(text), toOuter: (o) => o, label: '' };
  const findings: Finding[] = [];
  const root = await checkDocument(outer, findings);
  if (root) {
    findings.push(...protocolRules(root));
    for (const update of embeddedUpdates(root, text)) {
      const doc: Doc = {
        text: update.text,
        lines: new LineIndex(update.text),
        toOuter: update.toOuter,
        label: 'Finesse Update: ',
      };
      const updateRoot = await checkDocument(doc, findings);
      if (updateRoot) findings.push(...mapFindings(doc, updateRules(updateRoot)));
    }
  }
  return toDiagnostics(outer.lines, findings);
}

/**
 * Well-formedness and schema of one document; returns its tree for the rules, or undefined when
 * it is not well-formed (then the parse errors are all there is to say).
 */
async function checkDocument(doc: Doc, findings: Finding[]): Promise<XElement | undefined> {
  if (!doc.text.trim()) {
    findings.push({
      severity: 'error',
      source: 'xml',
      code: 'empty',
      message: `${doc.label}empty document`,
      range: { start: doc.toOuter(0), end: doc.toOuter(0) },
    });
    return undefined;
  }
  const doctype = /<!DOCTYPE/i.exec(doc.text);
  if (doctype) {
    const start = doc.toOuter(doctype.index);
    findings.push({
      severity: 'error',
      source: 'rfc6120',
      code: 'dtd',
      message: `${doc.label}RFC 6120 §11.1: XMPP forbids DTDs; the document was not parsed`,
      range: { start, end: doc.toOuter(doctype.index + 9) },
    });
    return undefined;
  }
  const lx = await libxml2();
  const parseErrors = wellFormedness(lx, doc);
  if (parseErrors.length) {
    findings.push(...parseErrors);
    return undefined;
  }
  const tree = buildTree(doc.text);
  if (!tree.ok) {
    // libxml2 accepted what ltx did not (or the reverse); report it rather than guess positions.
    findings.push({
      severity: 'error',
      source: 'xml',
      code: 'parse',
      message: `${doc.label}${tree.error}`,
      range: { start: doc.toOuter(0), end: doc.toOuter(0) },
    });
    return undefined;
  }
  const root = tree.root;
  const choice = schemaFor(root);
  if (choice) {
    // A stanza without xmlns is checked as jabber:client (rules.ts warns about the missing
    // namespace); the declaration is inserted on the root's own line so lines stay the same.
    const at = root.span.nameRange.end;
    const text = choice.inject ? `${doc.text.slice(0, at)} xmlns="${choice.inject}"${doc.text.slice(at)}` : doc.text;
    findings.push(...mapFindings(doc, await schemaFindings(lx, text, doc, root, choice.schema)));
  }
  return root;
}

function schemaFor(root: XElement): { schema: SchemaName; inject?: string } | undefined {
  if (isStanza(root)) {
    if (root.ns === CLIENT_NS) return { schema: 'client' };
    if (root.ns === '') return { schema: 'client', inject: CLIENT_NS };
    return undefined; // jabber:server: no schema of ours
  }
  if (root.ns === FRAMING_NS) return { schema: 'framing' };
  if (root.ns === '' && root.local === 'Update') return { schema: 'finesse' };
  return undefined;
}

function wellFormedness(lx: Libxml2, doc: Doc): Finding[] {
  try {
    lx.XmlDocument.fromString(doc.text).dispose();
    return [];
  } catch (e) {
    const details = e instanceof lx.XmlParseError ? e.details : [];
    if (!details.length) {
      return [
        {
          severity: 'error',
          source: 'xml',
          code: 'parse',
          message: `${doc.label}${(e as Error).message.trim()}`,
          range: { start: doc.toOuter(0), end: doc.toOuter(0) },
        },
      ];
    }
    return details.map((d) => {
      const offset = doc.lines.offsetOfByteColumn(d.line || 1, d.col || 1);
      return {
        severity: d.level === 1 ? 'warning' : 'error',
        source: 'xml',
        code: 'parse',
        message: `${doc.label}${d.message.trim()}`,
        range: { start: doc.toOuter(offset), end: doc.toOuter(Math.min(offset + 1, doc.text.length)) },
      } satisfies Finding;
    });
  }
}

/** libxml2 XSD errors, placed on the element (or attribute, or text) they name. Ranges are in `doc`. */
async function schemaFindings(
  lx: Libxml2,
  text: string,
  doc: Doc,
  root: XElement,
  schema: SchemaName,
): Promise<Finding[]> {
  const validator = await schemaValidator(schema);
  const xml = lx.XmlDocument.fromString(text);
  try {
    validator.validate(xml);
    return [];
  } catch (e) {
    const details = e instanceof lx.XmlValidateError ? e.details : [];
    if (!details.length)
      return [{ severity: 'error', source: 'xsd', message: (e as Error).message.trim(), range: { start: 0, end: 0 } }];
    return details.map((d) => {
      const el = d.xpath ? elementAtPath(root, d.xpath) : undefined;
      const message = tidy(d.message);
      const attr = /attribute '([^']+)'/.exec(message)?.[1];
      const stray =
        el && /Character content other than whitespace is not allowed/.test(message)
          ? directTextRange(
              doc.text,
              el.span,
              el.children.map((c) => c.span),
            )
          : undefined;
      const range = !el
        ? doc.lines.lineRange(d.line || 1)
        : stray
          ? stray
          : attr
            ? attrValueRange(el, attr)
            : /The value '|is not a valid value|\[facet/.test(message)
              ? textRange(el)
              : nameRange(el);
      // Objects gain fields between Finesse releases: a field the guide does not list is a
      // warning, so a held frame from a newer server can still be sent without a prompt.
      const unknownField =
        schema === 'finesse' && !!el && depth(el) >= 3 && /This element is not expected/.test(message);
      return {
        severity: d.level === 1 || unknownField ? 'warning' : 'error',
        source: 'xsd',
        message: unknownField
          ? `${message} (not in the Finesse developer guide; newer releases may add fields)`
          : message,
        range,
      } satisfies Finding;
    });
  } finally {
    xml.dispose();
  }
}

function depth(el: XElement): number {
  let d = 0;
  for (let e = el.parent; e; e = e.parent) d++;
  return d;
}

/** libxml2 messages end in a newline and name client elements `{jabber:client}x`. */
function tidy(message: string): string {
  return message.trim().replace(/\{jabber:client\}/g, '');
}

function mapFindings(doc: Doc, findings: Finding[]): Finding[] {
  if (!doc.label) return findings;
  return findings.map((f) => ({
    ...f,
    message: f.message.startsWith(doc.label) ? f.message : doc.label + f.message,
    range: { start: doc.toOuter(f.range.start), end: doc.toOuter(f.range.end) },
  }));
}

function toDiagnostics(lines: LineIndex, findings: Finding[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const f of findings) {
    const start = lines.position(f.range.start);
    const end = lines.position(Math.max(f.range.end, f.range.start));
    const d: Diagnostic = {
      severity: f.severity,
      message: f.message,
      source: f.source,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
    };
    if (f.code) d.code = f.code;
    const key = `${d.line}:${d.column}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}
