/**
 * A validation finding with a range over the validated text. Lines and columns are 1-based (as
 * editors and compilers print them); columns count UTF-16 code units, like VS Code and JS
 * strings, so the VS Code layer converts with a subtraction only.
 */
export type Severity = 'error' | 'warning' | 'info';

/**
 * Where a finding comes from: well-formedness, a schema, or a protocol rule the schema cannot say;
 * `json` and `hub` for the JSON of a hub frame (hubRecord.ts).
 */
export type DiagnosticSource = 'xml' | 'xsd' | 'rfc6120' | 'rfc7395' | 'xep0060' | 'finesse' | 'json' | 'hub';

export interface Diagnostic {
  severity: Severity;
  message: string;
  source: DiagnosticSource;
  /** Stable id of a protocol rule (e.g. `iq-id`), for tests and quick fixes. */
  code?: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** `3:5 error iq-id RFC 6120 …` — for logs and test failure messages. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.line}:${d.column} ${d.severity}${d.code ? ` ${d.code}` : ''} ${d.message}`;
}
