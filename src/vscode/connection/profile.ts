/**
 * The connection profile and what can be said about one without VS Code: its identity (the
 * SecretStorage key of its password), its label, its TLS trust, and the validation that keeps a
 * hand-edited settings entry from breaking the commands. No password is ever part of a Profile.
 */
import type { TlsTrust } from '../../core/session/tls';

export interface Profile {
  url: string;
  domain: string;
  user: string;
  teams?: string[];
  /** Pinned SHA-256 fingerprint of a lab server's self-signed certificate. */
  fingerprint?: string;
  /** PEM file with the CA (or the certificate itself) to trust. */
  caFile?: string;
}

/** What `finesse.connect` accepts from tests and scripts (contracts.md). */
export interface ConnectArgs extends Profile {
  password?: string;
}

/** `finesse.autoConnect` (the npm start demo): a profile; the password is never in settings. */
export type AutoConnect = Profile;

export function profileKey(p: Pick<Profile, 'url' | 'domain' | 'user'>): string {
  return `${p.user}@${p.domain} ${p.url}`;
}

export function profileLabel(p: Pick<Profile, 'domain' | 'user'>): string {
  return `${p.user}@${p.domain}`;
}

/** SecretStorage key of a profile's password. */
export function secretKey(p: Pick<Profile, 'url' | 'domain' | 'user'>): string {
  return `finesse.password/${profileKey(p)}`;
}

export function trustOf(p: Profile): TlsTrust | undefined {
  if (!p.fingerprint && !p.caFile) return undefined;
  const trust: TlsTrust = {};
  if (p.fingerprint) trust.fingerprint = p.fingerprint;
  if (p.caFile) trust.caFile = p.caFile;
  return trust;
}

/** A clear message for a URL that cannot be a Finesse notification endpoint, else undefined. */
export function checkUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'A WebSocket URL, e.g. wss://finesse.example.com:8445/ws/';
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return `The URL must start with wss:// (or ws:// for a local test server), not ${url.protocol}//`;
  return undefined;
}

/** Keeps only well-formed entries, so a hand-edited settings file cannot break the commands. */
export function cleanProfile(raw: unknown): Profile | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.url !== 'string' || typeof r.domain !== 'string' || typeof r.user !== 'string') return undefined;
  if (checkUrl(r.url) || !r.domain.trim() || !r.user.trim()) return undefined;
  const p: Profile = { url: r.url.trim(), domain: r.domain.trim(), user: r.user.trim() };
  if (Array.isArray(r.teams)) {
    const teams = r.teams.filter((t): t is string => typeof t === 'string' && t.trim() !== '').map((t) => t.trim());
    if (teams.length) p.teams = teams;
  }
  if (typeof r.fingerprint === 'string' && r.fingerprint.trim()) p.fingerprint = r.fingerprint.trim();
  if (typeof r.caFile === 'string' && r.caFile.trim()) p.caFile = r.caFile.trim();
  return p;
}

/** The profile without anything that must not be written to settings. */
export function storable(p: Profile): Profile {
  const out: Profile = { url: p.url, domain: p.domain, user: p.user };
  if (p.teams?.length) out.teams = [...p.teams];
  if (p.fingerprint) out.fingerprint = p.fingerprint;
  if (p.caFile) out.caFile = p.caFile;
  return out;
}
