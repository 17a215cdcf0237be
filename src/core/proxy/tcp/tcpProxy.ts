/**
 * The proxy in front of an XMPP-over-TCP server (`--target xmpp://HOST:5222`): integrations that
 * use Finesse's Notification Service over port 5222 (Smack, SleekXMPP, wallboards) connect to a
 * local listener; each client socket gets its own socket to the real server and becomes one
 * capture session whose frames are the stream's top-level elements (tcpSession.ts). The
 * listener binds 127.0.0.1:0 by default; STARTTLS is terminated with the product's listener
 * certificate (reverse/cert.ts, kept in `certDir`, naming the XMPP domain the client asks
 * for) and the server leg is verified as every upstream is: the system CAs, a CA file, or a
 * pinned SHA-256 fingerprint (session/tls.ts).
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import type { FrameStore, SessionInfo } from '../../capture/frameStore';
import type { LiveSessionRegistry } from '../../capture/liveSession';
import type { FrameGate } from '../../intercept/gate';
import { FingerprintMismatchError, normalizeFingerprint, type TlsTrust } from '../../session/tls';
import { listenerCertificate, type ListenerCertificate } from '../reverse/cert';
import type { GateHolder } from '../relay';
import { TcpProxySession } from './tcpSession';

const XMPP_PORT = 5222;
const CLOSE_GRACE_MS = 2000;

export interface TcpProxyOptions {
  /** `xmpp://HOST[:PORT]` (port 5222 when absent). */
  target: string;
  /** Default 127.0.0.1:0. */
  listen?: { host: string; port: number };
  /** Where the listener certificate for STARTTLS towards clients is kept. */
  certDir: string;
  /**
   * The XMPP domain clients ask for (their stream header's `to`); the certificate names it
   * besides the target host, which is the default (Finesse's domain is its host name).
   */
  domain?: string;
  /** How the server's certificate is verified after STARTTLS. */
  trust?: TlsTrust;
  gate?: FrameGate;
  live?: LiveSessionRegistry;
}

/** host and port of an `xmpp://` URL, or a TypeError saying what is wrong with it. */
function xmppTarget(target: string): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new TypeError(`not a URL: ${target} (expected xmpp://HOST:5222)`);
  }
  if (url.protocol !== 'xmpp:') throw new TypeError(`expected an xmpp:// URL, got ${target}`);
  if (!url.hostname) throw new TypeError(`no host in ${target}`);
  if ((url.pathname && url.pathname !== '/') || url.search)
    throw new TypeError(`an xmpp:// target is HOST:PORT only, without a path: ${target}`);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : XMPP_PORT };
}

export class TcpProxy extends EventEmitter<{ session: [SessionInfo]; error: [Error] }> implements GateHolder {
  gate: FrameGate | undefined;
  private readonly target: { host: string; port: number };
  private readonly ca: Buffer | undefined;
  private server?: net.Server;
  private address?: string;
  private closing = false;
  private readonly sessions = new Set<TcpProxySession>();
  private cert: ListenerCertificate | undefined;
  /** Domains a client asked for that the certificate does not name (told once each). */
  private readonly unnamed = new Set<string>();

  constructor(
    private readonly store: FrameStore,
    private readonly opts: TcpProxyOptions,
  ) {
    super();
    this.target = xmppTarget(opts.target);
    this.gate = opts.gate;
    // Read now: an unreadable CA file is a usage error, not a failure on the first client.
    this.ca = opts.trust?.caFile ? readFileSync(opts.trust.caFile) : undefined;
    if (opts.trust?.fingerprint) normalizeFingerprint(opts.trust.fingerprint);
  }

  /** `xmpp://127.0.0.1:PORT` once listening. */
  get url(): string | undefined {
    return this.address;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  setGate(gate: FrameGate | undefined): void {
    this.gate = gate;
  }

  /**
   * The listener certificate clients see after STARTTLS, naming the target host and the domain
   * (made or read on first use; its fingerprint is what the user trusts).
   */
  certificate(): ListenerCertificate {
    this.cert ??= listenerCertificate(this.opts.certDir, [this.target.host, this.opts.domain ?? this.target.host]);
    return this.cert;
  }

  /** The certificate for a client that asked for `domain`; a domain it does not name is told. */
  private certificateFor(domain: string | undefined): ListenerCertificate {
    const cert = this.certificate();
    const known = [this.target.host, this.opts.domain ?? this.target.host, 'localhost', '127.0.0.1'];
    if (domain && !known.includes(domain) && !this.unnamed.has(domain)) {
      this.unnamed.add(domain);
      this.report(
        new Error(
          `a client asked for the XMPP domain ${domain}, which the STARTTLS certificate does not name: it will refuse it (start the proxy with the domain ${domain})`,
        ),
      );
    }
    return cert;
  }

  async listen(): Promise<string> {
    if (this.address) return this.address;
    const { host, port } = this.opts.listen ?? { host: '127.0.0.1', port: 0 };
    this.certificate();
    const server = net.createServer((socket) => this.accept(socket));
    server.listen(port, host);
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e))]);
    this.server = server;
    const bound = server.address() as net.AddressInfo;
    const shown = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
    this.address = `xmpp://${shown.includes(':') ? `[${shown}]` : shown}:${bound.port}`;
    return this.address;
  }

  /** Ends every proxied connection (FIN both ways, cut after a grace period) and stops listening. */
  async close(): Promise<void> {
    this.closing = true;
    const sessions = [...this.sessions];
    const ended = sessions.filter((s) => !s.isEnded).map((s) => once(s, 'end'));
    for (const s of sessions) s.shutdown();
    const cut = setTimeout(() => sessions.forEach((s) => s.terminate()), CLOSE_GRACE_MS);
    await Promise.all(ended);
    clearTimeout(cut);
    const server = this.server;
    this.server = undefined;
    this.address = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.closing) return void client.destroy();
    client.setNoDelay(true);
    client.pause();
    const upstream = net.connect(this.target.port, this.target.host);
    upstream.setNoDelay(true);
    const early = (err: Error) => {
      client.destroy();
      this.report(new Error(`cannot reach xmpp://${this.target.host}:${this.target.port}: ${err.message}`));
    };
    upstream.once('error', early);
    client.once('error', () => upstream.destroy());
    upstream.once('connect', () => {
      upstream.off('error', early);
      if (client.destroyed) return void upstream.destroy();
      const session = this.store.openSession({
        id: `proxy-tcp-${randomUUID()}`,
        label: `proxy ${client.remoteAddress}:${client.remotePort} (XMPP over TCP)`,
        target: `xmpp://${this.target.host}:${this.target.port}`,
      });
      const s = new TcpProxySession({
        store: this.store,
        session,
        client,
        upstream,
        gates: this,
        clientCertificate: (domain) => this.certificateFor(domain),
        upstreamTls: (socket, domain) => this.upstreamTls(socket, domain),
        onError: (err) => this.report(err),
      });
      this.sessions.add(s);
      this.opts.live?.add(s);
      s.once('end', () => {
        this.sessions.delete(s);
        this.opts.live?.remove(s.id);
        this.store.endSession(s.id);
      });
      client.resume();
      this.emit('session', session);
    });
  }

  /** TLS over the server socket after its <proceed/>: CA (or system CAs) and name, or the pin. */
  private upstreamTls(socket: net.Socket, domain: string | undefined): tls.TLSSocket {
    const name = domain ?? this.target.host;
    const pinned = this.opts.trust?.fingerprint ? normalizeFingerprint(this.opts.trust.fingerprint) : undefined;
    const secure = tls.connect({
      socket,
      servername: net.isIP(name) ? undefined : name,
      ca: this.ca,
      // With a pin, chain validation is replaced by the exact match below, never skipped without it.
      rejectUnauthorized: !pinned,
      checkServerIdentity: (host, cert) => tls.checkServerIdentity(name, cert),
    });
    if (pinned) {
      secure.once('secureConnect', () => {
        const actual = secure.getPeerCertificate().fingerprint256;
        if (actual !== pinned) secure.destroy(new FingerprintMismatchError(pinned, actual));
      });
    }
    return secure;
  }

  private report(err: Error): void {
    if (this.listenerCount('error')) this.emit('error', err);
  }
}
