/**
 * `npm run bench [-- NAME…]`: prints performance figures as JSON lines, each measured against a
 * baseline taken in the same run (docs/ARCHITECTURE.md, "Performance targets"). Suites are listed in
 * bench/suites.ts; with no NAME the default set runs. Exits 1 when a suite's verdict is `fail`.
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
    // A suite that judges its own run (load, soak) fails the command when it fails.
    if ((result as { verdict?: string }).verdict === 'fail') {
      process.stderr.write(`bench ${name}: FAIL: ${((result as { failures?: string[] }).failures ?? []).join('; ')}\n`);
      process.exitCode = 1;
    }
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
