/**
 * `finesse-frames`: the headless entry over the same core as the extension.
 * Each subcommand lives in src/cli/<name>.ts and exports `run(args): Promise<number>`.
 */
import { explainFailure, EXIT_FAILURE, EXIT_USAGE, FailureError, printError, UsageError } from './cli/io';
// A named import: the bundle keeps only this one field of package.json.
import { version } from '../package.json';

type Command = { summary: string; load: () => Promise<{ run(args: string[]): Promise<number> }> };

const commands: Record<string, Command> = {
  connect: { summary: 'log in to Finesse as an agent and print every frame', load: () => import('./cli/connect') },
  proxy: {
    summary: 'forward a client through a local listener and print every frame',
    load: () => import('./cli/proxy'),
  },
  simulate: { summary: 'run the embedded Finesse simulator', load: () => import('./cli/simulate') },
  replay: { summary: 'serve a saved session to a connecting client', load: () => import('./cli/replay') },
  validate: {
    summary: 'validate stanzas in a file against the schemas and protocol rules',
    load: () => import('./cli/validate'),
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return `usage: finesse-frames <command> [options]\n\ncommands:\n${lines.join('\n')}\n  help      this text, or a command's options: finesse-frames help <command>\n\nRun finesse-frames <command> --help for its options; finesse-frames --version prints the version.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`finesse-frames ${version}\n`);
    return 0;
  }
  if (name === 'help' && args[0] && commands[args[0]]) return main([args[0], '--help']);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
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
