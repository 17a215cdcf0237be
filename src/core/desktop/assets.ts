/**
 * The files /desktop/ serves besides its page: its own bundle and style, the jQuery the product
 * ships (npm `jquery`, MIT; esbuild.js copies it into dist/ beside the bundles, so the vsix has
 * it), and the user's own finesse.js: Cisco's library may only be used within Finesse
 * deployments, so the product never ships it; it is the file the user names, or a finesse*.js in
 * the served folder (10.x gadgets carry their copy), found once.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { streamFile } from '../simulator/gadgetFiles';

/** The first existing file among candidates next to the bundle (dist/) or in the source tree. */
function firstExisting(candidates: string[]): string | undefined {
  return candidates.find((c) => existsSync(c));
}

export function desktopBundlePath(): string | undefined {
  return firstExisting([resolve(__dirname, 'desktop.js'), resolve(__dirname, '../../../dist/desktop.js')]);
}

export function desktopCssPath(): string | undefined {
  return firstExisting([resolve(__dirname, '../media/desktop.css'), resolve(__dirname, '../../../media/desktop.css')]);
}

export function jqueryPath(): string | undefined {
  const beside = firstExisting([
    resolve(__dirname, 'jquery.min.js'),
    resolve(__dirname, '../../../dist/jquery.min.js'),
  ]);
  if (beside) return beside;
  try {
    return require.resolve('jquery/dist/jquery.min.js');
  } catch {
    return undefined;
  }
}

/** A finesse*.js in `dir` or below (three levels, no node_modules or hidden folders). */
export function findFinesseJs(dir: string | undefined): string | undefined {
  if (!dir) return undefined;
  const walk = (d: string, depth: number): string | undefined => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    } catch {
      return undefined;
    }
    const hit = entries.find((e) => e.isFile() && /^finesse[\w.-]*\.js$/i.test(e.name) && !/\.min\.map$/i.test(e.name));
    if (hit) return join(d, hit.name);
    if (depth === 0) return undefined;
    for (const e of entries)
      if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') {
        const found = walk(join(d, e.name), depth - 1);
        if (found) return found;
      }
    return undefined;
  };
  return walk(resolve(dir), 3);
}

/** How to give the desktop a finesse.js: the text of its 404 page and of `simulate`'s stderr. */
export const FINESSE_JS_HELP =
  "No finesse.js: Cisco's Finesse JavaScript library is not shipped with this tool (its licence allows it only within Finesse deployments). " +
  'Give your copy with --finesse-js FILE (in VS Code, the setting finesse.gadgets.finesseJs), or put a finesse*.js in the served folder ' +
  '(a 10.x gadget carries one); download it from your Finesse server at https://FINESSE:8445/desktop/assets/js/finesse.js.';

/** Streams a file with its type; 404 with `missing` as text when there is none. */
export function sendFile(req: IncomingMessage, res: ServerResponse, file: string | undefined, missing: string): void {
  let size = -1;
  try {
    if (file) size = statSync(file).size;
  } catch {
    size = -1;
  }
  if (!file || size < 0) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    return void res.end(`${missing}\n`);
  }
  streamFile(req, res, file, size);
}
