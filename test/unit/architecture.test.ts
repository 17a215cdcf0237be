// DESIGN.md: nothing under src/core imports `vscode`, so the core runs headless (CLI, tests,
// benchmarks) and the thin VS Code layer stays thin.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(e.name) ? [p] : [];
  });
}

// import … from 'vscode', import 'vscode', import type …, export … from, require('vscode'),
// import('vscode'); also subpaths like 'vscode/…'.
const VSCODE_IMPORT = /(?:\bfrom\s*|\bimport\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)(['"])vscode(?:\/[^'"]*)?\1/;

export function importsVscode(text: string): boolean {
  // Comments may mention vscode freely.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"])\/\/.*$/gm, '$1');
  return VSCODE_IMPORT.test(code);
}

describe('architecture', () => {
  it('recognises every way of importing vscode', () => {
    for (const line of [
      "import * as vscode from 'vscode';",
      'import type { Uri } from "vscode";',
      "import 'vscode';",
      "export { window } from 'vscode';",
      "const vscode = require('vscode');",
      "const v = await import('vscode');",
      "import { x } from 'vscode/lib';",
    ])
      assert.equal(importsVscode(line), true, line);
    for (const line of ["// import * as vscode from 'vscode';", "/* require('vscode') */", "import { x } from 'vscode-uri';", "const s = 'no vscode here';"])
      assert.equal(importsVscode(line), false, line);
  });

  it('no file under src/core imports vscode', () => {
    const files = sources(join(ROOT, 'src', 'core'));
    assert.ok(files.length > 10, 'found the core sources');
    const offenders = files.filter((f) => importsVscode(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
    assert.deepEqual(offenders, []);
  });
});
