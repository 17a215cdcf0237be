/**
 * Upstream TLS: always verified. For lab Finesse servers with self-signed certificates the user
 * gives a CA file or pins the server certificate's SHA-256 fingerprint; there is deliberately no
 * "ignore certificate errors" switch. Used by the client session and the proxy's upstream.
 */
import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions, DetailedPeerCertificate, PeerCertificate, TLSSocket } from 'node:tls';
import { isIP } from 'node:net';

export interface TlsTrust {
  /** PEM file with the CA (or the self-signed certificate itself) to trust in addition. */
  caFile?: string;
  /** SHA-256 fingerprint of the server certificate, `AB:CD:…` or plain hex, any case. */
  fingerprint?: string;
}

export function normalizeFingerprint(fp: string): string {
  const hex = fp.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  if (hex.length !== 64) throw new Error(`A SHA-256 fingerprint has 64 hex digits; got ${hex.length}`);
  return hex.match(/../g)!.join(':');
}

/** Thrown (as the socket error) when the certificate does not match the pinned fingerprint. */
export class FingerprintMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`Server certificate fingerprint ${actual} does not match the pinned ${expected}`);
  }
}

/** What `ws` (and `https.request`) take: a CA, or a connection factory that enforces the pin. */
export interface UpstreamTlsOptions {
  rejectUnauthorized: true;
  ca?: Buffer;
  createConnection?: (
    options: ConnectionOptions,
    oncreate: (err: Error | null, socket?: TLSSocket) => void,
  ) => undefined;
  checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined;
}

/**
 * TLS options for `ws`/`https` upstream connections. With a pinned fingerprint, chain
 * validation (which would reject the self-signed certificate) is replaced by an exact match on
 * the leaf certificate, checked after the handshake and *before* the socket is handed to HTTP,
 * so not even the upgrade request reaches a server with another certificate.
 */
export function tlsOptions(trust: TlsTrust = {}): UpstreamTlsOptions {
  const opts: UpstreamTlsOptions = { rejectUnauthorized: true };
  if (trust.caFile) opts.ca = readFileSync(trust.caFile);
  if (trust.fingerprint) {
    const expected = normalizeFingerprint(trust.fingerprint);
    // Second line of defence for hosts that replace our createConnection (VS Code's proxy
    // support gives each request its own agent): with the pinned certificate also given as
    // the CA, the chain passes and this accepts exactly the pinned leaf, whatever names it has.
    opts.checkServerIdentity = (_host, cert) =>
      cert.fingerprint256 === expected ? undefined : new FingerprintMismatchError(expected, cert.fingerprint256);
    opts.createConnection = (options, oncreate) => {
      // Chain validation is replaced by the exact pin below, never skipped without it. `path`
      // is the HTTP request path here; left in, net would take it for a Unix socket path.
      const socket = tlsConnect({
        ...options,
        path: undefined,
        rejectUnauthorized: false,
        servername: options.servername || serverName(options.host),
      });
      const fail = (err: Error) => {
        socket.destroy();
        oncreate(err);
      };
      socket.once('error', fail);
      socket.once('secureConnect', () => {
        socket.off('error', fail);
        const actual = socket.getPeerCertificate().fingerprint256;
        if (actual !== expected) fail(new FingerprintMismatchError(expected, actual));
        else oncreate(null, socket);
      });
      return undefined;
    };
  }
  return opts;
}

/** The fingerprint of whatever certificate a TLS error was about, to offer "trust this". */
function fingerprintOf(cert: PeerCertificate | undefined): string | undefined {
  return cert?.fingerprint256 || undefined;
}

/** SNI needs a host name; an IP address is not sent. */
function serverName(host: string | null | undefined): string | undefined {
  return host && !isIP(host) ? host : undefined;
}

/**
 * Client options for a WebSocket URL: TLS options for wss://, none for ws://. A CA file or a pin
 * given for a ws:// URL is an error rather than silently meaningless.
 */
export function tlsOptionsFor(url: string, trust: TlsTrust = {}): UpstreamTlsOptions | Record<string, never> {
  if (/^(wss|https):/i.test(url)) return tlsOptions(trust);
  if (trust.caFile || trust.fingerprint)
    throw new Error(`a CA file or certificate fingerprint needs a wss:// URL, not ${url}`);
  return {};
}

/** OpenSSL/Node codes meaning "the certificate is not trusted" (as opposed to a network error). */
const CERTIFICATE_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function isCertificateError(err: unknown): err is Error & { code: string; cert?: PeerCertificate } {
  return err instanceof Error && CERTIFICATE_ERRORS.has((err as { code?: string }).code ?? '');
}

/** A server certificate that verification rejected, with its fingerprint so the user can pin it. */
export class UntrustedCertificateError extends Error {
  constructor(
    readonly server: string,
    readonly reason: string,
    readonly fingerprint: string | undefined,
  ) {
    super(
      `the certificate of ${server} is not trusted (${reason})` +
        (fingerprint ? `; its SHA-256 fingerprint is ${fingerprint}: pin it or give its CA file if you trust it` : ''),
    );
  }
}

/**
 * Reads the server's certificate fingerprint over a throwaway TLS connection: handshake only,
 * nothing is ever sent on it and it is destroyed at once. Used only to word an error message,
 * never to continue a connection with an untrusted certificate.
 */
export function probeFingerprint(
  host: string,
  port: number,
  servername = serverName(host),
  timeoutMs = 5000,
): Promise<string | undefined> {
  return readPeerCertificate(host, port, servername, timeoutMs).then(fingerprintOf, () => undefined);
}

/**
 * The certificate (with its chain) a server presents, read over a handshake-only connection.
 * This is the one place verification is off: only to read the certificate, so it can be shown
 * or saved; the socket is destroyed without a byte of application data sent.
 */
export function readPeerCertificate(
  host: string,
  port: number,
  servername = serverName(host),
  timeoutMs = 5000,
): Promise<DetailedPeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host, port, servername, rejectUnauthorized: false });
    const timer = setTimeout(
      () => socket.destroy(new Error(`no TLS handshake from ${host}:${port} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate(true);
      socket.destroy();
      resolve(cert);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Host (IPv6 without brackets) and port of a wss/https URL, the port defaulting to 443. */
export function tlsEndpoint(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) || 443 };
}

/**
 * Turns a certificate error from connecting to `url` into an UntrustedCertificateError carrying
 * the server certificate's fingerprint; any other error comes back unchanged.
 */
export async function explainTlsError(err: Error, url: string): Promise<Error> {
  if (!isCertificateError(err)) return err;
  const { host, port } = tlsEndpoint(url);
  const fingerprint = fingerprintOf(err.cert) ?? (await probeFingerprint(host, port));
  return new UntrustedCertificateError(`${host}:${port}`, `${err.code}: ${err.message}`, fingerprint);
}
