/**
 * `npm start`: the extension in a real VS Code, connected to the built-in Finesse simulator.
 *
 * Builds dist/, starts the simulator (agent1/agent1, scenario looping), starts code-server with
 * this repo as the development extension and a workspace whose settings say
 * `finesse.autoConnect` (the password comes from env FINESSE_PASSWORD, never from settings), then
 * opens Chromium on it when there is a display, or prints the URL to open. Serves until Ctrl+C.
 *
 *   npm start                      # headed Chromium if DISPLAY is set, else prints the URL
 *   npm start -- --port 8080       # fixed port, e.g. to forward it from a remote machine
 *   npm start -- --no-browser      # only print the URL
 *   npm start -- --check [FILE]    # headless: wait until the panel lists frames, save a
 *                                  # screenshot (default test-results/start.png), exit 0/1
 *   npm start -- --extension DIR   # load the extension from DIR (e.g. an unpacked build)
 *   npm start -- --serve DIR       # also serve a gadget folder at the simulator's
 *                                  # /3rdpartygadget/files/ (same origin as its REST and /ws/)
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { CodeServer, ensureCodeServer, ROOT } from '../tools/code-server';
import { Workbench } from '../tools/workbench';
import { FinesseSimulator, SimulatorUrls } from '../src/core/simulator/simulator';

const run = promisify(execFile);

/** The simulator's throwaway login; the password reaches the extension only through the env. */
export const DEMO = { domain: 'finesse.test', user: 'agent1', password: 'agent1' };

export interface Demo {
  simulatorUrl: string;
  /** The simulator's one origin: ws, REST, BOSH, domain (as `finesse-frames simulate` prints). */
  endpoints: SimulatorUrls;
  server: CodeServer;
  /** Open this in a browser. */
  url: string;
  stop(): Promise<void>;
}

/** Everything but the browser: build, simulator, workspace with autoConnect, code-server. */
export async function startDemo(
  opts: { port?: number; host?: string; extension?: string; serve?: string } = {},
): Promise<Demo> {
  ensureCodeServer();
  await run(process.execPath, [join(ROOT, 'esbuild.js')], { cwd: ROOT });
  if (!existsSync(join(ROOT, 'dist/extension.js')))
    throw new Error('dist/extension.js was not built (src/extension.ts is missing)');

  const simulator = new FinesseSimulator({
    users: { [DEMO.user]: DEMO.password },
    domain: DEMO.domain,
    loop: true,
    serve: opts.serve,
  });
  const simulatorUrl = await simulator.listen();
  const endpoints = simulator.endpoints as SimulatorUrls;

  const workspace = mkdtempSync(join(tmpdir(), 'finesse-demo-'));
  mkdirSync(join(workspace, '.vscode'));
  const autoConnect = { url: simulatorUrl, domain: DEMO.domain, user: DEMO.user };
  writeFileSync(
    join(workspace, '.vscode', 'settings.json'),
    `${JSON.stringify({ 'finesse.autoConnect': autoConnect }, null, 2)}\n`,
  );
  // The activation event that lets the extension start by itself here and nowhere else.
  writeFileSync(
    join(workspace, '.vscode', 'finesse.autoconnect'),
    'Connect to finesse.autoConnect when this workspace opens (npm start).\n',
  );

  let server: CodeServer;
  try {
    server = await CodeServer.start({
      smokeTestDriver: true, // lets the workbench URL load this repo as the development extension
      env: { FINESSE_PASSWORD: DEMO.password },
      bindAddr: `${opts.host ?? '127.0.0.1'}:${opts.port ?? 0}`,
    });
  } catch (e) {
    await simulator.close();
    rmSync(workspace, { recursive: true, force: true });
    throw e;
  }
  const url = server.workbenchUrl({ folder: workspace, extensionDevelopmentPath: opts.extension ?? ROOT });
  return {
    simulatorUrl,
    endpoints,
    server,
    url,
    async stop() {
      await server.dispose();
      await simulator.close();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/** Headless proof that `npm start` works: the panel lists frames and the status bar is online. */
export async function check(demo: Demo, shot: string): Promise<boolean> {
  const wb = await Workbench.open(demo.url);
  try {
    const rows = await wb.webviewRows('.fx-row[data-id]:not([hidden])', 5, 60_000);
    const status = await wb.statusBar(/online/i, 10_000);
    mkdirSync(join(shot, '..'), { recursive: true });
    await wb.screenshot(shot);
    process.stdout.write(
      `panel rows: ${rows.count}; status bar: ${JSON.stringify(status.text)}; screenshot: ${shot}\n`,
    );
    if (!rows.ok || !status.ok) process.stdout.write(`workbench errors:\n  ${wb.problems.slice(-10).join('\n  ')}\n`);
    return rows.ok && status.ok;
  } finally {
    await wb.close();
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      extension: { type: 'string' },
      serve: { type: 'string' },
      'no-browser': { type: 'boolean' },
      check: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  const started = Date.now();
  // Ctrl+C while starting up: exit at once; the exit hook stops a started code-server.
  const early = () => process.exit(130);
  process.once('SIGINT', early).once('SIGTERM', early);
  const demo = await startDemo({
    port: values.port ? Number(values.port) : undefined,
    host: values.host,
    extension: values.extension && resolve(values.extension),
    serve: values.serve && resolve(values.serve),
  });
  const origin = new URL(demo.endpoints.rest).origin;
  const gadget = values.serve ? `\nGadget folder:     ${origin}/3rdpartygadget/files/` : '';
  process.stdout.write(
    `Finesse simulator: ${demo.simulatorUrl} (agent1 / agent1)\nREST:              ${demo.endpoints.rest}\nBOSH:              ${demo.endpoints.bosh}${gadget}\nVS Code:           ${demo.url}\n`,
  );
  try {
    if (values.check) return (await check(demo, positionals[0] ?? join(ROOT, 'test-results', 'start.png'))) ? 0 : 1;
    const headed = !!process.env.DISPLAY && !values['no-browser'];
    // The first signal starts the shutdown; later ones (npm and tsx pass Ctrl+C on as well) must
    // not kill us before code-server, the simulator and the temp dirs are cleaned up.
    process.off('SIGINT', early).off('SIGTERM', early);
    const stopped = new Promise<string>((resolve) => {
      process.on('SIGINT', () => resolve('Ctrl+C'));
      process.on('SIGTERM', () => resolve('SIGTERM'));
      process.on('SIGHUP', () => resolve('SIGHUP'));
    });
    if (headed) {
      const wb = await Workbench.open(demo.url, { headed: true });
      process.stdout.write(
        `Chromium is open (ready in ${((Date.now() - started) / 1000).toFixed(1)} s). Close it or press Ctrl+C to stop.\n`,
      );
      await Promise.race([stopped, wb.closed]);
      await wb.close();
    } else {
      process.stdout.write('Open the VS Code URL above in a browser. Press Ctrl+C to stop.\n');
      await stopped;
    }
    return 0;
  } finally {
    await demo.stop();
    process.stdout.write('Stopped.\n');
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`npm start: ${e.message}\n`);
      process.exit(1);
    },
  );
}
