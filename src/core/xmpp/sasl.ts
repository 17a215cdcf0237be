/**
 * SASL PLAIN (RFC 4616) encode and redaction. The PLAIN payload is base64(authzid NUL authcid
 * NUL password): it must never reach a log, a saved file or an export, and the live view masks
 * it until the user asks to reveal it.
 */
export const SASL_NS = 'urn:ietf:params:xml:ns:xmpp-sasl';
export const REDACTED = '[redacted]';

export function plainPayload(user: string, password: string, authzid = ''): string {
  return Buffer.from(`${authzid}\0${user}\0${password}`, 'utf8').toString('base64');
}

export function plainAuth(user: string, password: string): string {
  return `<auth xmlns="${SASL_NS}" mechanism="PLAIN">${plainPayload(user, password)}</auth>`;
}

const AUTH_ELEMENT = /(<auth\b[^>]*>)([^<]*)(<\/auth>)/g;

/** True when a frame carries a SASL <auth> with a payload (PLAIN or any other mechanism). */
export function hasSaslPayload(raw: string): boolean {
  AUTH_ELEMENT.lastIndex = 0;
  const m = AUTH_ELEMENT.exec(raw);
  return !!m && m[2].trim() !== '' && m[2].trim() !== '=';
}

/** Replaces the SASL <auth> payload (and any listed secret strings) with `[redacted]`. */
export function redact(raw: string, secrets: readonly string[] = []): string {
  let out = raw.replace(AUTH_ELEMENT, (all, open: string, body: string, close: string) =>
    body.trim() && body.trim() !== '=' ? `${open}${REDACTED}${close}` : all,
  );
  for (const secret of secrets) if (secret) out = out.split(secret).join(REDACTED);
  return out;
}

/** The user name inside a PLAIN payload, for labels; never the password. */
export function plainUser(raw: string): string | undefined {
  AUTH_ELEMENT.lastIndex = 0;
  const m = AUTH_ELEMENT.exec(raw);
  if (!m) return undefined;
  try {
    const parts = Buffer.from(m[2].trim(), 'base64').toString('utf8').split('\0');
    return parts.length === 3 ? parts[1] : undefined;
  } catch {
    return undefined;
  }
}
