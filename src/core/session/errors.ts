/**
 * Why a session could not log in or lost its connection. The session retries a lost connection,
 * never an error in `isFatal` (bad credentials, an untrusted certificate, a server that cannot
 * do what a Finesse client needs).
 */
import { FingerprintMismatchError, UntrustedCertificateError } from './tls';

/** SASL said no: the password (or user) is wrong. Never retried. */
export class AuthError extends Error {
  constructor(
    readonly jid: string,
    readonly condition: string,
    readonly text?: string,
  ) {
    super(`authentication failed for ${jid}: ${condition}`);
    this.name = 'AuthError';
  }
}

/** The server ended the stream with <stream:error/>. */
export class StreamError extends Error {
  constructor(
    readonly condition: string,
    readonly text?: string,
  ) {
    super(`stream error: ${condition}${text ? ` (${text})` : ''}`);
    this.name = 'StreamError';
  }
}

/** The server does not speak what this client needs (no PLAIN, no bind, no xmpp subprotocol). */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** An iq answered with type="error". */
export class IqError extends Error {
  constructor(
    readonly condition: string,
    readonly text?: string,
  ) {
    super(`${condition}${text ? ` (${text})` : ''}`);
    this.name = 'IqError';
  }
}

/** The WebSocket closed (or the server closed the stream) while something was still expected. */
export class ConnectionLostError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    override readonly cause?: Error,
  ) {
    super(cause ? `connection lost: ${cause.message}` : `connection closed (${code}${reason ? ` ${reason}` : ''})`);
    this.name = 'ConnectionLostError';
  }
}

/** A step got no answer in time. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** Stream errors after which reconnecting would only repeat the refusal or fight another client. */
const FATAL_STREAM_CONDITIONS = new Set(['conflict', 'not-authorized', 'host-unknown', 'invalid-from', 'policy-violation']);

export function isFatal(err: unknown): boolean {
  if (err instanceof AuthError || err instanceof ProtocolError) return true;
  if (err instanceof UntrustedCertificateError || err instanceof FingerprintMismatchError) return true;
  if (err instanceof StreamError) return FATAL_STREAM_CONDITIONS.has(err.condition);
  if (err instanceof ConnectionLostError && err.cause) return isFatal(err.cause);
  return false;
}
