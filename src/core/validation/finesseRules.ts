/**
 * Finesse rules beyond finesse.xsd, from the developer guide's "Notification Parameters":
 * the payload is an <Update>; source names a /finesse/api/ resource; PUT and POST carry the
 * changed object in <data> (only a deleted object may come without it).
 */
import { Finding, nameRange, textRange } from './finding';
import { XElement } from './tree';

export function updateRules(update: XElement): Finding[] {
  const out: Finding[] = [];
  if (update.local !== 'Update') {
    if (update.local.toLowerCase() === 'update') {
      out.push({
        severity: 'warning',
        source: 'finesse',
        code: 'update-case',
        message: `Finesse publishes <Update>; <${update.name}> is accepted by the desktop's case-tolerant parser but not by the schema`,
        range: nameRange(update),
      });
    } else {
      out.push({
        severity: 'error',
        source: 'finesse',
        code: 'update-root',
        message: `a Finesse notification carries an <Update> document, not <${update.name}>`,
        range: nameRange(update),
      });
    }
    return out;
  }
  const child = (name: string) => update.children.find((c) => c.local === name);
  const source = child('source');
  const text = source?.text.trim();
  if (source && text && !text.startsWith('/finesse/api/')) {
    out.push({
      severity: 'warning',
      source: 'finesse',
      code: 'update-source',
      message: `Finesse: source names the changed resource, a /finesse/api/... path (found "${text}")`,
      range: textRange(source),
    });
  }
  const event = child('event')?.text.trim().toUpperCase();
  if ((event === 'PUT' || event === 'POST') && !child('data')) {
    out.push({
      severity: 'warning',
      source: 'finesse',
      code: 'update-data',
      message: `Finesse: a ${event} notification carries the changed object in <data> (only DELETE may omit it)`,
      range: nameRange(update),
    });
  }
  return out;
}
