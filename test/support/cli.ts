/**
 * The built CLI (dist/cli.js) run as a user runs it: `node dist/cli.js <command> …` in a child
 * process. stdout is read as JSON lines (the CLI contract), stderr as text lines; tests wait on
 * lines, not on time.
 */
import { spawn, ChildProcess, execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LineReader } from './lines';

export const ROOT = join(__dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');

let built: Promise<void> | undefined;

/** Builds the bundles once per test process (`node esbuild.js`), so a suite stands alone. */
export function buildCli(): Promise<void> {
  built ??= promisify(execFile)(process.execPath, ['esbuild.js'], { cwd: ROOT }).then(() => undefined);
  return built;
}

/** A JSON line of stdout; `Record` because each command prints its own shapes. */
export type JsonLine = Record<string, any>;

export interface CliProcess {
  readonly proc: ChildProcess;
  readonly stdout: LineReader<JsonLine>;
  readonly stderr: LineReader<string>;
  /** Parsed stdout lines so far. */
  lines(): JsonLine[];
  /** stderr lines so far. */
  readonly stderrLines: string[];
  /** First stdout JSON line (from index `from`) matching `match`. */
  waitFor(match: (line: JsonLine) => boolean, what?: string, from?: number): Promise<JsonLine>;
  /** First stderr line (from index `from`) matching. */
  waitForStderr(match: RegExp | ((line: string) => boolean), from?: number): Promise<string>;
  /** Resolves when the process has exited and its output is fully read. */
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal (default SIGTERM) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node dist/cli.js ...args`. `env` is added to a copy of this process's environment
 * (a value of undefined removes the variable).
 */
export function spawnCli(args: string[], env: Record<string, string | undefined> = {}): CliProcess {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  const proc = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout = new LineReader<JsonLine>(proc.stdout!, (line) => JSON.parse(line) as JsonLine);
  const stderr = new LineReader<string>(proc.stderr!);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const exit = Promise.all([exited, stdout.closed(), stderr.closed()]).then(([result]) => result);
  return {
    proc,
    stdout,
    stderr,
    lines: () => stdout.lines,
    stderrLines: stderr.lines,
    waitFor: (match, what, from) => stdout.waitFor(match, what, from),
    waitForStderr: (match, from) =>
      stderr.waitFor(
        typeof match === 'function' ? match : (l) => match.test(l),
        typeof match === 'function' ? 'a matching stderr line' : `a stderr line matching ${match}`,
        from,
      ),
    exit,
    kill: (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exit;
    },
  };
}
