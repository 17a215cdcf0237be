/**
 * Bundles the in-host tests for the extension host (Node 24 inside code-server): one CommonJS
 * file per suite file, `vscode` (given by the host) and `mocha` (required from node_modules)
 * left external. Also writes the tiny "test host" extension the installed-vsix pass needs as
 * its extensionDevelopmentPath (VS Code only runs extensionTestsPath beside a development
 * extension; this one contributes nothing, so the extension under test is the installed one).
 */
import { build } from 'esbuild';
import { mkdirSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../tools/code-server';

const OUT = join(ROOT, 'out', 'vscode-tests');

export interface TestBundles {
  /** extensionTestsPath of the development pass. */
  suite: string;
  /** extensionTestsPath of the installed-vsix pass. */
  installed: string;
  /** extensionDevelopmentPath of the installed-vsix pass. */
  host: string;
}

export async function bundleTests(): Promise<TestBundles> {
  rmSync(OUT, { recursive: true, force: true });
  const index = join(ROOT, 'test/vscode/suite/index.ts');
  const entries: { in: string; out: string }[] = [];
  for (const dir of ['suite', 'installed']) {
    entries.push({ in: index, out: `${dir}/index` });
    for (const f of readdirSync(join(ROOT, 'test/vscode', dir))) {
      if (f.endsWith('.test.ts'))
        entries.push({ in: join(ROOT, 'test/vscode', dir, f), out: `${dir}/${f.replace(/\.ts$/, '')}` });
    }
  }
  await build({
    entryPoints: entries,
    outdir: OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    sourcesContent: false,
    // libxml2-wasm is ESM with top-level await, which a CJS bundle cannot hold; the suites import it
    // from node_modules at run time, as the extension imports dist/libxml2.mjs.
    external: ['vscode', 'mocha', 'libxml2-wasm'],
    logLevel: 'warning',
  });
  const host = join(OUT, 'host');
  mkdirSync(host, { recursive: true });
  const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { vscode: string } })
    .engines;
  writeFileSync(
    join(host, 'package.json'),
    JSON.stringify(
      {
        name: 'vsix-test-host',
        publisher: 'finesse-frames-tests',
        version: '0.0.0',
        engines: { vscode: engines.vscode },
      },
      null,
      2,
    ),
  );
  return { suite: join(OUT, 'suite', 'index.js'), installed: join(OUT, 'installed', 'index.js'), host };
}
