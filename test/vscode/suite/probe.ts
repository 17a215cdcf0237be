/**
 * The in-host tests' line to the runner outside VS Code. The extension host cannot see the
 * workbench DOM (it is a Node process on the server side), so a test asks the runner, which
 * holds the Chromium page, to look: "does the status bar say online?", "does the panel show
 * rows?". The same channel carries the mocha report and figures. The runner passes its URL in
 * env FINESSE_VSCODE_PROBE to code-server, which hands its env to the extension host.
 */

export interface ProbeResult {
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; message: string }[];
}

export type ProbeRequest =
  | { kind: 'log'; lines: string[] }
  | { kind: 'result'; result: ProbeResult }
  | { kind: 'metric'; name: string; value: number; unit: string }
  | { kind: 'statusbar'; source: string; flags: string; timeoutMs: number }
  | { kind: 'webview'; selector: string; min: number; timeoutMs: number }
  | { kind: 'notification'; source: string; flags: string; timeoutMs: number };

export interface StatusBarAnswer {
  ok: boolean;
  text: string;
}

export interface WebviewAnswer {
  ok: boolean;
  count: number;
  texts: string[];
}

/** A shown, loaded row of the frames panel's virtualized list (webview-ui/src/list/frameList.ts). */
export const FRAME_ROW = '.fx-row[data-id]:not([hidden])';

function probeUrl(): string {
  const url = process.env.FINESSE_VSCODE_PROBE;
  if (!url) throw new Error('FINESSE_VSCODE_PROBE is not set: run these tests with `npm run test:vscode`');
  return url;
}

async function ask<T>(req: ProbeRequest): Promise<T> {
  const res = await fetch(probeUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(req),
  });
  if (!res.ok) throw new Error(`probe ${req.kind}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Without a runner (VS Code desktop via @vscode/test-electron) report and figures go to stdout. */
const available = (): boolean => !!process.env.FINESSE_VSCODE_PROBE;

export const probe = {
  available,
  log: async (lines: string[]) =>
    available() ? ask<unknown>({ kind: 'log', lines }) : void console.log(lines.join('\n')),
  result: async (result: ProbeResult) => (available() ? ask<unknown>({ kind: 'result', result }) : undefined),
  metric: async (name: string, value: number, unit: string) =>
    available() ? ask<unknown>({ kind: 'metric', name, value, unit }) : void console.log(`${name}: ${value} ${unit}`),
  /** The workbench status bar text once it matches (ok=false with the last text after timeoutMs). */
  statusBar: (pattern: RegExp, timeoutMs = 15_000) =>
    ask<StatusBarAnswer>({ kind: 'statusbar', source: pattern.source, flags: pattern.flags, timeoutMs }),
  /** The text of the notifications (toasts, and the center's list when open) once one matches (ok=false with what they say after timeoutMs). */
  notification: (pattern: RegExp, timeoutMs = 15_000) =>
    ask<StatusBarAnswer>({ kind: 'notification', source: pattern.source, flags: pattern.flags, timeoutMs }),
  /** Rows in any webview once at least `min` match `selector`. */
  webviewRows: (min: number, selector = FRAME_ROW, timeoutMs = 15_000) =>
    ask<WebviewAnswer>({ kind: 'webview', selector, min, timeoutMs }),
};
