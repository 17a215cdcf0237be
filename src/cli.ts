/**
 * `finesse-frames`: the headless entry over the same core as the extension.
 * Each subcommand lives in src/cli/<name>.ts and exports `run(args): Promise<number>`.
 */
import { explainFailure, EXIT_FAILURE, EXIT_USAGE, FailureError, printError, UsageError } from './cli/io';

type Command = { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> };

const commands: Record<string, Command> = {
  connect: { summary: 'log in to Finesse as an agent and print every frame', load: () => import('./cli/connect') },
  proxy: { summary: 'forward a client through a local listener and print every frame', load: () => import('./cli/proxy') },
  simulate: { summary: 'run the embedded Finesse simulator', load: () => import('./cli/simulate') },
  replay: { summary: 'serve a saved session to a connecting client', load: () => import('./cli/replay') },
  validate: { summary: 'validate stanzas in a file against the schemas and protocol rules', load: () => import('./cli/validate') },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return `usage: finesse-frames <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun finesse-frames <command> --help for its options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? 0 : EXIT_USAGE;
  }
  const command = commands[name];
  if (!command) {
    printError(`unknown command "${name}" (try --help)`);
    return EXIT_USAGE;
  }
  try {
    return await (await command.load()).run(args);
  } catch (e) {
    if (e instanceof UsageError) {
      printError(`${name}: ${e.message}`);
      return EXIT_USAGE;
    }
    const message = e instanceof FailureError ? e.message : `${name}: ${(e as Error).message}`;
    printError(explainFailure(message, e));
    return EXIT_FAILURE;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      printError(String(e));
      process.exitCode = EXIT_FAILURE;
    },
  );
}
