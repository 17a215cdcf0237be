/**
 * The "reverse" choice of Finesse: Start Proxy, for the Start Proxy command (src/vscode/proxy,
 * the proxy command) to call: open the real Finesse desktop through a local HTTPS listener so the
 * desktop's own WebSocket (or BOSH) is captured. The listener's certificate is kept in the
 * workspace's storage, so the user trusts its fingerprint once per workspace.
 *
 *   finesse.startProxy({ target: 'https://finesse:8445', reverse: true, port? }), or the
 *   "Reverse proxy for the Finesse desktop" pick → startReverseProxy(services, { target, … }),
 *   which resolves with the https:// URL and the certificate fingerprint to show.
 */
import type * as vscode from 'vscode';
import { join } from 'node:path';
import type { FrameGate } from '../../core/intercept/gate';
import type { ReverseProxy } from '../../core/proxy/reverse/reverseProxy';
import type { TlsTrust } from '../../core/session/tls';
import type { Services } from '../services';
import { allowedOrigins } from '../proxy/listenerSecurity';

export interface ReverseArgs {
  /** The real desktop, `https://finesse.example.com:8445`. */
  target: string;
  /** Listen port (default a free one); 8445 keeps the desktop's own port. */
  port?: number;
  /** Listen host, 127.0.0.1 unless the user says otherwise. */
  host?: string;
  trust?: TlsTrust;
  gate?: FrameGate;
}

export interface RunningReverse {
  /** `https://127.0.0.1:PORT/`: what the user opens in the browser instead of the desktop. */
  url: string;
  /** SHA-256 of the listener certificate, `AB:CD:…`. */
  fingerprint: string;
  /** True when the certificate was generated now (the user has not trusted it yet). */
  newCertificate: boolean;
  proxy: ReverseProxy;
  dispose(): Promise<void>;
}

/** Per workspace: the workspace's storage, or the global storage without a folder open. */
export function reverseCertDir(context: vscode.ExtensionContext): string {
  return join((context.storageUri ?? context.globalStorageUri).fsPath, 'reverse-proxy');
}

export async function startReverseProxy(services: Services, args: ReverseArgs): Promise<RunningReverse> {
  // Loaded on first use: activation stays light.
  const { ReverseProxy } = await import('../../core/proxy/reverse/reverseProxy');
  const proxy = new ReverseProxy(services.store, {
    upstream: args.target,
    listen: { host: args.host ?? '127.0.0.1', port: args.port ?? 0 },
    certDir: reverseCertDir(services.context),
    trust: args.trust,
    gate: args.gate,
    live: services.live,
    allowedOrigins: allowedOrigins(),
  });
  proxy.on('error', (e) => services.log.warn(`reverse proxy: ${e.message}`));
  const url = await proxy.listen();
  const cert = proxy.certificate!;
  services.log.info(
    `reverse proxy ${url} → ${args.target}; listener certificate SHA-256 ${cert.fingerprint} (${cert.certFile})`,
  );
  return { url, fingerprint: cert.fingerprint, newCertificate: cert.created, proxy, dispose: () => proxy.close() };
}
