// docs/ARCHITECTURE.md: nothing under src/core imports `vscode`, so the core runs headless (CLI, tests,
// benchmarks) and the thin VS Code layer stays thin.
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
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
    for (const line of [
      "// import * as vscode from 'vscode';",
      "/* require('vscode') */",
      "import { x } from 'vscode-uri';",
      "const s = 'no vscode here';",
    ])
      assert.equal(importsVscode(line), false, line);
  });

  it('no file under src/core imports vscode', () => {
    const files = sources(join(ROOT, 'src', 'core'));
    assert.ok(files.length > 10, 'found the core sources');
    const offenders = files.filter((f) => importsVscode(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
    assert.deepEqual(offenders, []);
  });
});

// Every module specifier a file imports or re-exports: static and type-only imports, side-effect
// imports, `export … from`, require() and import(). Comments are ignored.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)(['"])([^'"\n]+)\1/g;

export function importedSpecifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"])\/\/.*$/gm, '$1');
  return [...code.matchAll(SPECIFIER)].map((m) => m[2]);
}

/** Where a specifier points: a path in this repository, or a package (npm, node builtin, vscode). */
function resolveSpecifier(file: string, specifier: string): { path: string } | { pkg: string } {
  if (specifier.startsWith('.')) return { path: relative(ROOT, join(file, '..', specifier)).replace(/\\/g, '/') };
  return { pkg: specifier };
}

const within = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`) || path.startsWith(`${dir}.`);

/** Why core may not import this (the headless core runs without VS Code and without the CLI). */
export function coreViolation(file: string, specifier: string): string | undefined {
  const target = resolveSpecifier(file, specifier);
  if ('pkg' in target) return target.pkg === 'vscode' || target.pkg.startsWith('vscode/') ? 'vscode' : undefined;
  for (const layer of ['src/vscode', 'src/cli', 'src/extension']) if (within(target.path, layer)) return layer;
  return undefined;
}

const NODE_BUILTINS = new Set(builtinModules);

/** Why the webview may not import this (it runs in a browser and shares only src/protocol). */
export function webviewViolation(file: string, specifier: string): string | undefined {
  const target = resolveSpecifier(file, specifier);
  if ('pkg' in target) {
    const name = target.pkg;
    if (name === 'vscode' || name.startsWith('vscode/')) return 'vscode';
    if (name.startsWith('node:') || NODE_BUILTINS.has(name) || NODE_BUILTINS.has(name.split('/')[0]))
      return 'a Node builtin';
    return undefined;
  }
  if (within(target.path, 'webview-ui/src') || within(target.path, 'src/protocol')) return undefined;
  return target.path;
}

function violations(dir: string, rule: (file: string, specifier: string) => string | undefined): string[] {
  const files = sources(join(ROOT, dir));
  assert.ok(files.length > 5, `found the sources under ${dir}`);
  return files.flatMap((f) =>
    importedSpecifiers(readFileSync(f, 'utf8'))
      .map((s) => [s, rule(f, s)] as const)
      .filter(([, why]) => why)
      .map(([s, why]) => `${relative(ROOT, f)} imports '${s}' (${why})`),
  );
}

describe('architecture: layers', () => {
  it('finds every import form, and none in comments', () => {
    const text = [
      "import a from './a';",
      "import type { B } from '../b';",
      "import './c';",
      "export * from './d';",
      "const e = require('e');",
      "const f = await import('./f');",
      "// import g from './g';",
      "/* import h from './h'; */",
    ].join('\n');
    assert.deepEqual(importedSpecifiers(text), ['./a', '../b', './c', './d', 'e', './f']);
  });

  it('tells which core imports cross into the VS Code layer or the CLI', () => {
    const file = join(ROOT, 'src/core/capture/frameStore.ts');
    assert.equal(coreViolation(file, 'vscode'), 'vscode');
    assert.equal(coreViolation(file, '../../vscode/services'), 'src/vscode');
    assert.equal(coreViolation(file, '../../cli/io'), 'src/cli');
    assert.equal(coreViolation(file, '../../cli'), 'src/cli');
    assert.equal(coreViolation(file, '../../extension'), 'src/extension');
    for (const ok of ['./frame', '../xmpp/xml', 'node:events', 'ws', 'vscode-uri'])
      assert.equal(coreViolation(file, ok), undefined, ok);
  });

  it('tells which webview imports leave webview-ui/src and src/protocol', () => {
    const file = join(ROOT, 'webview-ui/src/list/frameList.ts');
    for (const ok of ['../ui', './rowCache', '../../../src/protocol/messages', 'd3-scale'])
      assert.equal(webviewViolation(file, ok), undefined, ok);
    assert.equal(webviewViolation(file, '../../../src/core/capture/frame'), 'src/core/capture/frame');
    assert.equal(webviewViolation(file, '../../../src/vscode/panel/detail'), 'src/vscode/panel/detail');
    assert.equal(webviewViolation(file, 'vscode'), 'vscode');
    assert.equal(webviewViolation(file, 'node:events'), 'a Node builtin');
    assert.equal(webviewViolation(file, 'events'), 'a Node builtin');
    assert.equal(webviewViolation(file, 'fs/promises'), 'a Node builtin');
  });

  it('src/core imports neither vscode nor src/vscode, src/cli or src/extension', () => {
    assert.deepEqual(violations('src/core', coreViolation), []);
  });

  it('webview-ui/src imports only its own files, src/protocol and npm packages', () => {
    assert.deepEqual(violations('webview-ui/src', webviewViolation), []);
  });

  it('tells a value import of core from a type-only one', () => {
    const file = join(ROOT, 'src/protocol/messages.ts');
    assert.deepEqual(
      coreValueImports(
        file,
        "import type { Frame } from '../core/capture/frame';\nexport type { X } from '../core/x';",
      ),
      [],
    );
    assert.deepEqual(coreValueImports(file, "import { FrameStore } from '../core/capture/frameStore';"), [
      '../core/capture/frameStore',
    ]);
    assert.deepEqual(coreValueImports(file, "export { compileFilter } from '../core/capture/filter';"), [
      '../core/capture/filter',
    ]);
    assert.deepEqual(coreValueImports(file, "import { x } from './messages';"), []);
  });

  it('src/protocol takes only types from core, so the webview bundle carries no core code', () => {
    const offenders = sources(join(ROOT, 'src/protocol')).flatMap((f) =>
      coreValueImports(f, readFileSync(f, 'utf8')).map((s) => `${relative(ROOT, f)} imports '${s}'`),
    );
    assert.deepEqual(offenders, []);
  });
});

const STATEMENT = /^\s*(import|export)\s+(type\s+)?[^;]*?\bfrom\s*(['"])([^'"\n]+)\3/gm;

/** Specifiers of src/core modules a file imports or re-exports as values (not `import type`). */
export function coreValueImports(file: string, text: string): string[] {
  return [...text.matchAll(STATEMENT)]
    .filter(
      (m) =>
        !m[2] && within(relative(ROOT, join(file, '..', m[4])).replace(/\\/g, '/'), 'src/core') && m[4].startsWith('.'),
    )
    .map((m) => m[4]);
}
