/**
 * Shared CLI plumbing: exit codes and the one-line error contract (docs/ARCHITECTURE.md)
 * (0 done, 1 protocol/auth failure, 2 usage error; errors on stderr in one line).
 */
import { accessSync, constants } from 'node:fs';
import { parseArgs, ParseArgsConfig } from 'node:util';
import { normalizeFingerprint, type TlsTrust } from '../core/session/tls';
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
    throw new UsageError(parseArgsMessage(e as NodeJS.ErrnoException));
  }
}

/** node:util's parseArgs errors in the CLI's own words (the option named as typed). */
function parseArgsMessage(e: NodeJS.ErrnoException): string {
  const option = /'(-[^' ]*)/.exec(e.message)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? e.message} (try --help)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(e.message) ? `${option} needs a value` : `${option} takes no value`;
    default:
      return e.message;
  }
}

/** A file system error code in words, for one-line messages (never Node's own text). */
export function fsErrorText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EEXIST':
      return 'already exists';
    default:
      return code ?? (e as Error).message;
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
  const port = Number(m[2]);
  if (port > 65535) throw new UsageError(`--listen: port ${m[2]} is out of range (0-65535; 0 picks a free port)`);
  return { host: m[1] || '127.0.0.1', port };
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
    if (!url || url.origin === 'null')
      throw new UsageError(`--allow-origin expects an origin such as https://finesse.example.com:8445, got "${v}"`);
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
  printError(
    `warning: listening on ${bound}:${port}, every network interface: other computers can connect (--listen 127.0.0.1:${port} keeps it local)`,
  );
}

/**
 * Hints for the usual first mistakes with a server URL, printed before connecting: Finesse
 * serves XMPP over WebSocket at /ws/ (port 8445 with TLS).
 */
export function urlHints(value: string): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [];
  }
  const hints: string[] = [];
  if ((url.protocol === 'ws:' || url.protocol === 'wss:') && !/\/ws\/?$/.test(url.pathname)) {
    hints.push(
      `hint: ${value} has no /ws/ path; Finesse serves XMPP over WebSocket at ${url.protocol}//${url.host}/ws/`,
    );
  }
  return hints;
}

/**
 * The one-line error for a failure, in words: OpenSSL's record dump is replaced by what it
 * means, and a hint is added when the error usually means the wrong scheme or path.
 */
export function explainFailure(message: string, e: unknown): string {
  const hint = message.includes('hint:') ? '' : errorHint(e);
  if (/wrong version number/i.test(message))
    message = message.replace(/(?:write |read )?EPROTO\b.*$/s, 'the TLS handshake got a plain answer');
  return message + hint;
}

/** A hint for a connection error that usually means the wrong scheme; '' when none fits. */
function errorHint(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const text = `${err?.code ?? ''} ${err?.message ?? ''}`;
  if (/WRONG_VERSION_NUMBER|wrong version number|packet length too long|unknown protocol/i.test(text))
    return ' (hint: the server does not speak TLS on that port: use ws:// instead of wss://)';
  if (/plain HTTP request was sent to HTTPS|Unexpected server response: 400/i.test(text))
    return ' (hint: the server may expect TLS: try wss://)';
  if (/Unexpected server response: 404|\b404\b/.test(text))
    return ' (hint: nothing at that path: Finesse serves XMPP over WebSocket at /ws/)';
  return '';
}

/** `--ca FILE` and `--fingerprint FP` as the trust for a wss:// upstream; usage errors when unreadable or malformed. */
export function parseTrust(ca: string | undefined, fingerprint: string | undefined): TlsTrust | undefined {
  const trust: TlsTrust = {};
  if (ca !== undefined) {
    try {
      accessSync(ca, constants.R_OK);
    } catch {
      throw new UsageError(`--ca: cannot read "${ca}"`);
    }
    trust.caFile = ca;
  }
  if (fingerprint !== undefined) {
    try {
      trust.fingerprint = normalizeFingerprint(fingerprint);
    } catch (e) {
      throw new UsageError(`--fingerprint: ${(e as Error).message}`);
    }
  }
  return ca !== undefined || fingerprint !== undefined ? trust : undefined;
}
