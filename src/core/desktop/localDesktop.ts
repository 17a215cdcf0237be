/**
 * The desktop on the local Finesse: signs in as one of the simulator's users (the scenario's
 * first by default), over the simulator's own /ws/ and REST on loopback (so the simulator
 * captures those REST calls as it captures every client's), trusting the simulator's own
 * certificate when it serves https.
 */
import { FrameStore } from '../capture/frameStore';
import type { LiveSessionRegistry } from '../capture/liveSession';
import type { FrameGate } from '../intercept/gate';
import type { DeskUser } from '../simulator/desk';
import type { RestForwarder } from '../gadgets/restForwarder';
import { GadgetDesktop } from './gadgetDesktop';
import { localRestForwarder } from './restForwarders';

export interface LocalDesktopOptions {
  layout?: string;
  finesseJs?: string;
  /** Intercept's gate for hub deliveries (the extension's gate slot). */
  gate?: FrameGate;
  live?: LiveSessionRegistry;
}

export interface LocalFinesseFacts {
  users: readonly DeskUser[];
  domain: string;
  serve?: string;
  store?: FrameStore;
  /** `http(s)://HOST:PORT` once listening. */
  origin: () => string | undefined;
  /** PEM of the simulator's certificate, when it serves https. */
  certificate?: { cert: string; certFile: string };
  allowedOrigins?: readonly string[];
  listenHost?: string;
}

export function localDesktop(facts: LocalFinesseFacts, opts: LocalDesktopOptions): GadgetDesktop {
  const origin = () => facts.origin() ?? 'http://127.0.0.1';
  let forward: RestForwarder | undefined;
  // The origin is known only once the simulator listens; the forwarder is made on first use.
  const forwarder: RestForwarder = (req) => (forward ??= localRestForwarder(origin(), facts.certificate?.cert))(req);
  const signable = facts.users.filter((u) => u.password !== undefined);
  return new GadgetDesktop({
    backend: {
      label: 'local Finesse',
      get xmppUrl() {
        const o = new URL(origin());
        return `${o.protocol === 'https:' ? 'wss' : 'ws'}://${o.host}/ws/`;
      },
      domain: facts.domain,
      trust: facts.certificate ? { caFile: facts.certificate.certFile } : undefined,
      forwarder,
      defaultUser: signable[0]?.id ?? facts.users[0]?.id ?? 'agent1',
      login: (id) => {
        const u = signable.find((x) => x.id === id);
        return u ? { password: u.password as string, extension: u.extension } : undefined;
      },
    },
    store: facts.store ?? new FrameStore(10_000),
    gate: opts.gate,
    live: opts.live,
    serve: facts.serve,
    layout: opts.layout,
    finesseJs: opts.finesseJs,
    origin: facts.origin,
    allowedOrigins: facts.allowedOrigins,
    listenHost: facts.listenHost,
  });
}
