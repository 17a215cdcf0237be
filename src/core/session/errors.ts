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

/**
 * The server ended this stream because another connection bound the same full JID (RFC 6120
 * §7.7.2.2: the older session gets <conflict/>). Reconnecting would sign that other client out
 * in turn, so it is fatal and said in words.
 */
export class ConflictError extends StreamError {
  constructor(
    readonly jid: string,
    text?: string,
  ) {
    super('conflict', text);
    this.name = 'ConflictError';
    this.message = `another client bound ${jid}; this session was signed out and will not reconnect (choose another resource)`;
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
const FATAL_STREAM_CONDITIONS = new Set([
  'conflict',
  'not-authorized',
  'host-unknown',
  'invalid-from',
  'policy-violation',
]);

export function isFatal(err: unknown): boolean {
  if (err instanceof AuthError || err instanceof ProtocolError) return true;
  if (err instanceof UntrustedCertificateError || err instanceof FingerprintMismatchError) return true;
  if (err instanceof StreamError) return FATAL_STREAM_CONDITIONS.has(err.condition);
  if (err instanceof ConnectionLostError && err.cause) return isFatal(err.cause);
  return false;
}
