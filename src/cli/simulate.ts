/**
 * `finesse-frames simulate`: a local Finesse (REST, XMPP over WebSocket and BOSH, gadget files on
 * one origin) until SIGINT/SIGTERM.
 * stdout: first `{"listening":"ws://…/ws/","rest":"http://…/finesse/api/","bosh":"http://…/http-bind","domain":"…","c2s":"127.0.0.1:PORT"}`,
 * then what the local Finesse serves, as `proxy` prints frames (core/simulator/capture.ts,
 * output.ts): each REST exchange as two frames of kind `http` (request, response), each client
 * stream's frames both ways (open, stanzas, close; an Update echoing a captured call's requestId
 * carries `finesse.causedBy`), and one `{"kind":"step",…}` line per scenario step;
 * `--quiet`: nothing more. Users come from --user
 * NAME:PASSWORD (repeatable), the scenario file, or the default agent1:agent1; this is a local
 * test server, the passwords are test passwords and are never printed.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { FinesseSimulator } from '../core/simulator/simulator';
import { idleScenario, parseScenario, Scenario, ScenarioError } from '../core/simulator/scenario';
import { FrameStore } from '../core/capture/frameStore';
import { Correlator } from '../core/finesse/correlation';
import { FrameLines } from './output';
import { runLab } from './simulateLab';
import { finesseJsHint } from './simulateDesktop';
import {
  parse,
  parseAllowedOrigins,
  parseListen,
  printError,
  printJson,
  untilSignal,
  UsageError,
  EXIT_OK,
  warnIfWide,
} from './io';

const HELP = `usage: finesse-frames simulate [--listen HOST:PORT] [--domain D] [--user NAME:PASSWORD]... [--scenario FILE|idle]
                                [--serve DIR] [--tls] [--cert-dir DIR] [--loop] [--speed N] [--quiet]
                                [--allow-origin ORIGIN]... [--layout FILE] [--finesse-js FILE]
       finesse-frames simulate --finesse URL --user ID --serve DIR [--layout FILE] [--finesse-js FILE]
                                [--ca FILE | --fingerprint FP] [--xmpp-url URL] [--extension EXT]

  --listen    where to listen (default 127.0.0.1:0, a free port); one origin serves
              /ws/ (XMPP over WebSocket), /http-bind (BOSH), /finesse/api/ (REST)
  --domain    XMPP domain (default finesse.test; pubsub service pubsub.DOMAIN)
  --user      an agent that may sign in (default agent1:agent1); repeat for more
  --scenario  a JSON or YAML file of scripted steps (calls ringing, state changes);
              "idle" for none; default: the demo day for the first user once it is online
  --serve     serve DIR at /3rdpartygadget/files/ (same origin as REST and /ws/)
  --tls       https/wss with a generated self-signed certificate (kept in --cert-dir,
              default ~/.finesse-frames; its SHA-256 fingerprint is printed on stderr)
  --loop      play the scenario again after its last step
  --speed     divide the scenario's delays by N (default 1)
  --quiet     print only the listening line
  --layout    a finesseLayout XML (as Finesse's Desktop Layout) for the gadget desktop at
              /desktop/; default: a tab per gadget spec (*.xml with <Module>) in --serve DIR
              and its direct subfolders
  --finesse-js FILE  your copy of Cisco's finesse.js, served at /desktop/assets/js/finesse.js
              (default: a finesse*.js found in --serve DIR; it is never shipped with this tool)
  --finesse URL  run the gadget desktop against a real Finesse (https://HOST:8445) instead:
              it signs in --user ID with the password from FINESSE_PASSWORD, TLS verified
              (--ca FILE or --fingerprint FP for a self-signed lab certificate); notifications
              from --xmpp-url (default wss://HOST:PORT/ws/ of the same origin); --extension EXT
              signs a signed-out agent in on that extension
  --allow-origin O  let browser pages of origin O use REST and /ws/ (repeatable; loopback pages
              (localhost, 127.0.0.1, ::1) and the simulator's own always may; "*" allows every site)

stdout: the listening line (the endpoints above), then one JSON line per frame the local Finesse
serves, as proxy prints them: a REST call is a request and a response frame of kind "http"
(http: {method, path, status, requestId}; Authorization redacted), each client (/ws/ or BOSH) a
session of its own with every frame both ways (SASL redacted), and an Update echoing a call's
requestId carries finesse.causedBy = that request frame's id; a scenario step is a
{"kind":"step",…} line. --quiet prints only the listening line.
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    listen: { type: 'string' },
    domain: { type: 'string' },
    user: { type: 'string', multiple: true },
    scenario: { type: 'string' },
    serve: { type: 'string' },
    tls: { type: 'boolean' },
    'cert-dir': { type: 'string' },
    loop: { type: 'boolean' },
    speed: { type: 'string' },
    quiet: { type: 'boolean' },
    'allow-origin': { type: 'string', multiple: true },
    layout: { type: 'string' },
    'finesse-js': { type: 'string' },
    finesse: { type: 'string' },
    ca: { type: 'string' },
    fingerprint: { type: 'string' },
    'xmpp-url': { type: 'string' },
    extension: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT_OK;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.finesse !== undefined)
    return runLab(
      {
        finesse: values.finesse,
        user: values.user?.[0],
        serve: values.serve,
        layout: values.layout,
        finesseJs: values['finesse-js'],
        ca: values.ca,
        fingerprint: values.fingerprint,
        xmppUrl: values['xmpp-url'],
        domain: values.domain,
        extension: values.extension,
        listen: values.listen,
        quiet: values.quiet,
        allowedOrigins: parseAllowedOrigins(values['allow-origin']),
      },
      process.env,
    );
  for (const flag of ['ca', 'fingerprint', 'xmpp-url', 'extension'] as const)
    if (values[flag] !== undefined) throw new UsageError(`--${flag} is for --finesse URL (a real Finesse)`);
  const speed = values.speed === undefined ? 1 : Number(values.speed);
  if (!(speed > 0)) throw new UsageError(`--speed expects a positive number, got "${values.speed}"`);
  const users = parseUsers(values.user);
  const domain = values.domain ?? 'finesse.test';
  if (!/^[a-z0-9.-]+$/i.test(domain)) throw new UsageError(`--domain expects a host name, got "${domain}"`);
  const scenario = loadScenario(values.scenario);
  const listen = parseListen(values.listen);

  // What the local Finesse serves is captured here and printed as frames, correlated.
  const store = new FrameStore();
  const correlation = new Correlator();
  store.on('append', (frames) => correlation.observe(frames));
  const lines = values.quiet
    ? undefined
    : new FrameLines(store, process.stdout, {
        correlation,
        onSkipped: (n, total) =>
          printError(
            `stdout is read too slowly: ${n} frames left memory before they were printed${n === total ? '' : ` (${total} so far)`}; serving goes on`,
          ),
      });
  let sim: FinesseSimulator;
  try {
    sim = new FinesseSimulator({
      listen,
      domain,
      users,
      scenario,
      loop: !!values.loop,
      speed,
      serve: values.serve,
      tls: values.tls ? { certDir: values['cert-dir'] ?? join(homedir(), '.finesse-frames') } : undefined,
      // XMPP over TCP offers STARTTLS with the same certificate (clients like Smack refuse PLAIN in the clear).
      c2s: { certDir: values['cert-dir'] ?? join(homedir(), '.finesse-frames') },
      allowedOrigins: parseAllowedOrigins(values['allow-origin']),
      store: lines ? store : undefined,
      desktop: { layout: values.layout, finesseJs: values['finesse-js'] },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  await sim.listen();
  // Handlers first: a script that reads the listening line and signals at once must find them.
  const signalled = untilSignal();
  printJson({ ...sim.endpoints, desktop: sim.desktop?.url });
  const hint = sim.desktop && finesseJsHint(sim.desktop);
  if (hint) printError(hint);
  warnIfWide(listen.host, sim.endpoints!.listening);
  if (sim.certificate)
    process.stderr.write(
      `finesse-frames: simulate: certificate ${sim.certificate.certFile} SHA-256 ${sim.certificate.fingerprint}\n`,
    );
  if (lines) {
    sim.on('step', (s) =>
      printJson({
        kind: 'step',
        t: Date.now(),
        step: s.index,
        iteration: s.iteration,
        label: s.label,
        ok: s.ok,
        ...(s.error ? { error: s.error } : {}),
      }),
    );
  }
  await signalled;
  await sim.close();
  // The store emits appends once per macrotask: let the last close frames reach stdout.
  await new Promise((resolve) => setImmediate(resolve));
  await lines?.close();
  return EXIT_OK;
}

function loadScenario(file: string | undefined): Scenario | undefined {
  if (file === undefined) return undefined;
  if (file === 'idle') return idleScenario();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      `--scenario: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  try {
    return parseScenario(text, file);
  } catch (e) {
    if (e instanceof ScenarioError) throw new UsageError(`--scenario ${e.message}`);
    throw e;
  }
}

function parseUsers(specs: string[] | undefined): Record<string, string> | undefined {
  if (!specs?.length) return undefined;
  const users: Record<string, string> = {};
  for (const spec of specs) {
    const i = spec.indexOf(':');
    if (i <= 0 || i === spec.length - 1)
      throw new UsageError(`--user expects NAME:PASSWORD, got "${spec.slice(0, i > 0 ? i : spec.length)}:…"`);
    users[spec.slice(0, i)] = spec.slice(i + 1);
  }
  return users;
}
