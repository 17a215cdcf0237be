/**
 * Real Prosody 0.12 for e2e tests: started as non-root from a temp dir config on a free port,
 * with websocket (RFC 7395) on /ws and a pubsub component where only the admin creates and
 * publishes nodes, like the Finesse notification server. Its configuration is explained in CONTRIBUTING.md.
 */
import { spawn, ChildProcess, execFile } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, writeFileSync, rmSync, readFileSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitForPort } from './ports';
import { listenerCertificate } from '../../src/core/proxy/reverse/cert';

/** How often start() picks another port when the one it chose was taken before Prosody bound it. */
const PORT_ATTEMPTS = 5;

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
  /**
   * Also listen for XMPP over TCP (RFC 6120 c2s) on `c2sPort`, offering STARTTLS with a
   * certificate for DOMAIN generated here (`certFile`, for clients and proxies to trust).
   */
  c2s?: boolean;
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
  /** The c2s certificate (PEM), with the c2s option. */
  certFile = '';

  private constructor(private readonly opts: ProsodyOptions) {
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
    const p = new Prosody(opts);
    if (opts.c2s) p.makeCertificate();
    p.writeConfig();
    for (const u of [ADMIN, ...(opts.users ?? [])]) await p.register(u.user, u.password);
    // A free port is only free until something else binds it: Prosody then logs the failure and
    // runs without HTTP, and a TCP probe would find the other listener. The port is chosen right
    // before the launch, and the launch counts only when Prosody's own endpoint answers on it.
    for (let attempt = 1; ; attempt++) {
      p.httpPort = await freePort();
      if (opts.c2s) p.c2sPort = await freePort();
      p.writeConfig();
      await p.launch();
      if (
        (await p.servesWebsocket()) &&
        (!opts.c2s ||
          (await waitForPort(p.c2sPort).then(
            () => true,
            () => false,
          )))
      )
        return p;
      await p.stop();
      if (attempt === PORT_ATTEMPTS) {
        throw new Error(`prosody did not serve ${p.wsUrl} after ${attempt} ports: ${p.log()}`);
      }
    }
  }

  private writeConfig(): void {
    const { dir: d, opts } = this;
    const bosh =
      (opts.bosh ? ', "bosh"' : '') +
      (opts.c2s ? ', "tls"' : '') +
      (opts.modules ?? []).map((m) => `, "${m}"`).join('');
    writeFileSync(
      this.config,
      `
daemonize = false
pidfile = "${d}/prosody.pid"
data_path = "${d}/data"
log = { { levels = { min = "warn" }, to = "file", filename = "${d}/prosody.log" } }
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { ${opts.c2s ? this.c2sPort : ''} }${opts.c2s ? `\nssl = { key = "${d}/c2s.key", certificate = "${this.certFile}" }` : ''}
http_ports = { ${this.httpPort} }
http_interfaces = { "127.0.0.1" }
https_ports = {}
s2s_ports = {}
component_ports = {}
http_paths = { websocket = "/ws"${opts.bosh ? ', bosh = "/http-bind"' : ''} }${opts.bosh ? '\nconsider_bosh_secure = true' : ''}
admins = { "${ADMIN.user}@${DOMAIN}" }
modules_enabled = { "roster", "saslauth", "disco", "ping", "posix", "websocket"${bosh} }
modules_disabled = { "s2s", "offline"${opts.c2s ? '' : ', "tls"'} }
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

  /** A certificate for DOMAIN that the prosody user can read (the test's own, thrown away after). */
  private makeCertificate(): void {
    const cert = listenerCertificate(join(this.dir, 'cert'), [DOMAIN]);
    writeFileSync(join(this.dir, 'c2s.key'), cert.key, { mode: 0o644 });
    this.certFile = cert.certFile;
    chmodSync(join(this.dir, 'cert'), 0o755);
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
    await Promise.race([waitForPort(this.httpPort), exited]);
    exited.catch(() => undefined);
  }

  /** Whether the HTTP port is Prosody's: a plain GET of the websocket path answers with its page. */
  private servesWebsocket(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: this.httpPort, path: '/ws', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve(res.statusCode === 200 && body.includes('Prosody WebSocket endpoint')));
        res.on('error', () => resolve(false));
      });
      req.on('error', () => resolve(false));
    });
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

  /** Restarts on the same port, keeping users and nodes (for reconnect tests). */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
    if (!(await this.servesWebsocket())) throw new Error(`prosody did not serve ${this.wsUrl} again: ${this.log()}`);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
