/**
 * "Trust this certificate fingerprint": keeps the exact certificate the user approved.
 *
 * A pin alone is enforced by the core's own TLS connect (tls.ts createConnection), but inside
 * VS Code the extension host's proxy support (`http.proxySupport`) gives every https request
 * its own agent, and Node then ignores a request's createConnection — the pin never runs and
 * the self-signed certificate is refused again. A CA passes through that agent unchanged, so the
 * approved certificate is also saved as a PEM file and used as the profile's `caFile`: only that
 * certificate (the same key) is then trusted, which is what the pin means. The certificate is
 * fetched over a throwaway TLS connection on which nothing is sent, and saved only when its
 * SHA-256 fingerprint is the one the user was shown.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DetailedPeerCertificate } from 'node:tls';
import type * as vscode from 'vscode';

const TIMEOUT_MS = 10_000;

function pem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** The chain the server presents, leaf first (each certificate once). */
function chainOf(leaf: DetailedPeerCertificate): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = [];
  const seen = new Set<string>();
  for (
    let c: DetailedPeerCertificate | undefined = leaf;
    c?.raw && !seen.has(c.fingerprint256);
    c = c.issuerCertificate
  ) {
    seen.add(c.fingerprint256);
    chain.push(c);
  }
  return chain;
}

/**
 * Saves the certificate chain of `url` whose leaf has `fingerprint` to the extension's global
 * storage and returns the PEM file's path (the profile's caFile). Rejects when the server now
 * presents another certificate than the one the user approved.
 */
export async function saveApprovedCertificate(
  context: vscode.ExtensionContext,
  url: string,
  fingerprint: string,
): Promise<string> {
  const { normalizeFingerprint, readPeerCertificate, tlsEndpoint } = await import('../../core/session/tls');
  const expected = normalizeFingerprint(fingerprint);
  const { host, port } = tlsEndpoint(url);
  const chain = chainOf(await readPeerCertificate(host, port, undefined, TIMEOUT_MS));
  const leaf = chain[0];
  if (!leaf) throw new Error(`the server at ${url} presented no certificate`);
  if (leaf.fingerprint256 !== expected)
    throw new Error(
      `the server at ${url} now presents another certificate (SHA-256 ${leaf.fingerprint256}, approved ${expected}); nothing was trusted`,
    );
  const dir = join(context.globalStorageUri.fsPath, 'certificates');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${expected.replace(/:/g, '').toLowerCase()}.pem`);
  await writeFile(file, chain.map((c) => pem(c.raw)).join(''), { mode: 0o644 });
  return file;
}
