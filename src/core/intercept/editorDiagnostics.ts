/**
 * What a frame editor shows of a validation. A well-formedness error is fatal (XML 1.0 §1.2: the
 * parser must stop reporting content after it), but libxml2 recovers and goes on: one missing
 * `>` comes back as ten errors, every enclosing element "mismatched" down to the root. The
 * editor keeps the errors at the first error's place, where the typo is, and says how many more
 * followed from it; every other finding is kept as it is.
 */
import type { Diagnostic } from '../validation/diagnostic';

export function withoutCascade(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const xml = diagnostics.filter((d) => d.source === 'xml' && d.severity === 'error');
  if (xml.length < 2) return [...diagnostics];
  const first = xml.reduce((a, b) => (b.line < a.line || (b.line === a.line && b.column < a.column) ? b : a));
  const at = (d: Diagnostic) => d.line === first.line && d.column === first.column;
  const kept = xml.filter(at);
  const followed = xml.length - kept.length;
  const last = kept[kept.length - 1];
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    if (d.source === 'xml' && d.severity === 'error' && !at(d)) continue;
    out.push(
      d === last && followed
        ? {
            ...d,
            message: `${d.message} (${followed} more error${followed === 1 ? ' follows' : 's follow'} from it)`,
          }
        : d,
    );
  }
  return out;
}
