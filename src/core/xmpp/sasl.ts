/**
 * SASL PLAIN (RFC 4616) encode and redaction. The PLAIN payload is base64(authzid NUL authcid
 * NUL password): it must never reach a log, a saved file or an export, and the live view masks
 * it until the user asks to reveal it. Redaction also covers the other places a credential or a
 * proof derived from it travels: SASL <response> (DIGEST-MD5, SCRAM), SASL2 <initial-response>,
 * and the <password> of legacy auth (XEP-0078) and in-band registration (XEP-0077).
 */
import { SASL_NS } from './namespaces';
export { SASL_NS };
export const REDACTED = '[redacted]';

export function plainPayload(user: string, password: string, authzid = ''): string {
  return Buffer.from(`${authzid}\0${user}\0${password}`, 'utf8').toString('base64');
}

export function plainAuth(user: string, password: string): string {
  return `<auth xmlns="${SASL_NS}" mechanism="PLAIN">${plainPayload(user, password)}</auth>`;
}

const AUTH_ELEMENT = /(<auth\b[^>]*>)([^<]*)(<\/auth>)/g;
// Element name (optionally prefixed), its open tag, the text body and the matching end tag.
const SECRET_ELEMENT = /(<((?:[\w.-]+:)?(?:auth|response|initial-response|password))\b[^>]*>)([^<]*)(<\/\2>)/g;
// <response> is a common word: only the SASL ones (RFC 6120, XEP-0388) carry proofs.
const SASL_ONLY = /(?:^|:)response$/;
const SASL_NS_IN_TAG = /xmpp-sasl|urn:xmpp:sasl:/;

/** True when a frame carries a SASL <auth> with a payload (PLAIN or any other mechanism). */
export function hasSaslPayload(raw: string): boolean {
  AUTH_ELEMENT.lastIndex = 0;
  const m = AUTH_ELEMENT.exec(raw);
  return !!m && m[2].trim() !== '' && m[2].trim() !== '=';
}

/** Replaces SASL payloads, passwords (and any listed secret strings) with `[redacted]`. */
export function redact(raw: string, secrets: readonly string[] = []): string {
  let out = raw.includes('<') ? raw.replace(SECRET_ELEMENT, redactElement) : raw;
  for (const secret of secrets) if (secret) out = out.split(secret).join(REDACTED);
  return out;
}

function redactElement(all: string, open: string, name: string, body: string, close: string): string {
  if (SASL_ONLY.test(name) && !SASL_NS_IN_TAG.test(open)) return all;
  // Empty and "=" (RFC 6120 §6.4.2: an empty response) carry nothing secret.
  return body.trim() && body.trim() !== '=' ? `${open}${REDACTED}${close}` : all;
}

/** The user name inside a PLAIN payload, for labels; never the password. */
export function plainUser(raw: string): string | undefined {
  AUTH_ELEMENT.lastIndex = 0;
  const m = AUTH_ELEMENT.exec(raw);
  if (!m) return undefined;
  const parts = Buffer.from(m[2].trim(), 'base64').toString('utf8').split('\0');
  return parts.length === 3 && parts[1] ? parts[1] : undefined;
}
