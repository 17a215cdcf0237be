/**
 * Three independent XMPP client libraries as Finesse agents, behind one small interface, for
 * tests that must hold for "any standard client": strophe.js (its browser bundle, in a page in
 * Debian Chromium driven by playwright-core), stanza (in Node) and @xmpp/client (in Node).
 * Each logs in with its own SASL, binds its own resource, sends initial presence and waits for
 * the server's echo of it (from then on Updates to the agent's bare JID reach it, as they reach
 * the Finesse desktop) and collects the pubsub
 * event messages it receives as XML text, in order. Nothing here waits on time: every wait is on
 * an event of the library or the page.
 */
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { DOMAIN } from './prosody';
import { startClient, xmppModule } from './xmpp';

export interface AgentOptions {
  service: string;
  user: string;
  password: string;
  resource: string;
}

export interface AgentClient {
  readonly library: string;
  /** The full JID the server bound. */
  readonly jid: string;
  /** Resolves with the first `count` pubsub event messages received (XML text), in order. */
  events(count: number): Promise<string[]>;
  stop(): Promise<void>;
}

export type AgentLibrary = 'strophe.js' | 'stanza' | '@xmpp/client';

const EVENT_NS = 'http://jabber.org/protocol/pubsub#event';

/** Collects event messages and resolves waits for a count of them. */
class EventLog {
  readonly texts: string[] = [];
  private waits: { count: number; resolve: (t: string[]) => void }[] = [];
  add(text: string): void {
    this.texts.push(text);
    this.waits = this.waits.filter((w) => {
      if (this.texts.length < w.count) return true;
      w.resolve(this.texts.slice(0, w.count));
      return false;
    });
  }
  wait(count: number): Promise<string[]> {
    if (this.texts.length >= count) return Promise.resolve(this.texts.slice(0, count));
    return new Promise((resolve) => this.waits.push({ count, resolve }));
  }
}

export async function xmppJsAgent(opts: AgentOptions): Promise<AgentClient> {
  const { xml } = await xmppModule();
  const client = await startClient({
    service: opts.service,
    username: opts.user,
    password: opts.password,
    resource: opts.resource,
  });
  const log = new EventLog();
  client.on(
    'stanza',
    (st: { is(n: string): boolean; getChild(n: string, ns?: string): unknown; toString(): string }) => {
      if (st.is('message') && st.getChild('event', EVENT_NS)) log.add(st.toString());
    },
  );
  const jid = client.jid?.toString() ?? '';
  const available = new Promise<void>((resolve) =>
    client.on(
      'stanza',
      (st: { is(n: string): boolean; attrs: Record<string, string> }) =>
        st.is('presence') && st.attrs.from === jid && !st.attrs.type && resolve(),
    ),
  );
  await client.send(xml('presence'));
  await available;
  return {
    library: '@xmpp/client',
    jid: client.jid?.toString() ?? '',
    events: (n) => log.wait(n),
    stop: () => client.stop().then(() => undefined),
  };
}

export async function stanzaAgent(opts: AgentOptions): Promise<AgentClient> {
  const { createClient } = await import('stanza');
  const client = createClient({
    jid: `${opts.user}@${DOMAIN}`,
    password: opts.password,
    resource: opts.resource,
    transports: { websocket: opts.service, bosh: false },
  });
  const log = new EventLog();
  client.on('raw:incoming', (text: string) => {
    if (text.startsWith('<message') && text.includes(EVENT_NS)) log.add(text);
  });
  const started = new Promise<void>((resolve, reject) => {
    client.once('session:started', () => resolve());
    client.once('auth:failed', () => reject(new Error('stanza: auth failed')));
    client.once('stream:error', (e: unknown) => reject(new Error(`stanza: stream error ${JSON.stringify(e)}`)));
  });
  client.connect();
  await started;
  const available = new Promise<void>((resolve) =>
    client.on(
      'raw:incoming',
      (text: string) => text.startsWith('<presence') && text.includes(client.jid) && !/\btype=/.test(text) && resolve(),
    ),
  );
  client.sendPresence();
  await available;
  return {
    library: 'stanza',
    jid: client.jid,
    events: (n) => log.wait(n),
    stop: async () => {
      const gone = new Promise<void>((resolve) => client.once('disconnected', () => resolve()));
      client.disconnect();
      await gone;
    },
  };
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>strophe agent</title>
<script src="/strophe.js"></script>
<script>
// The bundle sets the globals Strophe and $pres (and, in older releases, only its exports).
const St = window.Strophe.Connection ? window.Strophe : window.Strophe.Strophe;
const pres = window.$pres;
const events = [];
let waits = [];
let conn;
let onDisconnected;
function check() {
  waits = waits.filter((w) => { if (events.length < w.count) return true; w.resolve(events.slice(0, w.count)); return false; });
}
window.login = (service, jid, password) => new Promise((resolve, reject) => {
  conn = new St.Connection(service);
  conn.addHandler((msg) => {
    if (msg.getElementsByTagNameNS('${EVENT_NS}', 'event').length) { events.push(St.serialize(msg)); check(); }
    return true;
  }, null, 'message');
  conn.connect(jid, password, (status, condition) => {
    const S = St.Status;
    if (status === S.CONNECTED) {
      // Available once the server echoes the presence: from then on Updates to the bare JID arrive.
      conn.addHandler(() => { resolve(conn.jid); return false; }, null, 'presence', null, null, conn.jid);
      conn.send(pres());
    }
    else if (status === S.AUTHFAIL || status === S.CONNFAIL || status === S.ERROR || status === S.CONNTIMEOUT) reject(new Error('strophe status ' + status + ' ' + (condition || '')));
    else if (status === S.DISCONNECTED) { reject(new Error('strophe disconnected ' + (condition || ''))); onDisconnected && onDisconnected(); }
  });
});
window.events = (count) => new Promise((resolve) => { waits.push({ count, resolve }); check(); });
window.logout = () => new Promise((resolve) => { onDisconnected = resolve; conn.disconnect(); });
</script>`;

/** One Chromium and one local page server for every strophe.js agent of a test run. */
export class StropheBrowser {
  private constructor(
    private readonly browser: Browser,
    private readonly server: Server,
    private readonly origin: string,
  ) {}

  static async start(): Promise<StropheBrowser> {
    const bundle = readFileSync(
      join(__dirname, '..', '..', 'node_modules', 'strophe.js', 'dist', 'strophe.umd.min.js'),
    );
    const server = createServer((req, res) => {
      if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      if (req.url === '/strophe.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const browser = await launchChromium();
    return new StropheBrowser(browser, server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  async agent(opts: AgentOptions): Promise<AgentClient> {
    const context = await this.browser.newContext();
    const page: Page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${this.origin}/`);
    let jid: string;
    try {
      jid = await page.evaluate(
        ([service, j, pw]) =>
          (window as unknown as { login(s: string, j: string, p: string): Promise<string> }).login(service, j, pw),
        [opts.service, `${opts.user}@${DOMAIN}/${opts.resource}`, opts.password] as const,
      );
    } catch (e) {
      await context.close();
      throw new Error(`${(e as Error).message}${errors.length ? ` (page: ${errors.join('; ')})` : ''}`);
    }
    return {
      library: 'strophe.js',
      jid,
      events: (count) =>
        page.evaluate((n) => (window as unknown as { events(n: number): Promise<string[]> }).events(n), count),
      stop: async () => {
        await page.evaluate(() => (window as unknown as { logout(): Promise<void> }).logout());
        await context.close();
      },
    };
  }

  async close(): Promise<void> {
    await this.browser.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
