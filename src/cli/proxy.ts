/**
 * `finesse-frames proxy --listen HOST:PORT --target URL [--ca FILE] [--fingerprint FP] [--capacity N]`
 * (or `--reverse https://HOST:8445 [--cert-dir DIR]`: the desktop served through an HTTPS listener;
 * or `--target xmpp://HOST:5222`: XMPP over TCP, STARTTLS terminated with the --cert-dir certificate)
 * Forwards every client that connects to the listener to the target, unchanged, and prints
 * `{"listening":"ws://127.0.0.1:PORT/ws/"}` and then one JSON line per frame (docs/ARCHITECTURE.md, "CLI: JSON lines").
 * SIGINT/SIGTERM close every proxied connection cleanly and exit 0.
 */
import { DEFAULT_CAPACITY, FrameStore } from '../core/capture/frameStore';
import { WsProxy } from '../core/proxy/wsProxy';
import { ReverseProxy } from '../core/proxy/reverse/reverseProxy';
import { TcpProxy } from '../core/proxy/tcp/tcpProxy';
import { HTTP_CAPTURE_MODES, HttpCaptureMode } from '../core/proxy/reverse/httpCapture';
import {
  Correlator,
  DEFAULT_GUESS_WINDOW_MS,
  DEFAULT_REQUEST_ID_WINDOW_MS,
  MAX_GUESS_WINDOW_MS,
  MAX_REQUEST_ID_WINDOW_MS,
} from '../core/finesse/correlation';
import { startSaving } from './save';
import { FrameLines } from './output';
import {
  parseTrust,
  explainFailure,
  FailureError,
  parse,
  parseAllowedOrigins,
  parseListen,
  printError,
  printJson,
  untilSignal,
  UsageError,
  urlHints,
  warnIfWide,
} from './io';

const USAGE = `usage: finesse-frames proxy --target ws[s]://HOST:PORT/ws/ [options]
       finesse-frames proxy --target xmpp://HOST:5222 [options]
       finesse-frames proxy --reverse https://HOST:8445 [options]

Point a Finesse client at the printed address; every frame is forwarded unchanged to the
target and printed as one JSON line.

options:
  --target URL        the real server (ws:// or wss://); required unless --reverse.
                      xmpp://HOST:5222 fronts XMPP over TCP (RFC 6120, as Smack and
                      SleekXMPP integrations use Finesse): point the client at the printed
                      xmpp://127.0.0.1:PORT; STARTTLS is terminated with the --cert-dir
                      certificate (trust it in the client) and verified towards the server
  --reverse URL       reverse mode: serve the real desktop (https://HOST:8445) on an HTTPS
                      listener; open the printed https:// address in the browser and the
                      desktop's own WebSocket (/ws/) and BOSH (/http-bind) are captured
  --domain D          xmpp://: the XMPP domain clients ask for, named by the STARTTLS
                      certificate besides the target host (default: the target host)
  --cert-dir DIR      where reverse mode and xmpp:// keep the listener certificate
                      (default .finesse-frames)
  --capture-http WHAT reverse mode's REST capture: api (default: calls under /finesse/api/ as
                      frames of kind http, each Update linked to the call that caused it by
                      finesse.causedBy), all (every request), none; other requests are counted
  --guess-window MS   how long after a REST call without requestId an Update on the same
                      resource is still offered as finesse.likelyCause (default 2000; 0: never)
  --request-window MS how long after a REST call an Update echoing its requestId is still its
                      finesse.causedBy (default 60000); a requestId reused later names the
                      later call, and an Update is never caused by a call sent after it
  --listen HOST:PORT  where to listen (default 127.0.0.1:0, a free port)
  --allow-origin O    let browser pages of origin O connect (repeatable; loopback pages and
                      non-browser clients always may, other sites are refused with 403)
  --ca FILE           PEM CA (or the server's self-signed certificate) to trust for wss://
                      (and for the server's STARTTLS with xmpp://)
  --fingerprint FP    pin the server certificate's SHA-256 fingerprint instead
  --capacity N        frames kept in memory (default 200000; older ones are dropped)
  --max-bytes SIZE    frame text kept in memory (default 256MB; older frames are dropped,
                      a frame over a sixteenth of it keeps its first bytes, flagged truncated)
  --quiet             print no frames (only the listening line and errors); with --save the
                      file gets them
  --reveal            print SASL credentials instead of redacting them
  --save FILE         also save every frame to FILE (.finesse-session; SASL payloads redacted)
  --force             let --save overwrite an existing file
`;

/** Reverse mode's certificate lives with the workspace (cwd), so it is trusted only once. */
const DEFAULT_CERT_DIR = '.finesse-frames';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    target: { type: 'string' },
    reverse: { type: 'string' },
    'cert-dir': { type: 'string' },
    domain: { type: 'string' },
    'capture-http': { type: 'string' },
    'guess-window': { type: 'string' },
    'request-window': { type: 'string' },
    listen: { type: 'string' },
    'allow-origin': { type: 'string', multiple: true },
    ca: { type: 'string' },
    fingerprint: { type: 'string' },
    capacity: { type: 'string' },
    'max-bytes': { type: 'string' },
    quiet: { type: 'boolean' },
    reveal: { type: 'boolean' },
    save: { type: 'string' },
    force: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.reverse !== undefined && values.target !== undefined)
    throw new UsageError(
      '--reverse and --target cannot be combined: --reverse https://HOST:8445 serves the desktop, --target wss://HOST:8445/ws/ proxies a client',
    );
  if (!values.target && values.reverse === undefined)
    throw new UsageError('--target URL is required (e.g. --target wss://finesse.example.com:8445/ws/)');
  if (values.domain !== undefined && !values.target?.startsWith('xmpp:'))
    throw new UsageError('--domain needs --target xmpp://HOST:5222 (it names the XMPP domain of a TCP stream)');
  const listen = parseListen(values.listen);
  const capacity = parseCapacity(values.capacity);
  const trust = parseTrust(values.ca, values.fingerprint);
  const allowedOrigins = parseAllowedOrigins(values['allow-origin']);
  const captureHttp = parseCaptureHttp(values['capture-http'], values.reverse !== undefined);
  const guessWindowMs = parseGuessWindow(values['guess-window'], values.reverse !== undefined);
  const requestIdWindowMs = parseRequestWindow(values['request-window'], values.reverse !== undefined);

  const store = new FrameStore(capacity, { maxBytes: parseMaxBytes(values['max-bytes']) });
  let proxy: WsProxy | ReverseProxy | TcpProxy;
  try {
    proxy = values.target?.startsWith('xmpp:')
      ? new TcpProxy(store, {
          target: values.target,
          listen,
          trust,
          certDir: values['cert-dir'] ?? DEFAULT_CERT_DIR,
          domain: values.domain,
        })
      : values.reverse !== undefined
        ? new ReverseProxy(store, {
            upstream: values.reverse,
            listen,
            trust,
            certDir: values['cert-dir'] ?? DEFAULT_CERT_DIR,
            allowedOrigins,
            captureHttp,
          })
        : new WsProxy(store, { target: values.target as string, listen, trust, allowedOrigins });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  proxy.on('error', (err) => printError(explainFailure(`proxy: ${err.message}`, err)));
  for (const hint of values.target ? urlHints(values.target) : []) printError(hint);

  // Links Updates to REST calls (reverse mode); it reads each batch as it is appended, before
  // the batch is printed.
  const correlation = proxy instanceof ReverseProxy ? new Correlator({ guessWindowMs, requestIdWindowMs }) : undefined;
  if (correlation) store.on('append', (frames) => correlation.observe(frames));
  const lines = values.quiet
    ? undefined
    : new FrameLines(store, process.stdout, {
        reveal: values.reveal === true,
        correlation,
        onSkipped: (n, total) =>
          printError(
            `stdout is read too slowly: ${n} frames left memory before they were printed${n === total ? '' : ` (${total} so far)`}; capture and forwarding go on`,
          ),
      });

  const saving = startSaving(values.save, store, { target: values.target ?? values.reverse, force: values.force });
  let url: string;
  try {
    url = await proxy.listen();
  } catch (e) {
    await saving?.close();
    throw new FailureError(`cannot listen on ${listen.host}:${listen.port}: ${(e as Error).message}`);
  }
  // Handlers first: a script that reads the listening line and signals at once must find them.
  const signalled = untilSignal();
  printJson({ listening: url });
  warnIfWide(listen.host, url);
  if (proxy instanceof TcpProxy) {
    const c = proxy.certificate();
    process.stderr.write(
      `finesse-frames: STARTTLS certificate SHA-256 ${c.fingerprint} (${c.created ? 'new, ' : ''}${c.certFile}): trust it in the XMPP client, then connect it to ${url}\n`,
    );
  }
  if (proxy instanceof ReverseProxy && proxy.certificate) {
    const c = proxy.certificate;
    process.stderr.write(
      `finesse-frames: reverse proxy certificate SHA-256 ${c.fingerprint} (${c.created ? 'new, ' : ''}${c.certFile}; Chromium: --ignore-certificate-errors-spki-list=${c.spkiSha256}): trust it once, then open ${url}\n`,
    );
  }

  await signalled;
  await proxy.close();
  if (proxy instanceof ReverseProxy) {
    const { captured, skipped } = proxy.httpCounts;
    process.stderr.write(
      `finesse-frames: ${captured} REST exchanges captured, ${skipped} other requests forwarded and counted only (--capture-http all lists them)\n`,
    );
  }
  // The store emits appends once per macrotask: let the last close frames reach stdout.
  await new Promise((resolve) => setImmediate(resolve));
  await lines?.close();
  await saving?.close();
  return 0;
}

function parseCaptureHttp(value: string | undefined, reverse: boolean): HttpCaptureMode {
  if (value === undefined) return 'api';
  if (!reverse) throw new UsageError("--capture-http needs --reverse (only reverse mode sees the desktop's HTTP)");
  if (!(HTTP_CAPTURE_MODES as readonly string[]).includes(value))
    throw new UsageError(`--capture-http expects ${HTTP_CAPTURE_MODES.join(', ')}; got "${value}"`);
  return value as HttpCaptureMode;
}

function parseGuessWindow(value: string | undefined, reverse: boolean): number {
  if (value === undefined) return DEFAULT_GUESS_WINDOW_MS;
  if (!reverse)
    throw new UsageError('--guess-window needs --reverse (only reverse mode captures the REST calls it links)');
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > MAX_GUESS_WINDOW_MS)
    throw new UsageError(
      `--guess-window expects milliseconds from 0 (no guesses) to ${MAX_GUESS_WINDOW_MS}, got "${value}"`,
    );
  return n;
}

function parseRequestWindow(value: string | undefined, reverse: boolean): number {
  if (value === undefined) return DEFAULT_REQUEST_ID_WINDOW_MS;
  if (!reverse)
    throw new UsageError('--request-window needs --reverse (only reverse mode captures the REST calls it links)');
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1 || n > MAX_REQUEST_ID_WINDOW_MS)
    throw new UsageError(`--request-window expects milliseconds from 1 to ${MAX_REQUEST_ID_WINDOW_MS}, got "${value}"`);
  return n;
}

function parseCapacity(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CAPACITY;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--capacity expects a positive whole number of frames, got "${value}"`);
  return n;
}

/** `--max-bytes 64MB` (also KB, GB, or plain bytes). */
function parseMaxBytes(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(k|m|g)?i?b?$/i.exec(value.trim());
  const n = m ? Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] ?? ' ').toLowerCase()) : NaN;
  if (!(n >= 1024 * 1024))
    throw new UsageError(`--max-bytes expects a size of at least 1MB (e.g. 256MB), got "${value}"`);
  return Math.floor(n);
}
