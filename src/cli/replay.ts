/**
 * `finesse-frames replay FILE --listen HOST:PORT [--speed N] [--har-entry N] [--step] [--once]`
 * serves the recorded server side of a saved session (.finesse-session or a DevTools .har) to
 * whatever client connects: first line `{"listening":"ws://127.0.0.1:PORT/ws/"}`, then every
 * frame of every replayed connection as one JSON line (DESIGN.md).
 *
 * `finesse-frames replay FILE --target URL --user USER` sends the recorded client side to a live
 * server instead (password from FINESSE_PASSWORD) and prints the frames both ways.
 */
import { createInterface } from 'node:readline';
import { FrameStore } from '../core/capture/frameStore';
import { frameToJsonLine } from '../core/capture/jsonLines';
import { SessionFileError } from '../core/recording/format';
import { HarChoiceError, HarError } from '../core/recording/har';
import { openRecording, pickSession, Recording } from '../core/recording/open';
import { replayClient, ReplayClientError } from '../core/replay/replayClient';
import { ReplayServer } from '../core/replay/replayServer';
import { normalizeFingerprint, TlsTrust } from '../core/session/tls';
import { FailureError, fsErrorText, parse, parseAllowedOrigins, parseListen, printError, printJson, untilSignal, UsageError, warnIfWide } from './io';

export const PASSWORD_ENV = 'FINESSE_PASSWORD';

const USAGE = `usage: finesse-frames replay FILE [--listen HOST:PORT] [options]
       finesse-frames replay FILE --target URL --user USER [options]

Serves the server side of a recorded session (a .finesse-session file or a HAR saved by
Chrome/Edge DevTools) to any XMPP WebSocket client that connects: the client's open, auth,
bind and subscribe requests get the recorded answers (ids and JID rewritten to the client's),
then the recorded server pushes follow with the recorded timing. Every frame is printed as a
JSON line after the first line {"listening":"ws://…/ws/"}.

With --target the recorded client side is sent to a live server instead; the password for the
login is read from ${PASSWORD_ENV} (the saved recording's SASL payload is redacted).

options:
  --listen HOST:PORT  where to listen (default 127.0.0.1:0, a free port)
  --allow-origin O    let browser pages of origin O connect (repeatable)
  --speed N           1 = recorded timing (default), 2 = twice as fast, 0 = as fast as possible
  --step              send each server push only when a line is read from stdin
  --once              exit after the first client disconnects
  --har-entry N|URL   which WebSocket entry of a HAR (index from 0, or part of its URL)
  --session ID        which recorded session, when the file holds several
  --target URL        replay the client side against this live ws:// or wss:// server
  --user USER         login for --target
  --ca FILE           trust this PEM CA for a wss:// --target
  --fingerprint FP    pin the --target certificate's SHA-256 fingerprint
  --reveal            print SASL payloads instead of redacting them
  -h, --help          show this help
`;

const OPTIONS = {
  listen: { type: 'string' },
  'allow-origin': { type: 'string', multiple: true },
  speed: { type: 'string' },
  step: { type: 'boolean' },
  once: { type: 'boolean' },
  'har-entry': { type: 'string' },
  session: { type: 'string' },
  target: { type: 'string' },
  user: { type: 'string' },
  ca: { type: 'string' },
  fingerprint: { type: 'string' },
  reveal: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one recording at a time, got ${positionals.length} files` : 'give the recording to replay (a .finesse-session or .har file)');
  const file = positionals[0];
  const speed = parseSpeed(values.speed);
  const harEntry = values['har-entry'] === undefined ? undefined : /^\d+$/.test(values['har-entry']) ? Number(values['har-entry']) : values['har-entry'];
  if (values.target && (values.listen || values.step || values.once)) throw new UsageError('--target replays the client side; --listen, --step and --once are for serving the server side');

  const recording = await load(file, harEntry);
  let picked: ReturnType<typeof pickSession>;
  try {
    picked = pickSession(recording, values.session);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }

  const store = new FrameStore();
  const reveal = values.reveal === true;
  let out = true;
  process.stdout.on('error', () => (out = false)); // reader gone (EPIPE): keep serving quietly
  store.on('append', (frames) => {
    if (!out) return;
    let text = '';
    for (const f of frames) text += frameToJsonLine(f, { reveal }) + '\n';
    process.stdout.write(text);
  });

  if (values.target) return replayAgainst(values.target, values.user, parseTrust(values.ca, values.fingerprint), picked.frames, store, speed);

  const server = new ReplayServer({ frames: picked.frames, listen: parseListen(values.listen), speed, step: values.step === true, store, target: picked.session.target ?? recording.target, allowedOrigins: parseAllowedOrigins(values['allow-origin']) });
  server.on('error', (e) => printError(`replay: ${e.message}`));
  let url: string;
  try {
    url = await server.listen();
  } catch (e) {
    throw new FailureError(`cannot listen: ${(e as Error).message}`);
  }
  // Handlers first: a script that reads the listening line and signals at once must find them.
  const signalled = untilSignal();
  printJson({ listening: url });
  warnIfWide(parseListen(values.listen).host, url);

  if (values.step) {
    // Each line on stdin releases the next server push on every connection.
    createInterface({ input: process.stdin }).on('line', () => server.step());
  }
  const firstGone = new Promise<void>((resolve) => server.once('connection', (c) => c.once('close', () => resolve())));
  await (values.once ? Promise.race([firstGone, signalled]) : signalled);
  await server.close();
  await new Promise((resolve) => setImmediate(resolve));
  if (values.step) process.stdin.destroy();
  return 0;
}

async function load(file: string, harEntry: number | string | undefined): Promise<Recording> {
  let recording: Recording;
  try {
    recording = await openRecording(file, { harEntry });
  } catch (e) {
    if (e instanceof HarChoiceError) throw new UsageError(`${file}: ${e.message} (pass --har-entry N)`);
    if (e instanceof HarError || e instanceof SessionFileError) throw new FailureError(`${file}: ${e.message}`);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new UsageError(`cannot read ${file}: ${fsErrorText(e)}`);
    throw e;
  }
  // A damaged file still replays what is readable; each bad line is named on stderr.
  for (const err of recording.errors) printError(`${file}:${err.line}: ${err.message}`);
  for (const warning of recording.warnings) printError(`${file}: ${warning}`);
  return recording;
}

async function replayAgainst(target: string, user: string | undefined, trust: TlsTrust | undefined, frames: Parameters<typeof replayClient>[0]['frames'], store: FrameStore, speed: number): Promise<number> {
  const password = process.env[PASSWORD_ENV];
  if (user && !password) throw new UsageError(`set ${PASSWORD_ENV} to the password for ${user}`);
  const credentials = user && password ? { user, password } : undefined;
  let result;
  try {
    result = await replayClient({ url: target, frames, store, credentials, trust, speed });
  } catch (e) {
    if (e instanceof ReplayClientError) throw new UsageError(`${e.message} (--user, and ${PASSWORD_ENV})`);
    throw new FailureError(`${target}: ${(e as Error).message}`);
  }
  await new Promise((resolve) => setImmediate(resolve));
  if (result.unanswered.length) printError(`${result.unanswered.length} recorded request(s) got no answer from ${target}`);
  if (result.stopped) throw new FailureError(`replay stopped: ${result.stopped}`);
  return 0;
}

function parseSpeed(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0)) throw new UsageError(`--speed expects a number ≥ 0 (1 = recorded timing, 0 = as fast as possible), got "${value}"`);
  return n;
}

function parseTrust(ca: string | undefined, fingerprint: string | undefined): TlsTrust | undefined {
  if (ca === undefined && fingerprint === undefined) return undefined;
  const trust: TlsTrust = {};
  if (ca !== undefined) trust.caFile = ca;
  if (fingerprint !== undefined) {
    try {
      trust.fingerprint = normalizeFingerprint(fingerprint);
    } catch (e) {
      throw new UsageError(`--fingerprint: ${(e as Error).message}`);
    }
  }
  return trust;
}
