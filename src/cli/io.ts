/**
 * Shared CLI plumbing: exit codes and the one-line error contract of DESIGN.md
 * (0 done, 1 protocol/auth failure, 2 usage error; errors on stderr in one line).
 */
import { parseArgs, ParseArgsConfig } from 'node:util';
import { isWildcardHost } from '../core/net/origin';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Thrown for bad flags; the dispatcher prints it with the usage hint and exits 2. */
export class UsageError extends Error {}

/** Thrown for protocol/auth failures; the dispatcher prints it and exits 1. */
export class FailureError extends Error {}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** One JSON object per line on stdout; respects backpressure-free sync writes for pipes. */
export function printJson(obj: unknown): void {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

/** One line on stderr, no stack: users read it, scripts grep it. */
export function printError(message: string): void {
  process.stderr.write(`finesse-frames: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
}

/** Parses `HOST:PORT` (or a bare port) for --listen; 127.0.0.1 unless the user says otherwise. */
export function parseListen(value: string | undefined): { host: string; port: number } {
  if (!value) return { host: '127.0.0.1', port: 0 };
  const m = /^(?:\[?([^\]]*?)\]?:)?(\d+)$/.exec(value);
  if (!m) throw new UsageError(`--listen expects HOST:PORT, got "${value}"`);
  return { host: m[1] || '127.0.0.1', port: Number(m[2]) };
}

/** Resolves on SIGINT/SIGTERM so long-running commands can shut down cleanly. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (sig: NodeJS.Signals) => resolve(sig);
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/** `--allow-origin` values: each an origin (`https://host:port`), `null` or `*`. */
export function parseAllowedOrigins(values: string[] | undefined): string[] {
  return (values ?? []).map((v) => {
    if (v === '*' || v === 'null') return v;
    let url: URL | undefined;
    try {
      url = new URL(v);
    } catch {
      url = undefined;
    }
    if (!url || url.origin === 'null') throw new UsageError(`--allow-origin expects an origin such as https://finesse.example.com:8445, got "${v}"`);
    return url.origin;
  });
}

/**
 * A listener bound to every interface is reachable from the network: said on stderr, with the
 * address actually bound (`url` carries the port).
 */
export function warnIfWide(host: string, url: string): void {
  if (!isWildcardHost(host)) return;
  const port = new URL(url).port;
  const bound = host.includes(':') ? `[${host.replace(/^\[|\]$/g, '')}]` : host;
  printError(`warning: listening on ${bound}:${port}, every network interface: other machines can connect (--listen 127.0.0.1:${port} keeps it to this machine)`);
}
