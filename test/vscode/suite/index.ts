/**
 * The test runner VS Code loads in the extension host (the payload's extensionTestsPath): mocha
 * over the bundled *.test.js files next to this file. The spec report goes to the runner line by
 * line through the probe, then the counts; a rejected promise tells VS Code the run failed.
 * Mocha stays external to the bundle and is required from the project's node_modules.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import { resetExtension } from './helpers';
import { probe, ProbeResult } from './probe';

export async function run(): Promise<void> {
  // One ordered queue of report lines, flushed before the result is sent.
  let lines: string[] = [];
  let sending = Promise.resolve();
  const flush = () => {
    const batch = lines;
    lines = [];
    if (batch.length)
      sending = sending
        .then(() => probe.log(batch))
        .then(
          () => undefined,
          () => undefined,
        );
    return sending;
  };
  if (probe.available()) {
    Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
      lines.push(format(...args));
      void flush();
    };
  }

  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000 });
  if (process.env.FINESSE_VSCODE_GREP) mocha.grep(process.env.FINESSE_VSCODE_GREP);
  const files = (process.env.FINESSE_VSCODE_SUITES ?? '')
    .split(',')
    .filter(Boolean)
    .map((f) => join(__dirname, f));
  const own = files.length
    ? files
    : readdirSync(__dirname)
        .filter((f) => f.endsWith('.test.js'))
        .sort()
        .map((f) => join(__dirname, f));
  for (const f of own) mocha.addFile(f);
  // As each file is loaded, give its top-level suites a last after-hook that resets the
  // extension, so suites do not see each other's frames, connections or editors.
  const reset = new Set<Mocha.Suite>();
  mocha.suite.on('post-require', () => {
    for (const suite of mocha.suite.suites) {
      if (reset.has(suite)) continue;
      reset.add(suite);
      suite.afterAll('reset the extension for the next suite', resetExtension);
    }
  });

  const result: ProbeResult = { passed: 0, failed: 0, pending: 0, failures: [] };
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', () => result.passed++);
    runner.on('pending', () => result.pending++);
    runner.on('fail', (test, err: Error) => {
      result.failed++;
      result.failures.push({ title: test.fullTitle(), message: err?.stack ?? String(err) });
    });
  });
  await flush();
  await probe.result(result);
  if (result.failed > 0) throw new Error(`${result.failed} integration test(s) failed`);
}
