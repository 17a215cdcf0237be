/**
 * Which file of the gadget folder a URL on the desktop's origin serves: Finesse serves
 * third-party gadgets at `/3rdpartygadget/files/`, and the local Finesse (or the lab desktop)
 * serves the workspace's gadget folder there. The debugger's path mapping, the Problems of a
 * gadget's errors and live reload all go through this one mapping, so a breakpoint, an error's
 * line and a saved file name the same file. No vscode import: plain paths and URLs.
 */
import { isAbsolute, relative, resolve } from 'node:path';

export const GADGET_URL_PATH = '/3rdpartygadget/files/';

/**
 * The file of `folder` that `url` serves, or undefined when the URL is not under the gadget path
 * of `origin` (another origin, the desktop's own scripts) or would leave the folder.
 */
export function fileOfUrl(url: string, origin: string, folder: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.origin !== new URL(origin).origin || !u.pathname.startsWith(GADGET_URL_PATH)) return undefined;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname.slice(GADGET_URL_PATH.length));
  } catch {
    return undefined;
  }
  const root = resolve(folder);
  const file = resolve(root, rel);
  return within(root, file) ? file : undefined;
}

/** Whether `file` is `root` itself or inside it (no `..` escape). */
export function within(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
