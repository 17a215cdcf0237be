/**
 * `npm run bench [-- NAME…]`: prints performance figures as JSON lines, each measured against a
 * baseline taken in the same run (DESIGN.md "Performance targets"). Benchmarks live in
 * bench/<name>.ts and export `run(): Promise<object>`; with no NAME the default set runs.
 */
const suites: Record<string, { inDefault: boolean; load: () => Promise<{ run(): Promise<unknown> }> }> = {};

export function register(name: string, inDefault: boolean, load: () => Promise<{ run(): Promise<unknown> }>): void {
  suites[name] = { inDefault, load };
}

async function main(): Promise<void> {
  // Each suite registers itself here; see bench/suites.ts.
  await import('./suites');
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : Object.keys(suites).filter((n) => suites[n].inDefault);
  for (const name of names) {
    const suite = suites[name];
    if (!suite) throw new Error(`unknown benchmark "${name}"; known: ${Object.keys(suites).join(', ')}`);
    const result = await (await suite.load()).run();
    process.stdout.write(JSON.stringify({ bench: name, ...(result as object) }) + '\n');
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
