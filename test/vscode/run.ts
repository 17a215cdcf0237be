/**
 * `npm run test:vscode`: the extension inside a real VS Code (code-server 1.139 + Chromium).
 *
 * Pass 1 (development): builds dist/ and the in-host test bundles, starts code-server with the
 * smoke-test driver (so the workbench honours the URL payload), opens the workbench in headless
 * Chromium with extensionDevelopmentPath = this repo and extensionTestsPath = the mocha suite.
 * The suite runs in the extension host, asks this runner about the workbench DOM through the
 * probe (status bar, panel rows inside the webview iframes), and VS Code reports its end through
 * `window.codeAutomationExit`.
 * Pass 2 (installed): `vsce package` → .vsix → `code-server --install-extension` into a fresh
 * extensions dir → a workbench whose in-host suite checks the installed copy activates and works.
 *
 * Pass 3 (start): what `npm start` does (simulator, workspace with finesse.autoConnect, this repo
 * as development extension), checked headless: the panel fills and the status bar says online.
 *
 * Options (env): FINESSE_VSCODE_GREP (mocha grep), FINESSE_VSCODE_PASS=dev|vsix|start (one pass),
 * FINESSE_VSCODE_VERBOSE=1 (code-server's log as it runs), FINESSE_VSCODE_EXTENSION=DIR (load the
 * extension from another folder in the development pass, e.g. an unpacked build).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CodeServer, ensureCodeServer, installExtension, ROOT } from '../../tools/code-server';
import { check, startDemo } from '../../scripts/start';
import { bundleTests } from './bundle';
import { ProbeServer } from './probeServer';
import { Workbench } from '../../tools/workbench';

const run = promisify(execFile);
const PASS_DEADLINE_MS = Number(process.env.FINESSE_VSCODE_DEADLINE_MS ?? 6 * 60_000);
const verbose = process.env.FINESSE_VSCODE_VERBOSE === '1';

interface PassOutcome {
  name: string;
  passed: number;
  failed: number;
  ms: number;
}

interface PassSpec {
  name: string;
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
  extensionsDir?: string;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** One workbench run: code-server + Chromium + the in-host suite; never throws, reports. */
async function runPass(spec: PassSpec): Promise<PassOutcome> {
  const started = Date.now();
  const probe = await ProbeServer.start({
    print: (l) => say(`  ${l}`),
    name: spec.name,
    shotDir: join(ROOT, 'test-results'),
  });
  const workspace = mkdtempSync(join(tmpdir(), 'finesse-workspace-'));
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let failure: string | undefined;
  // A crashed extension host never reports; fail then instead of waiting for the deadline. The
  // host also exits after a normal end, so its exit only counts if no exit code follows soon.
  let hostExited!: () => void;
  const hostGone = new Promise<void>((r) => (hostExited = r));
  try {
    server = await CodeServer.start({
      smokeTestDriver: true,
      extensionsDir: spec.extensionsDir,
      env: { FINESSE_VSCODE_PROBE: probe.url },
      onLine: (l) => {
        if (verbose) say(`  [code-server] ${l}`);
        if (/Extension Host Process exited/i.test(l)) hostExited();
      },
    });
    const url = server.workbenchUrl({
      folder: workspace,
      extensionDevelopmentPath: spec.extensionDevelopmentPath,
      extensionTestsPath: spec.extensionTestsPath,
    });
    say(`[${spec.name}] VS Code ${server.url} (${Date.now() - started} ms)`);
    workbench = await Workbench.open(url);
    probe.workbench = workbench;
    let deadline: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      workbench.exitCode.then((code) => ({ code })),
      server.exited.then((code) => ({ serverExit: code })),
      hostGone.then(
        () => new Promise<{ hostExit: true }>((r) => setTimeout(() => r({ hostExit: true }), 15_000).unref()),
      ),
      new Promise<{ timeout: true }>((r) => (deadline = setTimeout(() => r({ timeout: true }), PASS_DEADLINE_MS))),
    ]);
    clearTimeout(deadline);
    if ('hostExit' in outcome) failure = 'the extension host exited without reporting a result (crashed?)';
    else if ('serverExit' in outcome) failure = `code-server exited (${outcome.serverExit}) during the run`;
    else if ('timeout' in outcome) failure = `no result from the extension host after ${PASS_DEADLINE_MS / 1000} s`;
    else if (!probe.result)
      failure = `the extension host exited with code ${outcome.code} before its test runner reported (did the suite fail to load?)`;
    else if (outcome.code !== 0 && probe.result.failed === 0)
      failure = `the extension host reported exit code ${outcome.code}`;
  } catch (e) {
    failure = (e as Error).message;
  }

  const result = probe.result;
  for (const m of probe.metrics) say(`[${spec.name}] ${m.name}: ${m.value} ${m.unit}`);
  if (failure || !result || result.failed > 0) {
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    const shot = join(ROOT, 'test-results', `vscode-${spec.name}.png`);
    await workbench?.screenshot(shot);
    if (failure) say(`[${spec.name}] FAILED: ${failure}`);
    for (const f of result?.failures ?? []) say(`[${spec.name}] ✗ ${f.title}\n${f.message}`);
    if (workbench?.problems.length)
      say(`[${spec.name}] workbench errors:\n  ${workbench.problems.slice(-15).join('\n  ')}`);
    if (server && failure) say(`[${spec.name}] code-server log:\n${server.log()}`);
    say(`[${spec.name}] screenshot: ${shot}`);
  }
  probe.workbench = undefined;
  await workbench?.close();
  await server?.dispose();
  await probe.close();
  rmSync(workspace, { recursive: true, force: true });
  const ms = Date.now() - started;
  say(`[${spec.name}] ${result?.passed ?? 0} passed, ${result?.failed ?? 0} failed in ${(ms / 1000).toFixed(1)} s`);
  return { name: spec.name, passed: result?.passed ?? 0, failed: (result?.failed ?? 0) + (failure ? 1 : 0), ms };
}

/** `vsce package` into a temp dir (same flags as `npm run package`), then install it as a user does. */
async function packageAndInstall(): Promise<{ extensionsDir: string; vsix: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'finesse-vsix-'));
  const vsix = join(dir, 'finesse-frame-debugger.vsix');
  await run('npm', ['run', '--silent', 'package', '--', '--out', vsix], { cwd: ROOT });
  const extensionsDir = join(dir, 'extensions');
  mkdirSync(extensionsDir);
  await installExtension(vsix, extensionsDir);
  return { extensionsDir, vsix, dir };
}

/** `npm start` as a newcomer runs it, checked headless (scripts/start.ts --check). */
async function startPass(): Promise<PassOutcome> {
  const started = Date.now();
  let ok = false;
  try {
    const demo = await startDemo({ extension: process.env.FINESSE_VSCODE_EXTENSION });
    try {
      ok = await check(demo, join(ROOT, 'test-results', 'vscode-start.png'));
    } finally {
      await demo.stop();
    }
  } catch (e) {
    say(`[start] FAILED: ${(e as Error).message}`);
  }
  const ms = Date.now() - started;
  say(
    `[start] npm start connects to the simulator by itself and the panel shows frames: ${ok ? 'ok' : 'FAILED'} in ${(ms / 1000).toFixed(1)} s`,
  );
  return { name: 'start', passed: ok ? 1 : 0, failed: ok ? 0 : 1, ms };
}

async function main(): Promise<number> {
  const only = process.env.FINESSE_VSCODE_PASS;
  ensureCodeServer(); // .ci/run installed it already; a developer's first run installs it here
  const t0 = Date.now();
  await run(process.execPath, [join(ROOT, 'esbuild.js')], { cwd: ROOT });
  const bundles = await bundleTests();
  if (!existsSync(join(ROOT, 'dist/extension.js')))
    throw new Error('dist/extension.js was not built: src/extension.ts is missing');
  say(
    `built extension and test bundles in ${Date.now() - t0} ms; dist/extension.js ${(statSync(join(ROOT, 'dist/extension.js')).size / 1024).toFixed(0)} KiB`,
  );

  const outcomes: PassOutcome[] = [];
  if (!only || only === 'dev') {
    outcomes.push(
      await runPass({
        name: 'dev',
        extensionDevelopmentPath: process.env.FINESSE_VSCODE_EXTENSION ?? ROOT,
        extensionTestsPath: bundles.suite,
      }),
    );
  }
  if (!only || only === 'vsix') {
    let pkg: Awaited<ReturnType<typeof packageAndInstall>> | undefined;
    try {
      const t1 = Date.now();
      pkg = await packageAndInstall();
      say(
        `[vsix] packaged ${(statSync(pkg.vsix).size / 1024).toFixed(0)} KiB and installed with --install-extension in ${Date.now() - t1} ms`,
      );
      outcomes.push(
        await runPass({
          name: 'vsix',
          extensionDevelopmentPath: bundles.host,
          extensionTestsPath: bundles.installed,
          extensionsDir: pkg.extensionsDir,
        }),
      );
    } catch (e) {
      const err = e as Error & { stdout?: string; stderr?: string };
      say(`[vsix] FAILED to package or install: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
      outcomes.push({ name: 'vsix', passed: 0, failed: 1, ms: 0 });
    } finally {
      if (pkg) rmSync(pkg.dir, { recursive: true, force: true });
    }
  }
  if (!only || only === 'start') outcomes.push(await startPass());
  const passed = outcomes.reduce((n, o) => n + o.passed, 0);
  const failed = outcomes.reduce((n, o) => n + o.failed, 0);
  say(`vscode integration: ${outcomes.map((o) => `${o.name} ${(o.ms / 1000).toFixed(1)} s`).join(', ')}`);
  say(`${passed} passed, ${failed} failed`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

// Ctrl+C: exit through process.exit so the exit hooks stop code-server and Chromium.
process.once('SIGINT', () => process.exit(130)).once('SIGTERM', () => process.exit(143));

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`test:vscode: ${e.message}\n`);
    process.exit(1);
  },
);
