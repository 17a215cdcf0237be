/**
 * `finesse-frames simulate`: runs the embedded Finesse simulator until SIGINT/SIGTERM.
 * stdout: first `{"listening":"ws://127.0.0.1:PORT/ws/"}`, then one JSON line per scenario step
 * played to a client (`--quiet`: nothing more). Users come from --user NAME:PASSWORD (repeatable)
 * or the default agent1:agent1; this is a local test server, the passwords are test passwords.
 */
import { FinesseSimulator } from '../core/replay/simulator';
import { parse, parseListen, printJson, untilSignal, UsageError, EXIT_OK } from './io';

const HELP = `usage: finesse-frames simulate [--listen HOST:PORT] [--domain D] [--user NAME:PASSWORD]... [--loop] [--speed N] [--quiet]

  --listen   where to listen (default 127.0.0.1:0, a free port)
  --domain   XMPP domain (default finesse.test; pubsub service pubsub.DOMAIN)
  --user     an agent that may log in (default agent1:agent1); repeat for more
  --loop     play the scenario again after its last step
  --speed    divide the scenario's delays by N (default 1)
  --quiet    print only the listening line
`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    listen: { type: 'string' },
    domain: { type: 'string' },
    user: { type: 'string', multiple: true },
    loop: { type: 'boolean' },
    speed: { type: 'string' },
    quiet: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT_OK;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const speed = values.speed === undefined ? 1 : Number(values.speed);
  if (!(speed > 0)) throw new UsageError(`--speed expects a positive number, got "${values.speed}"`);
  const users = parseUsers(values.user);
  const domain = values.domain ?? 'finesse.test';
  if (!/^[a-z0-9.-]+$/i.test(domain)) throw new UsageError(`--domain expects a host name, got "${domain}"`);

  const sim = new FinesseSimulator({ listen: parseListen(values.listen), domain, users, loop: !!values.loop, speed });
  const url = await sim.listen();
  // Handlers first: a script that reads the listening line and signals at once must find them.
  const signalled = untilSignal();
  printJson({ listening: url });
  if (!values.quiet) {
    sim.on('step', (s) => printJson({ step: s.index, iteration: s.iteration, client: s.client, jid: s.jid, node: s.node, label: s.label, delivered: s.delivered }));
  }
  await signalled;
  await sim.close();
  return EXIT_OK;
}

function parseUsers(specs: string[] | undefined): Record<string, string> | undefined {
  if (!specs?.length) return undefined;
  const users: Record<string, string> = {};
  for (const spec of specs) {
    const i = spec.indexOf(':');
    if (i <= 0 || i === spec.length - 1) throw new UsageError(`--user expects NAME:PASSWORD, got "${spec.slice(0, i > 0 ? i : spec.length)}:…"`);
    users[spec.slice(0, i)] = spec.slice(i + 1);
  }
  return users;
}
