/**
 * The reverse proxy's own HTTPS certificate: generated once per workspace (ECDSA P-256,
 * self-signed, for localhost/127.0.0.1/::1 plus the listen host), kept in a directory the caller
 * chooses, and reused on the next start so the user trusts its fingerprint only once. A new one
 * is made only when the stored one has expired or does not name a requested host.
 */
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { bitString, boolean, explicit, integer, octetString, oid, sequence, set, time, tlv, utf8String } from './der';

export const CERT_FILE = 'reverse-proxy.crt';
export const KEY_FILE = 'reverse-proxy.key';
/** Names every generated certificate covers; the listen host is added when it is not one. */
const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '::1'];
/** Browsers cap leaf validity at 398 days; stay under it. */
const VALIDITY_DAYS = 397;
/** Renew a little before expiry rather than fail in the middle of a debugging session. */
const RENEW_BEFORE_MS = 7 * 24 * 3600_000;

export interface ListenerCertificate {
  key: string;
  cert: string;
  /** SHA-256 of the certificate, `AB:CD:…`: what the user compares when trusting it. */
  fingerprint: string;
  /** base64 SHA-256 of the public key (SPKI), for Chromium's --ignore-certificate-errors-spki-list. */
  spkiSha256: string;
  certFile: string;
  keyFile: string;
  /** True when this call generated it (the fingerprint is new to the user). */
  created: boolean;
}

/**
 * The stored certificate for `hosts` (plus the defaults), or a newly generated one written to
 * `dir`. A stored pair that cannot be read or does not belong together is an error naming the
 * file, not silently replaced: the user may have trusted it.
 */
export function listenerCertificate(dir: string, hosts: string[] = []): ListenerCertificate {
  const names = [...new Set([...DEFAULT_HOSTS, ...hosts.filter((h) => h && !isUnspecified(h))])];
  const certFile = join(dir, CERT_FILE);
  const keyFile = join(dir, KEY_FILE);
  if (existsSync(certFile) && existsSync(keyFile)) {
    const stored = readStored(certFile, keyFile);
    if (stillGood(stored.x509, names)) return describe(stored.cert, stored.key, certFile, keyFile, false);
  }
  const { cert, key } = generateCertificate(names);
  mkdirSync(dir, { recursive: true });
  // The private key must not end up in the user's repository.
  const ignore = join(dir, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '*\n');
  writeAtomic(keyFile, key, 0o600);
  writeAtomic(certFile, cert, 0o644);
  return describe(cert, key, certFile, keyFile, true);
}

function readStored(certFile: string, keyFile: string): { cert: string; key: string; x509: X509Certificate } {
  let x509: X509Certificate;
  const cert = readFileSync(certFile, 'utf8');
  const key = readFileSync(keyFile, 'utf8');
  try {
    x509 = new X509Certificate(cert);
  } catch (e) {
    throw new Error(`${certFile} is not a PEM certificate (${(e as Error).message}); delete it to generate a new one`);
  }
  let matches: boolean;
  try {
    matches = x509.checkPrivateKey(createPrivateKey(key));
  } catch (e) {
    throw new Error(`${keyFile} is not a PEM private key (${(e as Error).message}); delete it to generate a new one`);
  }
  if (!matches) throw new Error(`${keyFile} is not the key of ${certFile}; delete both to generate a new pair`);
  return { cert, key, x509 };
}

function stillGood(x509: X509Certificate, names: string[]): boolean {
  if (Date.parse(x509.validTo) - Date.now() < RENEW_BEFORE_MS) return false;
  if (Date.parse(x509.validFrom) > Date.now()) return false;
  return names.every((n) => (isIP(n) ? x509.checkIP(n) !== undefined : x509.checkHost(n) !== undefined));
}

function describe(cert: string, key: string, certFile: string, keyFile: string, created: boolean): ListenerCertificate {
  const x509 = new X509Certificate(cert);
  const spki = x509.publicKey.export({ type: 'spki', format: 'der' });
  return {
    cert,
    key,
    certFile,
    keyFile,
    created,
    fingerprint: x509.fingerprint256,
    spkiSha256: createHash('sha256').update(spki).digest('base64'),
  };
}

function writeAtomic(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, file);
}

function isUnspecified(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** A self-signed ECDSA P-256 / SHA-256 server certificate for `names` (DNS names and IPs). */
export function generateCertificate(names: string[], now = new Date()): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const name = sequence(set(sequence(oid('2.5.4.3'), utf8String('Finesse Frame Debugger reverse proxy'))));
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  serial[0] |= 0x01; // positive and 16 bytes long
  const notBefore = new Date(now.getTime() - 24 * 3600_000); // tolerate clock skew
  const notAfter = new Date(now.getTime() + VALIDITY_DAYS * 24 * 3600_000);
  const altNames = names.map((n) => {
    const ip = isIP(n.replace(/^\[|\]$/g, ''));
    return ip ? tlv(0x87, ipBytes(n.replace(/^\[|\]$/g, ''), ip)) : tlv(0x82, Buffer.from(n, 'ascii'));
  });
  const extension = (id: string, critical: boolean, value: Buffer) =>
    sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
  const extensions = sequence(
    extension('2.5.29.19', true, sequence()), // basicConstraints: not a CA
    extension('2.5.29.15', true, bitString(Buffer.from([0x80]), 7)), // keyUsage: digitalSignature
    extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
    extension('2.5.29.17', false, sequence(...altNames)), // subjectAltName
  );
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    ecdsaWithSha256,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    spki,
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey); // DER-encoded ECDSA signature
  const der = sequence(tbs, ecdsaWithSha256, bitString(signature));
  const cert = `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  return { cert, key };
}

function ipBytes(ip: string, family: number): Buffer {
  if (family === 4) return Buffer.from(ip.split('.').map(Number));
  // Expand `::` and embedded IPv4 into 8 groups of 16 bits.
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[1].split('.').map(Number);
    text = text.slice(0, -v4[1].length) + `${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
