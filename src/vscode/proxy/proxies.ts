/**
 * Running proxies: the WebSocket proxy (a client is pointed at ws://127.0.0.1:PORT/ws/), the
 * reverse HTTPS proxy (the desktop is opened through https://127.0.0.1:PORT/) and the XMPP over
 * TCP proxy (an integration is pointed at xmpp://127.0.0.1:PORT; STARTTLS with the workspace's
 * listener certificate, as reverse mode's). The proxy code is loaded on first start. Intercept sets one FrameGate here; every running and later proxy uses it.
 */
import * as vscode from 'vscode';
import type { FrameGate } from '../../core/intercept/gate';
import type { TlsTrust } from '../../core/session/tls';
import { redact } from '../../core/xmpp/sasl';
import { allowedOrigins, warnIfWide } from './listenerSecurity';
import { Disposable } from '../disposable';
import type { Services } from '../services';

type ProxyKind = 'ws' | 'reverse' | 'tcp';

export interface ProxyInfo {
  kind: ProxyKind;
  /** What clients connect to. */
  url: string;
  target: string;
  /** Reverse and TCP proxies: SHA-256 of the listener certificate the client is asked to trust. */
  fingerprint?: string;
}

interface Running extends ProxyInfo {
  listen: { host: string; port: number };
  trust?: TlsTrust;
  setGate(gate: FrameGate | undefined): void;
  close(): Promise<void>;
}

export interface StartOptions {
  target: string;
  host?: string;
  port?: number;
  trust?: TlsTrust;
  /** XMPP over TCP: the domain clients ask for, named by the STARTTLS certificate. */
  domain?: string;
}

/** An upstream failure of a running proxy, for the UI to explain (once per proxy at a time). */
export interface ProxyFailure {
  proxy: ProxyInfo;
  error: Error;
}

export class Proxies extends Disposable {
  private readonly running: Running[] = [];
  private gate: FrameGate | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  private readonly failed = this.register(new vscode.EventEmitter<ProxyFailure>());
  readonly onDidChange = this.changed.event;
  readonly onDidFail = this.failed.event;

  constructor(private readonly services: Services) {
    super();
  }

  list(): ProxyInfo[] {
    return this.running.map(({ kind, url, target, fingerprint }) =>
      fingerprint ? { kind, url, target, fingerprint } : { kind, url, target },
    );
  }

  /** Intercept's hook: applies to every running proxy and to those started later. */
  setGate(gate: FrameGate | undefined): void {
    this.gate = gate;
    for (const p of this.running) p.setGate(gate);
  }

  async startWs(opts: StartOptions): Promise<ProxyInfo> {
    const { WsProxy } = await import('../../core/proxy/wsProxy');
    const { store, live, log } = this.services;
    const listen = { host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 };
    const proxy = new WsProxy(store, {
      target: opts.target,
      listen,
      trust: opts.trust,
      gate: this.gate,
      live,
      allowedOrigins: allowedOrigins(),
    });
    const url = await proxy.listen();
    warnIfWide(this.services, listen.host, url);
    const entry: Running = {
      kind: 'ws',
      url,
      target: opts.target,
      listen: { host: listen.host, port: Number(new URL(url).port) },
      trust: opts.trust,
      setGate: (g) => proxy.setGate(g),
      close: () => proxy.close(),
    };
    proxy.on('session', (s) => log.info(`proxy ${url}: ${s.ended ? 'ended' : 'new'} session ${s.label}`));
    proxy.on('error', (e) => {
      log.warn(`proxy ${url} → ${opts.target}: ${redact(e.message)}`);
      this.failed.fire({ proxy: { kind: 'ws', url, target: opts.target }, error: e });
    });
    this.add(entry);
    log.info(`proxy listening on ${url} → ${opts.target}`);
    return { kind: 'ws', url, target: opts.target };
  }

  async startReverse(opts: StartOptions): Promise<ProxyInfo> {
    const { startReverseProxy } = await import('../reverse/startReverse');
    const running = await startReverseProxy(this.services, {
      target: opts.target,
      host: opts.host,
      port: opts.port,
      trust: opts.trust,
      gate: this.gate,
    });
    const entry: Running = {
      kind: 'reverse',
      url: running.url,
      target: opts.target,
      fingerprint: running.fingerprint,
      listen: { host: opts.host ?? '127.0.0.1', port: Number(new URL(running.url).port) },
      trust: opts.trust,
      setGate: (g) => running.proxy.setGate(g),
      close: () => running.dispose(),
    };
    running.proxy.on('error', (e) =>
      this.failed.fire({ proxy: { kind: 'reverse', url: running.url, target: opts.target }, error: e }),
    );
    this.add(entry);
    warnIfWide(this.services, opts.host, running.url);
    return { kind: 'reverse', url: running.url, target: opts.target, fingerprint: running.fingerprint };
  }

  async startTcp(opts: StartOptions): Promise<ProxyInfo> {
    const { TcpProxy } = await import('../../core/proxy/tcp/tcpProxy');
    const { reverseCertDir } = await import('../reverse/startReverse');
    const { store, live, log } = this.services;
    const listen = { host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 };
    const proxy = new TcpProxy(store, {
      target: opts.target,
      listen,
      trust: opts.trust,
      gate: this.gate,
      live,
      certDir: reverseCertDir(this.services.context),
      domain: opts.domain,
    });
    const url = await proxy.listen();
    warnIfWide(this.services, listen.host, url);
    const fingerprint = proxy.certificate().fingerprint;
    const info: ProxyInfo = { kind: 'tcp', url, target: opts.target, fingerprint };
    const entry: Running = {
      ...info,
      listen: { host: listen.host, port: Number(new URL(url).port) },
      trust: opts.trust,
      setGate: (g) => proxy.setGate(g),
      close: () => proxy.close(),
    };
    proxy.on('session', (s) => log.info(`proxy ${url}: new session ${s.label}`));
    proxy.on('error', (e) => {
      log.warn(`proxy ${url} → ${opts.target}: ${redact(e.message)}`);
      this.failed.fire({ proxy: info, error: e });
    });
    this.add(entry);
    log.info(`proxy listening on ${url} → ${opts.target} (XMPP over TCP, STARTTLS certificate SHA-256 ${fingerprint})`);
    return info;
  }

  /**
   * Starts the same proxy again on the same port with another TLS trust (after the user chose
   * to trust the upstream certificate); clients reconnect to the address they already have.
   */
  async restartWithTrust(url: string, trust: TlsTrust): Promise<ProxyInfo | undefined> {
    const old = this.running.find((p) => p.url === url);
    if (!old) return undefined;
    await this.stop(url);
    const opts: StartOptions = {
      target: old.target,
      host: old.listen.host,
      port: old.listen.port,
      trust: { ...old.trust, ...trust },
    };
    if (old.kind === 'tcp') return this.startTcp(opts);
    return old.kind === 'ws' ? this.startWs(opts) : this.startReverse(opts);
  }

  /** Stops one proxy (by URL) or all; resolves once their clients are closed. */
  async stop(url?: string): Promise<number> {
    const targets = this.running.filter((p) => url === undefined || p.url === url);
    for (const p of targets) this.running.splice(this.running.indexOf(p), 1);
    await Promise.all(
      targets.map((p) => p.close().catch((e: Error) => this.services.log.warn(`closing proxy ${p.url}: ${e.message}`))),
    );
    for (const p of targets) this.services.log.info(`proxy ${p.url} stopped`);
    if (targets.length) this.changed.fire();
    return targets.length;
  }

  stopAll(): Promise<number> {
    return this.stop();
  }

  override dispose(): void {
    void this.stop();
    super.dispose();
  }

  private add(entry: Running): void {
    this.running.push(entry);
    this.changed.fire();
  }
}
