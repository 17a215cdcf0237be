/**
 * `npm run test:vscode:electron`: the same in-host suites in VS Code desktop through
 * @vscode/test-electron, where a VS Code binary can be had. This machine has none and no
 * internet, so `npm test` uses code-server (run.ts); here give VSCODE_EXECUTABLE=/path/to/code,
 * or pass --download on a machine with internet to let test-electron fetch VS Code.
 * Without the runner's Chromium page there is no probe: the tests that read the workbench DOM
 * (status bar, panel rows) are skipped, the rest run and report on stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runTests } from '@vscode/test-electron';
import { ROOT } from '../../tools/code-server';
import { bundleTests } from './bundle';

async function main(): Promise<number> {
  const vscodeExecutablePath = process.env.VSCODE_EXECUTABLE;
  if (!vscodeExecutablePath && !process.argv.includes('--download')) {
    process.stderr.write(
      'test:vscode:electron: set VSCODE_EXECUTABLE=/path/to/code, or pass --download (needs internet); `npm run test:vscode` runs the suites in code-server instead\n',
    );
    return 2;
  }
  execFileSync(process.execPath, [join(ROOT, 'esbuild.js')], { cwd: ROOT, stdio: 'inherit' });
  const bundles = await bundleTests();
  const workspace = mkdtempSync(join(tmpdir(), 'finesse-workspace-'));
  try {
    return await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: bundles.suite,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome'],
    });
  } catch (e) {
    process.stderr.write(`test:vscode:electron: ${(e as Error).message ?? e}\n`);
    return 1;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

void main().then((code) => process.exit(code));
