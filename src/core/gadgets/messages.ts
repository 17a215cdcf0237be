/**
 * A gadget's message bundle for one locale, as Shindig merges it: the `all`/`ALL` locale, then
 * the language's (`lang`/`ALL`), then the exact one, later ones overriding. A Locale's messages
 * are inline `<msg>` elements or a `messages` file (`<messagebundle><msg name>…`) found relative
 * to the spec; a bundle that cannot be read is a problem with its line, and the others still
 * apply.
 */
import { libxml2 } from '../validation/libxml';
import type { GadgetProblem } from './problem';
import type { GadgetSpec, LocaleSpec } from './spec';

/** Reads a bundle's text by its URL; undefined when it is not there (or not reachable from here). */
export type BundleLoader = (url: URL) => Promise<string | undefined>;

export async function messagesFor(
  spec: GadgetSpec,
  specUrl: URL,
  locale: { lang: string; country: string },
  load: BundleLoader,
): Promise<{ messages: Record<string, string>; problems: Omit<GadgetProblem, 'spec' | 'mid'>[] }> {
  const messages: Record<string, string> = {};
  const problems: Omit<GadgetProblem, 'spec' | 'mid'>[] = [];
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const order: [string, string][] = [
    ['all', 'ALL'],
    [locale.lang, 'ALL'],
    [locale.lang, locale.country],
  ];
  const seen = new Set<LocaleSpec>();
  for (const [lang, country] of order) {
    for (const l of spec.locales) {
      if (seen.has(l) || !same(l.lang, lang) || !same(l.country, country)) continue;
      seen.add(l);
      if (l.messages) {
        let url: URL | undefined;
        try {
          url = new URL(l.messages, specUrl);
        } catch {
          url = undefined;
        }
        const text = url && (await load(url));
        if (text === undefined) {
          problems.push({
            severity: 'warning',
            kind: 'spec',
            line: l.line,
            message: `message bundle ${l.messages} not found`,
          });
        } else {
          try {
            Object.assign(messages, await readBundle(text));
          } catch (e) {
            problems.push({
              severity: 'warning',
              kind: 'spec',
              line: l.line,
              message: `message bundle ${l.messages}: ${(e as Error).message}`,
            });
          }
        }
      }
      Object.assign(messages, l.inline);
    }
  }
  return { messages, problems };
}

/** `<messagebundle><msg name="x">text</msg>…</messagebundle>` → {x: text}. */
async function readBundle(xml: string): Promise<Record<string, string>> {
  const lx = await libxml2();
  let doc;
  try {
    doc = lx.XmlDocument.fromString(xml);
  } catch (e) {
    const d = e instanceof lx.XmlLibError ? e.details[0] : undefined;
    throw new Error(d ? `line ${d.line}: ${d.message.trim()}` : (e as Error).message);
  }
  try {
    const out: Record<string, string> = {};
    for (let n = doc.root.firstChild; n; n = n.next) {
      if (!(n instanceof lx.XmlElement) || n.name !== 'msg') continue;
      const name = n.attrs.find((a) => a.name === 'name')?.value;
      if (name) out[name] = n.content;
    }
    return out;
  } finally {
    doc.dispose();
  }
}
