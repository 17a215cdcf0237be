/**
 * An OpenSocial gadget spec (`<Module>`), read as Shindig reads it: ModulePrefs (title and every
 * attribute), Require/Optional features with their Params, UserPrefs with default_value, Locales
 * (inline `<msg>` or a `messages` bundle URL), and every Content section with its views. Each part
 * keeps the line it came from, so an error can name it. A spec that does not parse is a SpecError
 * with libxml2's message and line; nothing in the spec is fetched here (external entities and
 * DTDs are never loaded).
 */
import type { XmlElement } from 'libxml2-wasm';
import { libxml2 } from '../validation/libxml';

interface FeatureUse {
  name: string;
  /** `<Require>`; `<Optional>` when false. */
  required: boolean;
  /** `<Param name="x">value</Param>`, in order (a name may repeat). */
  params: Record<string, string[]>;
  line: number;
}

interface UserPrefSpec {
  name: string;
  displayName?: string;
  defaultValue?: string;
  datatype: string;
  required: boolean;
  line: number;
}

export interface LocaleSpec {
  /** `all` when absent, as Shindig. */
  lang: string;
  /** `ALL` when absent. */
  country: string;
  /** A message bundle to load, as written (relative to the spec). */
  messages?: string;
  /** Messages given inline (`<msg name="x">text</msg>`). */
  inline: Record<string, string>;
  line: number;
}

export interface ContentSection {
  /** `html` (the default), `url`, or whatever the spec says (then unsupported). */
  type: string;
  /** The views it serves; `['default']` when it names none. */
  views: string[];
  href?: string;
  body: string;
  line: number;
}

export interface GadgetSpec {
  title: string;
  /** Every ModulePrefs attribute (title, description, height, author…). */
  modulePrefs: Record<string, string>;
  features: FeatureUse[];
  userPrefs: UserPrefSpec[];
  locales: LocaleSpec[];
  contents: ContentSection[];
}

export class SpecError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column?: number,
  ) {
    super(`line ${line}${column ? `:${column}` : ''}: ${message}`);
    this.name = 'SpecError';
  }
}

/** Reads a spec's text; throws SpecError when it is not well-formed or not a `<Module>`. */
export async function readSpec(xml: string): Promise<GadgetSpec> {
  const lx = await libxml2();
  let doc: InstanceType<typeof lx.XmlDocument>;
  try {
    doc = lx.XmlDocument.fromString(xml);
  } catch (e) {
    const d = e instanceof lx.XmlLibError ? e.details[0] : undefined;
    if (d) throw new SpecError(d.message.trim(), d.line, d.col || undefined);
    throw new SpecError((e as Error).message, 1);
  }
  try {
    const root = doc.root;
    if (root.name !== 'Module') throw new SpecError(`the root element is <${root.name}>, not <Module>`, root.line);
    return readModule(root, lx.XmlElement);
  } finally {
    doc.dispose();
  }
}

type ElementClass = abstract new (...args: never[]) => XmlElement;

function readModule(root: XmlElement, Element: ElementClass): GadgetSpec {
  const children = (e: XmlElement): XmlElement[] => {
    const out: XmlElement[] = [];
    for (let n = e.firstChild; n; n = n.next) if (n instanceof Element) out.push(n);
    return out;
  };
  const attrs = (e: XmlElement): Record<string, string> => Object.fromEntries(e.attrs.map((a) => [a.name, a.value]));
  const spec: GadgetSpec = { title: '', modulePrefs: {}, features: [], userPrefs: [], locales: [], contents: [] };
  const prefsEls = children(root).filter((e) => e.name === 'ModulePrefs');
  if (prefsEls.length > 1) throw new SpecError('more than one <ModulePrefs>', prefsEls[1].line);
  for (const mp of prefsEls) {
    spec.modulePrefs = attrs(mp);
    spec.title = spec.modulePrefs.title ?? '';
    for (const el of children(mp)) {
      if (el.name === 'Require' || el.name === 'Optional') {
        const a = attrs(el);
        // OpenSocial lets one element name several features, space-separated.
        const names = (a.feature ?? '').split(/\s+/).filter(Boolean);
        if (!names.length) throw new SpecError(`<${el.name}> without a feature attribute`, el.line);
        const params: Record<string, string[]> = {};
        for (const p of children(el).filter((c) => c.name === 'Param')) {
          const name = attrs(p).name;
          if (!name) throw new SpecError('<Param> without a name attribute', p.line);
          (params[name] ??= []).push(p.content);
        }
        for (const name of names) spec.features.push({ name, required: el.name === 'Require', params, line: el.line });
      } else if (el.name === 'Locale') {
        const a = attrs(el);
        const inline: Record<string, string> = {};
        for (const m of children(el).filter((c) => c.name === 'msg')) {
          const name = attrs(m).name;
          if (!name) throw new SpecError('<msg> without a name attribute', m.line);
          inline[name] = m.content;
        }
        spec.locales.push({
          lang: a.lang || 'all',
          country: a.country || 'ALL',
          messages: a.messages || undefined,
          inline,
          line: el.line,
        });
      }
    }
  }
  for (const el of children(root)) {
    if (el.name === 'UserPref') {
      const a = attrs(el);
      if (!a.name) throw new SpecError('<UserPref> without a name attribute', el.line);
      spec.userPrefs.push({
        name: a.name,
        displayName: a.display_name,
        defaultValue: a.default_value,
        datatype: a.datatype || 'string',
        required: a.required === 'true',
        line: el.line,
      });
    } else if (el.name === 'Content') {
      const a = attrs(el);
      const views = (a.view ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      spec.contents.push({
        type: (a.type || 'html').toLowerCase(),
        views: views.length ? views : ['default'],
        href: a.href || undefined,
        body: el.content,
        line: el.line,
      });
    }
  }
  if (!spec.contents.length) throw new SpecError('the spec has no <Content> section', root.line);
  return spec;
}
