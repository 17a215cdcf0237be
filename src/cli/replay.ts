/**
 * `finesse-frames replay FILE --listen HOST:PORT [--speed N] [--har-entry N] [--step] [--once]`
 * serves the recorded server side of a saved session (.finesse-session or a DevTools .har) to
 * whatever client connects: first line `{"listening":"ws://127.0.0.1:PORT/ws/"}`, then every
 * frame of every replayed connection as one JSON line (docs/ARCHITECTURE.md, "CLI: JSON lines").
 *
 * `finesse-frames replay FILE --target URL --user USER` sends the recorded client side to a live
 * server instead (password from FINESSE_PASSWORD) and prints the frames both ways.
 */
import { listenerCertificate } from '../core/proxy/reverse/cert';
import { TcpReplayListener } from '../core/proxy/tcp/tcpReplay';
import { createInterface } from 'node:readline';
import type { Frame } from '../core/capture/frame';
import { FrameStore } from '../core/capture/frameStore';
import { frameView } from '../core/capture/frameView';
import { frameToJsonLine } from '../core/capture/jsonLines';
import type { TlsTrust } from '../core/session/tls';
import { SessionFileError } from '../core/recording/format';
import { HarChoiceError, HarError } from '../core/recording/har';
import { openRecording, pickSession, Recording } from '../core/recording/open';
import { replayClient, ReplayClientError } from '../core/replay/replayClient';
import { ReplayServer } from '../core/replay/replayServer';
import {
  parseTrust,
  FailureError,
  fsErrorText,
  parse,
  parseAllowedOrigins,
  parseListen,
  printError,
  printJson,
  untilSignal,
  UsageError,
  warnIfWide,
} from './io';

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
  --tcp               serve XMPP over TCP instead (xmpp://127.0.0.1:PORT, as Smack or
                      SleekXMPP integrations connect to Finesse's 5222), STARTTLS offered
                      with the certificate kept in --cert-dir (printed on stderr)
  --cert-dir DIR      where --tcp keeps its certificate (default .finesse-frames)
  --allow-origin O    let browser pages of origin O connect (repeatable)
  --speed N           1 = recorded timing (default), 2 = twice as fast, 0 = as fast as possible
  --step              send each server push only when a line is read from stdin; says on
                      stderr what was sent and how many pushes are left
  --once              exit after the first client disconnects
  --as ID             the agent id to put in node names and Updates (default: the id
                      the client logs in with)
  --har-entry N|URL   which WebSocket entry of a HAR (index from 0, or part of its URL)
  --session ID|N      which recorded session, by id or by its number in the list printed
                      on stderr when the file holds several (default: the first)
  --target URL        replay the client side against this live ws:// or wss:// server
  --user USER         login for --target
  --ca FILE           trust this PEM CA for a wss:// --target
  --fingerprint FP    pin the --target certificate's SHA-256 fingerprint
  --reveal            print SASL payloads instead of redacting them
  -h, --help          show this help
`;

const OPTIONS = {
  listen: { type: 'string' },
  tcp: { type: 'boolean' },
  'cert-dir': { type: 'string' },
  'allow-origin': { type: 'string', multiple: true },
  speed: { type: 'string' },
  step: { type: 'boolean' },
  once: { type: 'boolean' },
  'har-entry': { type: 'string' },
  session: { type: 'string' },
  as: { type: 'string' },
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
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length
        ? `one recording at a time, got ${positionals.length} files`
        : 'give the recording to replay (a .finesse-session or .har file)',
    );
  const file = positionals[0];
  const speed = parseSpeed(values.speed);
  const harEntry =
    values['har-entry'] === undefined
      ? undefined
      : /^\d+$/.test(values['har-entry'])
        ? Number(values['har-entry'])
        : values['har-entry'];
  if (values.target && (values.listen || values.step || values.once))
    throw new UsageError(
      '--target replays the client side; --listen, --step and --once are for serving the server side',
    );

  if (values.as !== undefined && !/^[^\s/@<>&"']+$/.test(values.as))
    throw new UsageError(`--as expects an agent id (no spaces, "/", "@" or markup), got "${values.as}"`);
  if (values.target && values.as !== undefined)
    throw new UsageError('--as is for serving the server side; --target logs in as --user');

  const recording = await load(file, harEntry);
  const picked = chooseSession(recording, values.session);

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

  if (values.tcp && values.target)
    throw new UsageError('--tcp serves the recording to TCP clients; --target plays its client side to a server');
  if (values.target)
    return replayAgainst(
      values.target,
      values.user,
      parseTrust(values.ca, values.fingerprint),
      picked.frames,
      store,
      speed,
    );

  const server = new ReplayServer({
    frames: picked.frames,
    listen: parseListen(values.listen),
    speed,
    step: values.step === true,
    store,
    target: picked.session.target ?? recording.target,
    allowedOrigins: parseAllowedOrigins(values['allow-origin']),
    ...(values.as !== undefined ? { agentId: values.as } : {}),
  });
  server.on('error', (e) => printError(`replay: ${e.message}`));
  server.on('connection', (conn) => conn.on('notice', (text) => printError(`replay: ${text}`)));
  let url: string;
  let tcp: TcpReplayListener | undefined;
  try {
    if (values.tcp) {
      const { host, port } = parseListen(values.listen);
      const cert = listenerCertificate(values['cert-dir'] ?? '.finesse-frames', [
        host,
        server.script.domain ?? 'localhost',
      ]);
      tcp = new TcpReplayListener(server, cert);
      url = await tcp.listen(host, port);
      printError(`replay: STARTTLS certificate SHA-256 ${cert.fingerprint} (${cert.certFile}): trust it in the client`);
    } else url = await server.listen();
  } catch (e) {
    throw new FailureError(`cannot listen: ${(e as Error).message}`);
  }
  // Handlers first: a script that reads the listening line and signals at once must find them.
  const signalled = untilSignal();
  printJson({ listening: url });
  warnIfWide(parseListen(values.listen).host, url);

  if (values.step) {
    // Each line on stdin releases the next server push on every connection.
    // A line read before the next push is ready is kept, so no line is lost to a race.
    let credits = 0;
    createInterface({ input: process.stdin }).on('line', () => {
      if (server.active.some((c) => c.waiting.for === 'step')) printError(`replay: ${stepReport(server)}`);
      else if (server.active.some((c) => c.pushesLeft > 0)) {
        credits++;
        printError(`replay: step: waiting for the client's requests before the next push (${credits} step(s) queued)`);
      } else printError(`replay: ${stepReport(server)}`);
    });
    server.on('connection', (conn) =>
      conn.on('waiting', (w) => {
        if (w.for !== 'step' || credits === 0) return;
        credits--;
        printError(`replay: ${stepReport(server)}`);
      }),
    );
  }
  const firstGone = new Promise<void>((resolve) => server.once('connection', (c) => c.once('close', () => resolve())));
  await (values.once ? Promise.race([firstGone, signalled]) : signalled);
  await server.close();
  await tcp?.close();
  await new Promise((resolve) => setImmediate(resolve));
  if (values.step) process.stdin.destroy();
  return 0;
}

/** One step of `--step`: what went out and what is left, in one stderr line. */
function stepReport(server: ReplayServer): string {
  const waiting = server.active.filter((c) => c.waiting.for === 'step');
  if (!server.active.length) return 'step: no client connected';
  if (!waiting.length) {
    const left = server.active.reduce((n, c) => n + c.pushesLeft, 0);
    return left
      ? `step: nothing to send yet (waiting for the client's requests; ${left} push(es) left)`
      : 'step: nothing left to send';
  }
  const sent = waiting.map((c) => (c.waiting.for === 'step' ? describePush(c.waiting.frame) : '')).join(', ');
  // Counted before the release: the push on its way is no longer left.
  const left = waiting.map((c) => c.pushesLeft - 1).join(', ');
  server.step();
  return `step: sent ${sent}; ${left} push(es) left`;
}

/** `Update PUT READY /finesse/api/User/agent1`, else the stanza's name. */
function describePush(frame: Frame): string {
  const view = frameView(frame);
  const f = view.finesse;
  if (f) return `Update ${[f.event, f.state, f.node].filter(Boolean).join(' ')}`;
  return view.summary?.name
    ? `<${view.summary.name}${view.summary.type ? ` type=${view.summary.type}` : ''}>`
    : frame.kind;
}

/**
 * The session to serve. A file with several is listed on stderr (so the user can pick one with
 * --session ID or N); the first one with a client login is served unless one was chosen.
 */
function chooseSession(recording: Recording, choice: string | undefined): ReturnType<typeof pickSession> {
  const counts = new Map<string, number>();
  for (const f of recording.frames) counts.set(f.session, (counts.get(f.session) ?? 0) + 1);
  const ids = [...counts.keys()];
  let id = choice;
  if (choice !== undefined && !counts.has(choice) && /^\d+$/.test(choice)) {
    const n = Number(choice);
    if (n < 1 || n > ids.length)
      throw new UsageError(
        `--session ${choice}: the recording has ${ids.length} session(s), numbered 1 to ${ids.length}`,
      );
    id = ids[n - 1];
  }
  let picked: ReturnType<typeof pickSession>;
  try {
    picked = pickSession(recording, id);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (ids.length > 1) {
    printError(`replay: the recording holds ${ids.length} sessions (choose with --session ID or N):`);
    ids.forEach((sid, i) => {
      const info = recording.sessions.find((s) => s.id === sid);
      const label = info?.label && info.label !== sid ? ` ${info.label}` : '';
      printError(
        `  ${i + 1}. ${sid}${label} (${counts.get(sid)} frames)${sid === picked.session.id ? '  <- serving' : ''}`,
      );
    });
  }
  return picked;
}

async function load(file: string, harEntry: number | string | undefined): Promise<Recording> {
  let recording: Recording;
  try {
    recording = await openRecording(file, { harEntry });
  } catch (e) {
    if (e instanceof HarChoiceError) throw new UsageError(`${file}: ${e.message} (pass --har-entry N)`);
    if (e instanceof HarError || e instanceof SessionFileError) throw new FailureError(`${file}: ${e.message}`);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR')
      throw new UsageError(`cannot read ${file}: ${fsErrorText(e)}`);
    throw e;
  }
  // A damaged file still replays what is readable; each bad line is named on stderr.
  for (const err of recording.errors) printError(`${file}:${err.line}: ${err.message}`);
  for (const warning of recording.warnings) printError(`${file}: ${warning}`);
  return recording;
}

async function replayAgainst(
  target: string,
  user: string | undefined,
  trust: TlsTrust | undefined,
  frames: Parameters<typeof replayClient>[0]['frames'],
  store: FrameStore,
  speed: number,
): Promise<number> {
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
  if (result.unanswered.length)
    printError(`${result.unanswered.length} recorded request(s) got no answer from ${target}`);
  if (result.stopped) throw new FailureError(`replay stopped: ${result.stopped}`);
  return 0;
}

function parseSpeed(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0))
    throw new UsageError(`--speed expects a number ≥ 0 (1 = recorded timing, 0 = as fast as possible), got "${value}"`);
  return n;
}
