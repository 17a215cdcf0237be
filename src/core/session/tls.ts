/**
 * Upstream TLS: always verified. For lab Finesse servers with self-signed certificates the user
 * gives a CA file or pins the server certificate's SHA-256 fingerprint; there is deliberately no
 * "ignore certificate errors" switch. Used by the client session and the proxy's upstream.
 */
import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions, PeerCertificate, TLSSocket } from 'node:tls';
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
  constructor(readonly expected: string, readonly actual: string) {
    super(`Server certificate fingerprint ${actual} does not match the pinned ${expected}`);
  }
}

/** What `ws` (and `https.request`) take: a CA, or a connection factory that enforces the pin. */
export interface UpstreamTlsOptions {
  rejectUnauthorized: true;
  ca?: Buffer;
  createConnection?: (options: ConnectionOptions, oncreate: (err: Error | null, socket?: TLSSocket) => void) => undefined;
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
    opts.createConnection = (options, oncreate) => {
      const socket = tlsConnect({ ...options, rejectUnauthorized: false, servername: options.servername ?? (isIP(options.host ?? '') ? undefined : options.host) });
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
export function fingerprintOf(cert: PeerCertificate | undefined): string | undefined {
  return cert?.fingerprint256 || undefined;
}
