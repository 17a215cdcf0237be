/**
 * `finesse-frames connect`: logs in to the Finesse notification service as an agent and prints
 * every frame both ways as one JSON line (docs/ARCHITECTURE.md, "CLI: JSON lines"), SASL payloads redacted.
 * Status changes go to stderr, one line each. The password comes only from FINESSE_PASSWORD:
 * a flag would leave it in shell history and in every process listing.
 */
import { accessSync, constants } from 'node:fs';
import { FrameStore } from '../core/capture/frameStore';
import { frameToJsonLine } from '../core/capture/jsonLines';
import { AuthError, DEFAULT_RESOURCE, FinesseSession, FinesseSessionOptions } from '../core/session/finesseSession';
import { normalizeFingerprint, TlsTrust, UntrustedCertificateError } from '../core/session/tls';
import { EXIT_OK, FailureError, parse, printError, urlHints, UsageError, untilSignal } from './io';
import { startSaving } from './save';

export const PASSWORD_ENV = 'FINESSE_PASSWORD';

const USAGE = `usage: finesse-frames connect --url URL --domain DOMAIN --user USER [options]

Logs in to the Finesse notification service as an agent, beside the agent's desktop, and
prints every frame as a JSON line. The agent's User, Dialogs, Media and SystemInfo Updates
arrive without subscribing (Finesse subscribes every agent); Team and Queue nodes are
subscribed on request and unsubscribed on exit. The password is read from the environment
variable ${PASSWORD_ENV}.

options:
  --url URL          ws:// or wss:// URL of the service, e.g. wss://finesse1:8445/ws/
  --domain DOMAIN    XMPP domain
  --user USER        agent login (XMPP localpart)
  --team ID          subscribe to /finesse/api/Team/ID/Users (repeatable)
  --queue ID         subscribe to /finesse/api/Queue/ID (repeatable)
  --resource R       XMPP resource (default: ${DEFAULT_RESOURCE}); "desktop" signs the
                     agent's Finesse desktop out of notifications
  --pubsub JID       pubsub service (default: pubsub.DOMAIN)
  --ca FILE          trust the CA (or self-signed certificate) in this PEM file
  --fingerprint FP   trust exactly the server certificate with this SHA-256 fingerprint
  --keepalive MS     XEP-0199 ping interval in ms (default: 30000; 0: none)
  --save FILE        also save every frame to FILE (.finesse-session; credentials redacted)
  --force            let --save overwrite an existing file
  -h, --help         show this help

Stops cleanly (unsubscribe, <close/>) on Ctrl-C. Exit codes: 0 stopped, 1 login or
connection failure, 2 usage error.
`;

const OPTIONS = {
  url: { type: 'string' },
  domain: { type: 'string' },
  user: { type: 'string' },
  team: { type: 'string', multiple: true },
  queue: { type: 'string', multiple: true },
  resource: { type: 'string' },
  pubsub: { type: 'string' },
  ca: { type: 'string' },
  fingerprint: { type: 'string' },
  keepalive: { type: 'string' },
  save: { type: 'string' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Turns flags and environment into session options, or a UsageError saying what is wrong. */
export function sessionOptions(args: string[], env: NodeJS.ProcessEnv): FinesseSessionOptions | 'help' {
  const { values, positionals } = parse(args, OPTIONS);
  if (values.help) return 'help';
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  for (const name of ['url', 'domain', 'user'] as const)
    if (!values[name]) throw new UsageError(`--${name} is required (see --help)`);
  const url = values.url as string;
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new UsageError(`--url "${url}" is not a URL`);
  }
  if (protocol !== 'ws:' && protocol !== 'wss:') throw new UsageError(`--url must be ws:// or wss://, got "${url}"`);

  const trust: TlsTrust = {};
  if (values.ca) {
    try {
      accessSync(values.ca, constants.R_OK);
    } catch {
      throw new UsageError(`--ca: cannot read "${values.ca}"`);
    }
    trust.caFile = values.ca;
  }
  if (values.fingerprint) {
    try {
      trust.fingerprint = normalizeFingerprint(values.fingerprint);
    } catch (e) {
      throw new UsageError(`--fingerprint: ${(e as Error).message}`);
    }
  }
  if ((trust.caFile || trust.fingerprint) && protocol !== 'wss:')
    throw new UsageError('--ca and --fingerprint need a wss:// URL');

  let keepaliveMs: number | undefined;
  if (values.keepalive !== undefined) {
    keepaliveMs = Number(values.keepalive);
    if (!Number.isInteger(keepaliveMs) || keepaliveMs < 0)
      throw new UsageError(`--keepalive expects milliseconds (an integer ≥ 0), got "${values.keepalive}"`);
  }

  const password = env[PASSWORD_ENV];
  if (!password)
    throw new UsageError(`set the password in the environment variable ${PASSWORD_ENV} (there is no password flag)`);

  const opts: FinesseSessionOptions = { url, domain: values.domain as string, user: values.user as string, password };
  if (values.team?.length) opts.teams = [...values.team];
  if (values.queue?.length) opts.queues = [...values.queue];
  if (values.resource) opts.resource = values.resource;
  if (values.pubsub) opts.pubsub = values.pubsub;
  if (trust.caFile || trust.fingerprint) opts.trust = trust;
  if (keepaliveMs !== undefined) opts.keepaliveMs = keepaliveMs;
  return opts;
}

function status(message: string): void {
  process.stderr.write(`finesse-frames: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
}

/** Resolves when stdout can no longer be written (EPIPE); other write errors are raised. */
function stdoutGone(): Promise<void> {
  return new Promise((resolve) => {
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      resolve();
    });
  });
}

/** Resolves once the store has emitted every frame appended so far (it batches per macrotask). */
function drained(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The one stderr line for a session that could not get online. */
function failure(err: Error, opts: FinesseSessionOptions): FailureError {
  if (err instanceof AuthError) return new FailureError(err.message);
  if (err instanceof UntrustedCertificateError && err.fingerprint) {
    return new FailureError(
      `cannot connect to ${opts.url}: ${err.message} (--fingerprint ${err.fingerprint} or --ca FILE)`,
    );
  }
  return new FailureError(`cannot connect to ${opts.url}: ${err.message}`);
}

export async function run(args: string[]): Promise<number> {
  const opts = sessionOptions(args, process.env);
  if (opts === 'help') {
    process.stdout.write(USAGE);
    return EXIT_OK;
  }
  for (const hint of urlHints(opts.url)) printError(hint);

  const store = new FrameStore(10_000);
  // --save: the file follows the store from the first frame; the password travels only in the
  // SASL payload, which is redacted (not replaced everywhere: a short one would match JIDs).
  const { save, force } = parse(args, OPTIONS).values;
  const saving = startSaving(save, store, { target: opts.url, force });
  try {
    return await printSession(store, opts);
  } finally {
    await saving?.close();
  }
}

async function printSession(store: FrameStore, opts: FinesseSessionOptions): Promise<number> {
  store.on('append', (frames) => {
    if (!process.stdout.writable) return;
    let out = '';
    for (const frame of frames) out += frameToJsonLine(frame) + '\n';
    process.stdout.write(out);
  });

  const session = new FinesseSession(store, opts);
  let wasOnline = false;
  session.on('subscription', (s) => {
    if (!s.ok) status(`subscribe ${s.node} failed: ${s.error}`);
  });
  session.on('warning', (w) => status(`warning: ${w}`));
  const failed = new Promise<Error>((resolve) => {
    session.on('state', (state, info) => {
      if (state === 'online') {
        const nodes = session.subscriptions.join(', ') || 'no Team or Queue node';
        status(`${wasOnline ? 'reconnected' : 'connected'} as ${session.jid} (subscribed to ${nodes})`);
        wasOnline = true;
      } else if (state === 'reconnecting') {
        status(
          `reconnecting in ${info.delayMs} ms (attempt ${info.attempt}): ${info.error?.message ?? 'connection lost'}`,
        );
      } else if (state === 'failed' && wasOnline) {
        resolve(info.error ?? new Error('the session failed'));
      }
    });
  });

  // Ctrl-C, or whoever reads stdout went away (`| head`): stop cleanly either way.
  const signal = Promise.race([untilSignal(), stdoutGone()]);
  const started = session.start();
  started.catch(() => undefined); // its failure is handled below, or it lost the race to a signal
  const first = await Promise.race([
    started.then(
      () => 'online' as const,
      (e: Error) => e,
    ),
    signal.then(() => 'signal' as const),
  ]);
  if (first instanceof Error) {
    await drained();
    throw failure(first, opts);
  }
  if (first === 'online') {
    const outcome = await Promise.race([signal.then(() => 'signal' as const), failed]);
    if (outcome instanceof Error) {
      await drained();
      throw new FailureError(`connection to ${opts.url} lost for good: ${outcome.message}`);
    }
  }
  await session.stop();
  await drained();
  status('stopped');
  return EXIT_OK;
}
