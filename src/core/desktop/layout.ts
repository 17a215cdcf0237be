/**
 * Which gadgets the desktop shows, in which tabs: the agent's layout of a `finesseLayout` file
 * as the Finesse administrator configures it (Desktop Layout; REST `LayoutConfig/default`):
 *
 *   <finesseLayout xmlns="http://www.cisco.com/vtg/finesse">
 *     <layout><role>Agent</role>
 *       <page><gadget>/desktop/scripts/js/callcontrol.js</gadget></page>
 *       <tabs><tab><id>home</id><label>finesse.container.tabs.agent.homeLabel</label>
 *         <gadgets><gadget>/3rdpartygadget/files/Sample/Sample.xml</gadget></gadgets>
 *         (or <columns><column><gadgets>…)
 *
 * or, without a layout, every gadget spec (`*.xml` whose root is `<Module>`) in the served
 * folder and its direct subfolders, one tab each. The desktop's built-in components
 * (`/desktop/scripts/js/…`) have no spec and are left out; gadgets in `<page>` sit above the
 * tabs, outside any tab panel, as on the Finesse desktop.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { Element, localName, parseXml } from '../xmpp/xml';
import { GADGET_PREFIX } from '../simulator/gadgetFiles';

interface LayoutGadget {
  /** The spec URL as the layout names it (a path on the server, or an absolute URL). */
  specUrl: string;
  /** The spec on disk, when it is one of the served folder's files. */
  specFile?: string;
  title: string;
  /** The tab id, or undefined for a page-level gadget. */
  tab?: string;
}

export interface DesktopLayout {
  tabs: { id: string; label: string }[];
  gadgets: LayoutGadget[];
  /** Entries left out, with why (built-in components, unreadable specs). */
  skipped: string[];
}

export class LayoutError extends Error {}

/** Finesse's own tab labels are message keys; the desktop shows these words for them. */
const KNOWN_LABELS: Record<string, string> = {
  'finesse.container.tabs.agent.homeLabel': 'Home',
  'finesse.container.tabs.agent.myStatistics': 'My Statistics',
  'finesse.container.tabs.agent.manageCallLabel': 'Manage Call',
  'finesse.container.tabs.agent.manageCustomerLabel': 'Manage Customer',
  'finesse.container.tabs.supervisor.homeLabel': 'Home',
  'finesse.container.tabs.supervisor.teamDataLabel': 'Team Data',
  'finesse.container.tabs.supervisor.queueDataLabel': 'Queue Data',
};

/** Reads a finesseLayout file: the Agent role's layout (or the first one). */
export function readLayoutFile(file: string, serveDir?: string): DesktopLayout {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LayoutError(
      `cannot read the layout ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return parseLayout(text, file, serveDir);
}

export function parseLayout(text: string, name: string, serveDir?: string): DesktopLayout {
  const parsed = parseXml(text.replace(/^\uFEFF?\s*<\?xml[^>]*\?>/, '').trim());
  if (!parsed.ok) throw new LayoutError(`the layout ${name} is not well-formed XML: ${parsed.error}`);
  const root = parsed.element;
  if (localName(root.name) !== 'finesseLayout')
    throw new LayoutError(`the layout ${name} has root <${root.name}>, expected <finesseLayout>`);
  const layouts = children(root, 'layout');
  if (!layouts.length) throw new LayoutError(`the layout ${name} has no <layout> element`);
  const layout = layouts.find((l) => text1(l, 'role') === 'Agent') ?? layouts[0];
  const out: DesktopLayout = { tabs: [], gadgets: [], skipped: [] };
  const add = (g: Element, tab: string | undefined) => {
    const url = g.getText().trim();
    if (!url) return;
    if (!/\.xml(?:[?#].*)?$/i.test(url))
      return void out.skipped.push(`${url}: a built-in desktop component, not a gadget spec`);
    const specFile = serveDir ? servedFile(serveDir, url) : undefined;
    out.gadgets.push({ specUrl: url, specFile, title: (specFile && specTitle(specFile)) || baseName(url), tab });
  };
  const page = children(layout, 'page')[0];
  if (page) for (const g of gadgetsIn(page)) add(g, undefined);
  const seen = new Set<string>();
  for (const tab of children(children(layout, 'tabs')[0], 'tab')) {
    let id = text1(tab, 'id') || `tab${out.tabs.length + 1}`;
    while (seen.has(id)) id += '_';
    seen.add(id);
    const label = text1(tab, 'label') || id;
    out.tabs.push({ id, label: KNOWN_LABELS[label] ?? label });
    for (const g of gadgetsIn(tab)) add(g, id);
  }
  return out;
}

/** Without a layout: one tab per gadget spec in `dir` and its direct subfolders. */
export function discoverLayout(dir: string): DesktopLayout {
  const root = resolve(dir);
  const out: DesktopLayout = { tabs: [], gadgets: [], skipped: [] };
  const files: string[] = [];
  const xmlIn = (d: string) => {
    try {
      return readdirSync(d, { withFileTypes: true })
        .filter((e) => e.isFile() && /\.xml$/i.test(e.name))
        .map((e) => join(d, e.name))
        .sort();
    } catch {
      return [];
    }
  };
  files.push(...xmlIn(root));
  let subdirs: string[] = [];
  try {
    subdirs = readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
      .map((e) => e.name)
      .sort();
  } catch {
    /* the folder's own error is the server's to report */
  }
  for (const s of subdirs) files.push(...xmlIn(join(root, s)));
  const ids = new Set<string>();
  for (const file of files) {
    const title = specTitle(file);
    if (title === undefined) continue; // not a <Module>
    const rel = relative(root, file).split(sep).join('/');
    let id = baseName(rel).replace(/[^A-Za-z0-9_-]/g, '_') || 'gadget';
    while (ids.has(id)) id += '_';
    ids.add(id);
    out.tabs.push({ id, label: title || baseName(rel) });
    out.gadgets.push({
      specUrl: GADGET_PREFIX + rel.split('/').map(encodeURIComponent).join('/'),
      specFile: file,
      title: title || baseName(rel),
      tab: id,
    });
  }
  return out;
}

/** The spec's ModulePrefs title ('' when none), or undefined when the file is not a gadget spec. */
function specTitle(file: string): string | undefined {
  let text: string;
  try {
    if (statSync(file).size > 4 << 20) return undefined;
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const start = /<([A-Za-z_][\w.:-]*)/.exec(text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, ''));
  if (!start || start[1] !== 'Module') return undefined;
  const parsed = parseXml(text.replace(/^\uFEFF?\s*<\?xml[^>]*\?>/, '').trim());
  // A spec that does not parse is still a gadget: its frame shows the error.
  if (!parsed.ok) return '';
  return children(parsed.element, 'ModulePrefs')[0]?.attrs.title?.trim() ?? '';
}

/** The served file a spec URL names, when it is under /3rdpartygadget/files/ of `dir`. */
function servedFile(dir: string, url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url, 'http://desktop').pathname;
  } catch {
    return undefined;
  }
  if (!path.startsWith(GADGET_PREFIX)) return undefined;
  let rel: string;
  try {
    rel = decodeURIComponent(path.slice(GADGET_PREFIX.length));
  } catch {
    return undefined;
  }
  if (rel.split('/').includes('..')) return undefined;
  return join(resolve(dir), ...rel.split('/'));
}

function gadgetsIn(el: Element): Element[] {
  const direct = children(el, 'gadgets').flatMap((g) => children(g, 'gadget'));
  const inColumns = children(children(el, 'columns')[0], 'column').flatMap((c) =>
    children(c, 'gadgets').flatMap((g) => children(g, 'gadget')),
  );
  return [...children(el, 'gadget'), ...direct, ...inColumns];
}

function children(el: Element | undefined, name: string): Element[] {
  return el ? el.getChildElements().filter((c) => localName(c.name) === name) : [];
}

function text1(el: Element, name: string): string {
  return children(el, name)[0]?.getText().trim() ?? '';
}

function baseName(url: string): string {
  const last = url.split(/[?#]/)[0].split('/').pop() ?? url;
  return last.replace(/\.xml$/i, '');
}
