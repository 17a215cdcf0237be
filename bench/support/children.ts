/**
 * Bench helpers run in their own processes (as in real use: the client, the proxy and the
 * server are separate programs). A child is a TypeScript file run through tsx; it prints one
 * JSON line when ready and answers JSON requests on stdin line by line.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface Child<T> {
  ready: T;
  proc: ChildProcess;
  /** Sends one request line, resolves with the next reply line. */
  ask<R>(request: object): Promise<R>;
  stop(): Promise<void>;
}

export async function startChild<T>(script: string, args: string[] = []): Promise<Child<T>> {
  const proc = spawn(process.execPath, ['--require', 'tsx/cjs', join(__dirname, script), ...args], {
    cwd: join(__dirname, '..', '..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout! });
  const queue: ((line: string) => void)[] = [];
  lines.on('line', (line) => queue.shift()?.(line));
  const next = () => new Promise<string>((resolve) => queue.push(resolve));
  const exited = once(proc, 'exit').then(([code]) =>
    Promise.reject(new Error(`${script} exited (${code}) before it was ready`)),
  );
  exited.catch(() => undefined);
  const ready = JSON.parse(await Promise.race([next(), exited])) as T;
  return {
    ready,
    proc,
    async ask<R>(request: object): Promise<R> {
      const reply = next();
      proc.stdin!.write(JSON.stringify(request) + '\n');
      return JSON.parse(await reply) as R;
    },
    async stop() {
      if (proc.exitCode !== null) return;
      const gone = once(proc, 'exit');
      proc.kill('SIGTERM');
      await gone;
    },
  };
}

/** In a child: one JSON reply per stdin line. */
export function serveRequests(handle: (request: Record<string, unknown>) => unknown | Promise<unknown>): void {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    void (async () => process.stdout.write(JSON.stringify(await handle(JSON.parse(line))) + '\n'))();
  });
  process.once('SIGTERM', () => process.exit(0));
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const round = (n: number, digits = 3): number => Number(n.toFixed(digits));
