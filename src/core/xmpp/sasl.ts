/**
 * SASL PLAIN (RFC 4616) encode and redaction. The PLAIN payload is base64(authzid NUL authcid
 * NUL password): it must never reach a log, a saved file or an export, and the live view masks
 * it until the user asks to reveal it. Redaction also covers the other places a credential or a
 * proof derived from it travels: SASL <response> (DIGEST-MD5, SCRAM), SASL2 <initial-response>,
 * and the <password> of legacy auth (XEP-0078) and in-band registration (XEP-0077).
 */
import { credentialRanges, isCredential } from './credentials';
import { SASL_NS } from './namespaces';
import { Element, parseXml } from './xml';
export { SASL_NS };
export const REDACTED = '[redacted]';

export function plainPayload(user: string, password: string, authzid = ''): string {
  return base64FromUtf8(`${authzid}\0${user}\0${password}`);
}

// Base64 through btoa/atob and TextEncoder rather than Buffer: this module is also part of the
// webview bundle (row labels), which has no Node globals.
function base64FromUtf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function utf8FromBase64(b64: string): string | undefined {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(b64.replace(/\s+/g, '')), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

export function plainAuth(user: string, password: string): string {
  return `<auth xmlns="${SASL_NS}" mechanism="PLAIN">${plainPayload(user, password)}</auth>`;
}

/**
 * Listed secrets (finesse.sessions.redact, tokens) shorter than this are not replaced in free
 * text: a short one matches ordinary words and names (the demo login agent1/agent1 would turn
 * every JID into `[redacted]`) and its replacements would give it away. Passwords are hidden
 * where they travel instead: SASL payloads and Authorization headers.
 */
const MIN_SECRET_LENGTH = 8;

export interface Redaction {
  text: string;
  /** How many credentials and secrets were replaced. */
  count: number;
}

/** True when a frame carries a credential (SASL payload, password) that views should mask. */
export function hasSaslPayload(raw: string): boolean {
  return credentialRanges(raw).length > 0;
}

/** Replaces SASL payloads, passwords, Authorization values and listed secrets with `[redacted]`. */
export function redact(raw: string, secrets: readonly string[] = []): string {
  return redactCounting(raw, secrets).text;
}

/**
 * The one redaction every output path uses (saved sessions, HAR, stdout JSON lines, views):
 * credential elements found from the XML structure (credentials.ts), Authorization headers
 * (the scheme kept), and listed secrets of MIN_SECRET_LENGTH or more.
 */
export function redactCounting(raw: string, secrets: readonly string[] = []): Redaction {
  let count = 0;
  let out = raw;
  const ranges = credentialRanges(raw);
  if (ranges.length) {
    let text = '';
    let at = 0;
    for (const r of ranges) {
      text += raw.slice(at, r.start) + REDACTED;
      at = r.end;
    }
    out = text + raw.slice(at);
    count += ranges.length;
    out = crossCheck(raw, out, () => count++);
  }
  if (/authorization/i.test(out)) {
    out = out.replace(AUTHORIZATION, (all, head: string, value: string) => {
      const v = value.trim();
      if (!v || v === REDACTED) return all;
      count++;
      const scheme = /^(\S+)\s+\S/.exec(v);
      return `${head}${scheme ? `${scheme[1]} ` : ''}${REDACTED}`;
    });
  }
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_LENGTH || !out.includes(secret)) continue;
    const parts = out.split(secret);
    count += parts.length - 1;
    out = parts.join(REDACTED);
  }
  return { text: out, count };
}

// An Authorization or Proxy-Authorization header line (HTTP exchanges, pasted requests).
const AUTHORIZATION = /^((?:proxy-)?authorization[ \t]*:[ \t]*)([^\r\n]*)/gim;

/**
 * The parsed element has the last word: any text a parser reads inside a credential element
 * that is still in the output (the scan and the parser disagreeing) is replaced too.
 */
function crossCheck(raw: string, out: string, counted: () => void): string {
  const parsed = parseXml(raw);
  if (!parsed.ok) return out;
  const leaks: string[] = [];
  const visit = (el: Element, inside: boolean) => {
    const secret = inside || isCredentialElement(el);
    for (const c of el.children) {
      if (typeof c === 'string') {
        if (secret && c.trim().length >= 2 && c.trim() !== REDACTED) leaks.push(c.trim());
      } else visit(c, secret);
    }
  };
  // Iterative depth guard: a frame nested deeper than this is not a login.
  if (depthAtMost(parsed.element, 64)) visit(parsed.element, false);
  for (const leak of leaks) {
    if (!out.includes(leak)) continue;
    counted();
    out = out.split(leak).join(REDACTED);
  }
  return out;
}

function isCredentialElement(el: Element): boolean {
  return isCredential(el.getName(), el.getNS());
}

function depthAtMost(root: Element, max: number): boolean {
  const todo: [Element, number][] = [[root, 1]];
  while (todo.length) {
    const [el, d] = todo.pop() as [Element, number];
    if (d > max) return false;
    for (const c of el.children) if (typeof c !== 'string') todo.push([c, d + 1]);
  }
  return true;
}

/** The user name inside a PLAIN payload, for labels; never the password. */
export function plainUser(raw: string): string | undefined {
  if (!raw.includes('auth')) return undefined;
  const parsed = parseXml(raw);
  if (!parsed.ok || parsed.element.getName() !== 'auth') return undefined;
  const parts = (utf8FromBase64(parsed.element.getText().trim()) ?? '').split('\0');
  return parts.length === 3 && parts[1] ? parts[1] : undefined;
}
