/**
 * `finesse-frames validate FILE…`: checks stanzas against the schemas (jabber:client, XEP-0060,
 * Finesse) and the protocol rules, and prints one JSON line per diagnostic:
 *   {"file","line","column","severity","message","frame"?}
 * A FILE is either one XML document (a stanza, an <open/>, a Finesse <Update>) or a JSON-lines
 * capture as `connect`/`proxy` print it (one frame record per line; frame = its id).
 */
import { readFileSync } from 'node:fs';
import { classifyText } from '../core/xmpp/framing';
import type { Diagnostic } from '../core/validation/diagnostic';
import { validateXml } from '../core/validation/validator';
import { EXIT_FAILURE, EXIT_OK, parse, printJson, UsageError } from './io';

const USAGE = `usage: finesse-frames validate FILE...

Validates XMPP stanzas against the jabber:client, XEP-0060 pubsub and Finesse schemas and
the protocol rules a schema cannot say (RFC 6120 iq id and children, XEP-0060 subscribe
node and jid, Finesse Update event...). Finesse Updates escaped inside notifications are
validated too.

FILE is one XML document (a stanza, an <open/>, a Finesse <Update>), a JSON-lines capture
(the output of finesse-frames connect or proxy: one frame record per line), or - for stdin.

Prints one JSON line per diagnostic:
  {"file","line","column","severity","message","frame"}
For an XML file, line and column are positions in the file. For a capture, line is the
capture's line and column the character position inside that frame's raw text; frame is
the frame id.

Exit codes: 0 valid (warnings allowed), 1 invalid, 2 usage error or unreadable file.
`;

const OPTIONS = { help: { type: 'boolean', short: 'h' } } as const;

export interface FileDiagnostic {
  file: string;
  line: number;
  column: number;
  severity: Diagnostic['severity'];
  message: string;
  frame?: number;
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (!positionals.length) throw new UsageError('expected a FILE to validate (see --help)');
  // Read everything first: an unreadable file is a usage error, before any output.
  const inputs = positionals.map((file) => ({ file, text: read(file) }));
  let invalid = false;
  for (const { file, text } of inputs) {
    for (const d of await validateFile(file, text)) {
      if (d.severity === 'error') invalid = true;
      printJson(d);
    }
  }
  return invalid ? EXIT_FAILURE : EXIT_OK;
}

function read(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Diagnostics of one file, XML or JSON lines (told apart by the first character). */
export async function validateFile(file: string, text: string): Promise<FileDiagnostic[]> {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trimStart().startsWith('{')) return validateCapture(file, body);
  return (await validateXml(body)).map((d) => ({
    file,
    line: d.line,
    column: d.column,
    severity: d.severity,
    message: d.message,
  }));
}

const XML_KINDS = new Set(['open', 'close', 'stanza']);

async function validateCapture(file: string, text: string): Promise<FileDiagnostic[]> {
  const out: FileDiagnostic[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let record: { id?: unknown; raw?: unknown; kind?: unknown };
    try {
      record = JSON.parse(line);
    } catch (e) {
      out.push({
        file,
        line: i + 1,
        column: 1,
        severity: 'error',
        message: `not a JSON frame record: ${(e as Error).message}`,
      });
      continue;
    }
    // Other JSON lines of the CLI (e.g. {"listening": …}) carry no frame.
    if (typeof record !== 'object' || record === null || typeof record.raw !== 'string') continue;
    const raw = record.raw;
    const kind = typeof record.kind === 'string' ? record.kind : classifyText(raw);
    if (!XML_KINDS.has(kind)) continue;
    const frame = typeof record.id === 'number' ? record.id : undefined;
    const offsets = lineStarts(raw);
    for (const d of await validateXml(raw)) {
      const fd: FileDiagnostic = {
        file,
        line: i + 1,
        column: offsets[d.line - 1] + d.column,
        severity: d.severity,
        message: d.message,
      };
      if (frame !== undefined) fd.frame = frame;
      out.push(fd);
    }
  }
  return out;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}
