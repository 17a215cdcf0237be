// Bundles: the extension host (dist/extension.js), the headless CLI (dist/cli.js) and the
// webview (dist/webview.js + .css). One script, `--watch` and `--production` as in the
// vscode-extension-samples, with a problem-matcher friendly logger.
const esbuild = require('esbuild');
const fs = require('fs');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * Prints the start/end markers the `$esbuild-watch` problem matcher understands, once per
 * rebuild of the whole set: every bundle reports to one counter, so "finished" comes after the
 * last bundle, and F5's pre-launch task never starts the host on a half-built dist/.
 */
let building = 0;
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch && building++ === 0) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch && --building === 0) console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: [problemMatcher],
};

// libxml2-wasm (schema validation) is ESM with top-level await, which a CJS bundle cannot hold:
// it gets its own ESM file, dist/libxml2.mjs (wasm inlined), and the CJS bundles import it at
// run time, on first validation only (src/core/validation/libxml.ts).
const libxml2Split = {
  name: 'libxml2-split',
  setup(build) {
    build.onResolve({ filter: /^libxml2-wasm$/ }, () => ({ path: './libxml2.mjs', external: true }));
  },
};
const withLibxml2 = { plugins: [problemMatcher, libxml2Split] };

const targets = [
  { ...common, ...withLibxml2, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  { ...common, ...withLibxml2, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: ['node_modules/libxml2-wasm/lib/index.mjs'], outfile: 'dist/libxml2.mjs', platform: 'node', format: 'esm', target: 'node20', sourcemap: false },
  { ...common, entryPoints: ['webview-ui/src/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
  { ...common, entryPoints: ['webview-ui/src/timeline/main.ts'], outfile: 'dist/timeline.js', platform: 'browser', format: 'iife', target: 'es2022' },
  // The gadget desktop (served by the local Finesse at /desktop/): the container page, and the
  // gadgets.* runtime /gadgets/ifr injects into every gadget's frame.
  { ...common, entryPoints: ['webview-ui/src/desktop/main.ts'], outfile: 'dist/desktop.js', platform: 'browser', format: 'iife', target: 'es2020' },
  { ...common, entryPoints: ['webview-ui/src/gadget/main.ts'], outfile: 'dist/gadget-runtime.js', platform: 'browser', format: 'iife', target: 'es2020' },
].filter((t) => fs.existsSync(t.entryPoints[0]));

// The gadget desktop serves the jQuery the product ships (npm jquery, MIT) at
// /desktop/assets/js/jquery.min.js; it sits beside the bundles so the vsix carries it.
function copyJquery() {
  fs.mkdirSync('dist', { recursive: true });
  fs.copyFileSync(require.resolve('jquery/dist/jquery.min.js'), 'dist/jquery.min.js');
}

async function main() {
  copyJquery();
  const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
  } else {
    await Promise.all(contexts.map((c) => c.rebuild()));
    await Promise.all(contexts.map((c) => c.dispose()));
    if (fs.existsSync('dist/cli.js')) fs.chmodSync('dist/cli.js', 0o755);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
