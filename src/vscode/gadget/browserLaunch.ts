/**
 * The child debug session a `finesse-gadget` session starts: a browser launched by VS Code's own
 * JavaScript debugger (js-debug, built into VS Code and code-server; type `pwa-chrome`), opened
 * at the gadget desktop, with the gadget path of the desktop's origin mapped to the workspace's
 * gadget folder so breakpoints set in its .js files bind. The attributes are js-debug's launch
 * attributes (its package.json, `contributes.debuggers` → `pwa-chrome` → `launch`). No vscode
 * import: the configuration is plain data.
 */
import { existsSync } from 'node:fs';
import { GADGET_URL_PATH } from './gadgetPaths';

/** Debian's and most Linux distributions' Chromium. */
const CHROMIUM = '/usr/bin/chromium';

const SKIPPED = ['**/gadgets/js/**', '**/desktop/*.js', '**/desktop/assets/**', '**/finesse*.js', '**/jquery*.js'];

export interface BrowserLaunchInput {
  /** The desktop page to open. */
  url: string;
  /** The origin the gadget folder is served from. */
  origin: string;
  /** The folder served at /3rdpartygadget/files/. */
  gadgetFolder: string;
  /** A fresh profile directory, removed when the session ends. */
  userDataDir: string;
  /** A browser executable the user chose; default Chromium when present, else js-debug's "stable" Chrome. */
  browser?: string;
  /** Without a display (CI, a container) the browser runs headless. Default: detected. */
  headless?: boolean;
  name?: string;
}

export interface BrowserLaunchConfig {
  type: 'pwa-chrome';
  request: 'launch';
  name: string;
  url: string;
  runtimeExecutable: string;
  runtimeArgs: string[];
  userDataDir: string;
  webRoot: string;
  pathMapping: Record<string, string>;
  sourceMaps: boolean;
  resolveSourceMapLocations: string[];
  skipFiles: string[];
  browserLaunchLocation: 'workspace';
  cleanUp: 'wholeBrowser';
  /** Lets the parent session find its child among VS Code's sessions. */
  __finesseGadgetParent?: string;
  [key: string]: unknown;
}

export function browserLaunchConfig(
  input: BrowserLaunchInput,
  env: NodeJS.ProcessEnv = process.env,
): BrowserLaunchConfig {
  const headless = input.headless ?? !hasDisplay(env);
  const runtimeArgs = ['--no-first-run', '--no-default-browser-check'];
  // js-debug recognises "--headless" itself (it keeps a separate profile for it); a container
  // without a display also needs no GPU and no /dev/shm, and root needs no sandbox.
  if (headless) runtimeArgs.push('--headless', '--disable-gpu', '--disable-dev-shm-usage');
  if (process.getuid?.() === 0) runtimeArgs.push('--no-sandbox');
  return {
    type: 'pwa-chrome',
    request: 'launch',
    name: input.name ?? 'Finesse gadget desktop',
    url: input.url,
    runtimeExecutable: input.browser ?? (existsSync(CHROMIUM) ? CHROMIUM : 'stable'),
    runtimeArgs,
    userDataDir: input.userDataDir,
    webRoot: input.gadgetFolder,
    // URL path prefix → folder, as js-debug reads it: the spec's scripts, served from the gadget
    // folder unchanged, resolve to the workspace's files.
    pathMapping: { [GADGET_URL_PATH]: input.gadgetFolder },
    // The gadget's own source maps (a gadget written in TypeScript) are read; the desktop's and
    // the gadgets.* runtime's are not: the debugger shows their served scripts, which it skips.
    sourceMaps: true,
    resolveSourceMapLocations: [
      `${input.gadgetFolder}/**`,
      `${input.origin}${GADGET_URL_PATH}**`,
      '!**/node_modules/**',
    ],
    // Stepping and the location of a console line skip the container: the runtime (whose
    // console wrapper would otherwise be every line's location), the desktop, and the libraries
    // a gadget loads (jQuery, finesse.js), so a line shows where the gadget's code wrote it.
    skipFiles: SKIPPED,
    // The browser runs where the extension host runs (code-server: the server), beside the
    // local Finesse it opens.
    browserLaunchLocation: 'workspace',
    cleanUp: 'wholeBrowser',
  };
}

/** A desktop session (X11 or Wayland) or a non-Linux desktop; CI never has one. */
export function hasDisplay(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.CI) return false;
  if (process.platform !== 'linux') return true;
  return !!(env.DISPLAY || env.WAYLAND_DISPLAY);
}
