/**
 * `npm run bench [-- NAME…]`: prints performance figures as JSON lines, each measured against a
 * baseline taken in the same run (docs/ARCHITECTURE.md, "Performance targets"). Suites are listed in
 * bench/suites.ts; with no NAME the default set runs.
 */
import { suites } from './suites';

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : Object.keys(suites).filter((n) => suites[n].inDefault);
  for (const name of names) {
    const suite = suites[name];
    if (!suite) throw new Error(`unknown benchmark "${name}"; known: ${Object.keys(suites).join(', ')}`);
    const result = await (await suite.load()).run();
    process.stdout.write(JSON.stringify({ bench: name, ...result }) + '\n');
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
