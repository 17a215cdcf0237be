/**
 * Real Prosody 0.12 for e2e tests: started as non-root from a temp dir config on free ports,
 * with websocket (RFC 7395) on /ws and a pubsub component where only the admin creates and
 * publishes nodes, like the Finesse notification server. Its configuration is explained in CONTRIBUTING.md.
 */
import { spawn, ChildProcess, execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readFileSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitForPort } from './ports';

const run = promisify(execFile);

export const DOMAIN = 'finesse.test';
export const PUBSUB = `pubsub.${DOMAIN}`;
export const ADMIN = { user: 'admin', password: 'admin-secret' };

export interface ProsodyOptions {
  users?: { user: string; password: string }[];
  /** Also serve BOSH (XEP-0206, mod_bosh) on /http-bind, as older Finesse desktops use. */
  bosh?: boolean;
  /** More Prosody modules to enable, e.g. smacks (XEP-0198) and carbons (XEP-0280). */
  modules?: string[];
}

function prosodyUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('prosody:'));
  if (!line) throw new Error('no prosody user: install the Debian prosody package');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export class Prosody {
  private proc?: ChildProcess;
  readonly dir: string;
  readonly config: string;
  httpPort = 0;
  c2sPort = 0;

  private constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'prosody-'));
    // Started as root (CI), prosodyctl and prosody switch to the `prosody` user, which must be
    // able to read the config and write its data and log here.
    chmodSync(this.dir, 0o777);
    this.config = join(this.dir, 'prosody.cfg.lua');
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.httpPort}/ws`;
  }

  static async start(opts: ProsodyOptions = {}): Promise<Prosody> {
    const p = new Prosody();
    p.httpPort = await freePort();
    p.c2sPort = await freePort();
    p.writeConfig(opts);
    for (const u of [ADMIN, ...(opts.users ?? [])]) await p.register(u.user, u.password);
    await p.launch();
    return p;
  }

  private writeConfig(opts: ProsodyOptions = {}): void {
    const d = this.dir;
    const bosh = (opts.bosh ? ', "bosh"' : '') + (opts.modules ?? []).map((m) => `, "${m}"`).join('');
    writeFileSync(
      this.config,
      `
daemonize = false
pidfile = "${d}/prosody.pid"
data_path = "${d}/data"
log = { { levels = { min = "warn" }, to = "file", filename = "${d}/prosody.log" } }
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { ${this.c2sPort} }
http_ports = { ${this.httpPort} }
http_interfaces = { "127.0.0.1" }
https_ports = {}
s2s_ports = {}
component_ports = {}
http_paths = { websocket = "/ws"${opts.bosh ? ', bosh = "/http-bind"' : ''} }${opts.bosh ? '\nconsider_bosh_secure = true' : ''}
admins = { "${ADMIN.user}@${DOMAIN}" }
modules_enabled = { "roster", "saslauth", "disco", "ping", "posix", "websocket"${bosh} }
modules_disabled = { "s2s", "offline", "tls" }
authentication = "internal_plain"
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
consider_websocket_secure = true
disable_sasl_mechanisms = { "DIGEST-MD5", "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS" }
network_settings = { nagle = false }
cross_domain_websocket = true
VirtualHost "${DOMAIN}"
Component "${PUBSUB}" "pubsub"
`,
    );
  }

  async register(user: string, password: string): Promise<void> {
    await run('prosodyctl', ['--config', this.config, 'register', user, DOMAIN, password]);
  }

  private async launch(): Promise<void> {
    // Prosody refuses to run properly as root (mod_posix); as root (CI) run it as its own user.
    const asUser = process.getuid?.() === 0 ? prosodyUser() : {};
    this.proc = spawn('prosody', ['--config', this.config], { stdio: ['ignore', 'pipe', 'pipe'], ...asUser });
    let output = '';
    this.proc.stdout?.on('data', (d) => (output += d));
    this.proc.stderr?.on('data', (d) => (output += d));
    const exited = new Promise<never>((_, reject) =>
      this.proc?.once('exit', (code) => reject(new Error(`prosody exited (${code}): ${output}${this.log()}`))),
    );
    await Promise.race([Promise.all([waitForPort(this.httpPort), waitForPort(this.c2sPort)]), exited]);
    exited.catch(() => undefined);
  }

  log(): string {
    const f = join(this.dir, 'prosody.log');
    return existsSync(f) ? readFileSync(f, 'utf8') : '';
  }

  /** Stops the server (the socket of every client drops); `start()` makes a new one. */
  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (proc && proc.exitCode === null) {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await gone;
    }
  }

  /** Kills the server outright (SIGKILL: no stream close, sockets reset by the kernel). */
  async kill(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (proc && proc.exitCode === null) {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await gone;
    }
  }

  /** Restarts on the same ports, keeping users and nodes (for reconnect tests). */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
