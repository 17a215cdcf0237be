/**
 * Renders a gadget spec as Shindig's /gadgets/ifr does: the requested view's Content (sections
 * serving the same view are joined in order), hangman variables substituted, made one HTML
 * document (a fragment, as Cisco's samples write it with `<!DOCTYPE>`, `<link>`, `<script>` and
 * `<body>` inside the CDATA, becomes a whole page) with `<base href>` of the spec first in head,
 * then the title, Shindig's default styles, the runtime's config and script before any script of
 * the gadget, and `gadgets.util.runOnLoadHandlers()` last. Shindig gets there by parsing and
 * re-serializing; here the page opens html/head itself and leaves the tree building to the
 * browser's HTML parser, which gives the same document and keeps the gadget's text as written. A
 * required feature the container lacks, or a view with nothing to render, gives an error page
 * naming the spec line instead.
 */
import { GADGET_CONFIG_ID, type GadgetRuntimeConfig } from '../../protocol/gadgetConfig';
import { isSupportedFeature } from './features';
import type { GadgetProblem } from './problem';
import type { ContentSection, GadgetSpec } from './spec';
import { escapeHtml, substitute, substitutions, undeclaredPrefs } from './substitute';

export interface RenderInput {
  spec: GadgetSpec;
  /** The spec's URL as the gadget frame reaches it: the base of every relative URL. */
  specUrl: URL;
  /** `url=` as given, reported back in problems and the runtime's config. */
  specParam: string;
  /** The query of /gadgets/ifr (mid, view, up_*, lang, country…). */
  params: URLSearchParams;
  /** The message bundle for the frame's locale. */
  messages: Record<string, string>;
  runtimeSrc: string;
  makeRequestUrl: string;
}

export type RenderResult =
  | { ok: true; html: string; title: string; scripts: URL[]; problems: GadgetProblem[] }
  | { ok: false; html: string; title: string; problems: GadgetProblem[] };

/** Shindig's styles for a gadget without a doctype, and its default scrolling. */
const DEFAULT_CSS =
  'body,td,div,span,p{font-family:arial,sans-serif;}a{color:#0000cc;}a:visited{color:#551a8b;}a:active{color:#ff0000;}body{margin:0px;padding:0px;background-color:white;}';
const SCROLLING_CSS = 'body{overflow-x:auto;overflow-y:auto;}';

/** Views that stand for one another when a spec has no section for the one asked (container.js). */
const VIEW_ALIASES: Record<string, string[]> = {
  default: ['home'],
  home: ['default'],
  canvas: ['FULL_PAGE'],
  profile: ['PROFILE'],
};

export function renderGadget(input: RenderInput): RenderResult {
  const { spec, params } = input;
  const mid = params.get('mid') ?? '0';
  const base: Omit<GadgetProblem, 'severity' | 'kind' | 'message'> = { spec: input.specParam, mid };
  const problems: GadgetProblem[] = [];
  const prefValues: Record<string, string> = {};
  for (const [k, v] of params) if (k.startsWith('up_') && k.length > 3) prefValues[k.slice(3)] = v;
  const subs = substitutions({ userPrefs: spec.userPrefs, prefValues, messages: input.messages, moduleId: mid });
  const title = substitute(spec.title, subs);
  const view = params.get('view') || 'default';
  const { lang, country } = localeOf(params);
  const config: GadgetRuntimeConfig = {
    mid,
    specUrl: input.specParam,
    title,
    view,
    features: {},
    defaultPrefs: Object.fromEntries(spec.userPrefs.map((p) => [p.name, p.defaultValue ?? ''])),
    messages: input.messages,
    lang,
    country,
    makeRequestUrl: input.makeRequestUrl,
  };
  const fail = (p: GadgetProblem): RenderResult => {
    problems.push(p);
    return { ok: false, title, problems, html: problemPage({ ...config, problem: p }, input.runtimeSrc, [p]) };
  };

  for (const f of spec.features) {
    if (isSupportedFeature(f.name)) config.features[f.name] = f.params;
    else if (f.required)
      return fail({
        ...base,
        severity: 'error',
        kind: 'feature',
        line: f.line,
        message: `Unsupported feature "${f.name}" (required at line ${f.line}): the container has no such feature`,
      });
  }
  config.features.core ??= {};

  const sections = sectionsFor(spec.contents, view);
  if (!sections.length)
    return fail({
      ...base,
      severity: 'error',
      kind: 'content',
      line: spec.contents[0]?.line,
      message: `the spec has no Content for the view "${view}"`,
    });
  const other = sections.find((s) => s.type !== 'html' || s.href);
  if (other)
    return fail({
      ...base,
      severity: 'error',
      kind: 'content',
      line: other.line,
      message:
        other.type === 'url'
          ? `Content type="url" (line ${other.line}) is not supported: the container renders type="html" only`
          : other.type === 'html'
            ? `Content type="html" with href (line ${other.line}) is not supported: put the html inside the Content`
            : `Content type="${other.type}" (line ${other.line}) is not supported`,
    });

  const raw = sections.map((s) => s.body).join('');
  for (const name of undeclaredPrefs(raw, subs))
    problems.push({
      ...base,
      severity: 'warning',
      kind: 'substitution',
      line: sections[0].line,
      message: `__UP_${name}__ is left as written: the spec declares no <UserPref name="${name}"> (Shindig substitutes declared prefs only)`,
    });
  const content = substitute(raw, subs);
  // The doctype, when the gadget writes one (after blanks or comments), must stay first or the
  // browser renders in quirks mode; Shindig's default styles go only to gadgets without one.
  const doctype = /^(?:\s|<!--[\s\S]*?-->)*(<!DOCTYPE[^>]*>)/i.exec(content);
  const doctypeEnd = doctype ? doctype.index + doctype[0].length : 0;
  const rest = doctype ? content.slice(0, doctypeEnd - doctype[1].length) + content.slice(doctypeEnd) : content;
  const htmlLang = params.get('lang')
    ? ` lang="${escapeHtml(params.get('lang') + (params.get('country') ? `-${params.get('country')}` : ''))}"`
    : '';
  // The page opens html and head itself and puts its elements first; the browser's HTML parser
  // then builds the gadget's fragment (or whole page: a second <html> merges its attributes, a
  // second <head> is ignored) into this same document, so every gadget script comes after the
  // runtime, as Shindig's rewriter arranges by parsing and re-serializing.
  const html =
    (doctype ? doctype[1] : '') +
    `<html${htmlLang}><head>` +
    `<base href="${escapeHtml(input.specUrl.href)}">` +
    `<title>${escapeHtml(title || 'default title')}</title>` +
    `<style>${SCROLLING_CSS}${doctype ? '' : DEFAULT_CSS}</style>` +
    `<script type="application/json" id="${GADGET_CONFIG_ID}">${configJson(config)}</script>` +
    `<script src="${escapeHtml(input.runtimeSrc)}"></script>` +
    rest +
    '<script>gadgets.util.runOnLoadHandlers();</script>';
  return { ok: true, html, title, scripts: scriptSources(content, input.specUrl), problems };
}

/** The src of every <script> the gadget's html loads (outside comments), resolved. */
function scriptSources(content: string, base: URL): URL[] {
  const out: URL[] = [];
  const text = content.replace(/<!--[\s\S]*?-->/g, '');
  for (const m of text.matchAll(/<script\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi)) {
    const src = decodeEntities(m[1] ?? m[2] ?? m[3] ?? '');
    try {
      out.push(new URL(src, base));
    } catch {
      // A src that is no URL loads nothing in the browser either.
    }
  }
  return out;
}

function decodeEntities(s: string): string {
  return s.replace(
    /&(amp|quot|apos|lt|gt|#39);/g,
    (_m, e: string) => ({ amp: '&', quot: '"', apos: "'", lt: '<', gt: '>', '#39': "'" })[e] as string,
  );
}

/** The Content sections of a view: its own, else an alias's, else the default ones. */
function sectionsFor(contents: readonly ContentSection[], view: string): ContentSection[] {
  for (const v of [view, ...(VIEW_ALIASES[view] ?? []), 'default']) {
    const found = contents.filter((c) => c.views.includes(v));
    if (found.length) return found;
  }
  return [];
}

/** The frame's locale: Shindig's `lang`/`country`, else Finesse's `up_locale` (en_US). */
export function localeOf(params: URLSearchParams): { lang: string; country: string } {
  const [l, c] = (params.get('up_locale') ?? '').split(/[_-]/);
  return { lang: params.get('lang') || l || 'en', country: params.get('country') || c || 'US' };
}

/**
 * A page in the gadget's frame that says what stopped it (text only), with the runtime loaded in
 * error mode so the container's log shows the problem and a `reload` still reloads the frame.
 */
export function problemPage(
  config: GadgetRuntimeConfig,
  runtimeSrc: string,
  problems: readonly GadgetProblem[],
  help: readonly string[] = [],
): string {
  const items = problems
    .map(
      (p) =>
        `<li>${escapeHtml(p.line && !p.message.includes(`line ${p.line}`) ? `${p.message} (spec line ${p.line})` : p.message)}</li>`,
    )
    .join('');
  // The first line of `help` introduces the ways that follow it.
  const helpItems = help.length
    ? `<p>${escapeHtml(help[0])}</p><ul class="help">${help
        .slice(1)
        .map((h) => `<li>${escapeHtml(h)}</li>`)
        .join('')}</ul>`
    : '';
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(config.title || 'Gadget')}</title>` +
    `<style>body{font:13px system-ui,sans-serif;margin:8px;color:#222}h1{font-size:14px;color:#a00}` +
    `code{background:#f3f3f3;padding:0 3px}li{margin:4px 0}</style>` +
    `<script type="application/json" id="${GADGET_CONFIG_ID}">${configJson(config)}</script>` +
    `<script src="${escapeHtml(runtimeSrc)}"></script></head><body>` +
    `<h1>${escapeHtml(config.title ? `${config.title}: the gadget cannot run` : 'The gadget cannot run')}</h1>` +
    `<p>${escapeHtml(config.specUrl)}</p><ul class="problems">${items}</ul>${helpItems}</body></html>`
  );
}

/** JSON inside a script element: `<` escaped, so no `</script>` in a value can end it. */
function configJson(config: GadgetRuntimeConfig): string {
  return JSON.stringify(config).replace(/</g, '\\u003c');
}
