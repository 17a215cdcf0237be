/**
 * `npx tsx scripts/gadget-screenshot.ts [FILE]`: the README's picture of debugging a gadget
 * (default docs/gadget-debug.png). A real VS Code (code-server) with this repo as the development
 * extension and the test gadget (test/vscode/fixtures/hello-gadget) as the workspace; inside it,
 * scripts/gadget-screenshot-host.ts opens the gadget's .js, sets a breakpoint, runs Finesse: Debug
 * Gadget and, once stopped there, asks this script to take the picture of the workbench.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { CodeServer, ensureCodeServer, ROOT } from '../tools/code-server';
import { Workbench } from '../tools/workbench';

const run = promisify(execFile);

async function main(): Promise<number> {
  const out = resolve(process.argv[2] ?? join(ROOT, 'docs', 'gadget-debug.png'));
  ensureCodeServer();
  await run(process.execPath, [join(ROOT, 'esbuild.js')], { cwd: ROOT });
  const work = mkdtempSync(join(tmpdir(), 'finesse-gadget-shot-'));
  const host = join(work, 'host', 'index.js');
  await build({
    entryPoints: [join(ROOT, 'scripts', 'gadget-screenshot-host.ts')],
    outfile: host,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
  const workspace = join(work, 'MyGadgets');
  mkdirSync(join(workspace, 'HelloGadget'), { recursive: true });
  for (const f of ['HelloGadget.xml', 'HelloGadget.js'])
    copyFileSync(join(ROOT, 'test/vscode/fixtures/hello-gadget', f), join(workspace, 'HelloGadget', f));

  let workbench: Workbench | undefined;
  let shot = false;
  // The host script's line to us: POST /shot once the session is stopped at the breakpoint.
  const signal = createServer((req, res) => {
    void (async () => {
      if (req.url === '/shot' && workbench) {
        // The Variables view fills after the stop: wait for the gadget's local (not forever).
        await workbench.page
          .waitForFunction(() => document.body.innerText.includes("'agent1'"), undefined, { timeout: 15_000 })
          .catch(() => undefined);
        mkdirSync(dirname(out), { recursive: true });
        await workbench.page.screenshot({ path: out });
        shot = true;
      }
      res.writeHead(shot ? 200 : 409).end();
    })();
  });
  await new Promise<void>((r) => signal.listen(0, '127.0.0.1', r));
  const server = await CodeServer.start({
    smokeTestDriver: true,
    env: { FINESSE_SHOT_SIGNAL: `http://127.0.0.1:${(signal.address() as AddressInfo).port}/shot` },
  });
  try {
    workbench = await Workbench.open(
      server.workbenchUrl({ folder: workspace, extensionDevelopmentPath: ROOT, extensionTestsPath: host }),
    );
    const code = await Promise.race([
      workbench.exitCode,
      new Promise<number>((r) => setTimeout(() => r(-1), 180_000).unref()),
    ]);
    process.stdout.write(shot ? `screenshot: ${out}\n` : `no screenshot (host exit code ${code})\n`);
    return shot && code === 0 ? 0 : 1;
  } finally {
    await workbench?.close();
    await server.dispose();
    signal.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`gadget-screenshot: ${e.message}\n`);
    process.exit(1);
  },
);
