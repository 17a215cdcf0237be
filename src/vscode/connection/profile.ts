/**
 * The connection profile and what can be said about one without VS Code: its identity (the
 * SecretStorage key of its password), its label, its TLS trust, and the validation that keeps a
 * hand-edited settings entry from breaking the commands. No password is ever part of a Profile.
 */
import type { TlsTrust } from '../../core/session/tls';
// Two constants and a string builder: the session module itself loads only on connect.
import { DESKTOP_RESOURCE, desktopWarning } from '../../core/session/resource';

export interface Profile {
  url: string;
  domain: string;
  user: string;
  teams?: string[];
  /** Queue ids whose node to subscribe as well. */
  queues?: string[];
  /**
   * XMPP resource to bind; the session's default (`finesse-frames`) when absent. `desktop` is
   * the Finesse desktop's own and is used only when written here (see resourceWarning).
   */
  resource?: string;
  /** Pinned SHA-256 fingerprint of a lab server's self-signed certificate. */
  fingerprint?: string;
  /** PEM file with the CA (or the certificate itself) to trust. */
  caFile?: string;
}

/** What `finesse.connect` accepts from tests and scripts . */
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

/** The warning to show before connecting a profile that binds the desktop's resource, else undefined. */
export function resourceWarning(p: Pick<Profile, 'domain' | 'user' | 'resource'>): string | undefined {
  if (p.resource?.trim() !== DESKTOP_RESOURCE) return undefined;
  return `Finesse: ${desktopWarning(p.user, p.domain)}.`;
}

/** A clear message for a URL that cannot be a Finesse notification endpoint, else undefined. */
export function checkUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'A WebSocket URL, e.g. wss://finesse.example.com:8445/ws/';
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    return `The URL must start with wss:// (or ws:// for a local test server), not ${url.protocol}//`;
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
  if (Array.isArray(r.queues)) {
    const queues = r.queues.filter((q): q is string => typeof q === 'string' && q.trim() !== '').map((q) => q.trim());
    if (queues.length) p.queues = queues;
  }
  if (typeof r.resource === 'string' && r.resource.trim()) p.resource = r.resource.trim();
  if (typeof r.fingerprint === 'string' && r.fingerprint.trim()) p.fingerprint = r.fingerprint.trim();
  if (typeof r.caFile === 'string' && r.caFile.trim()) p.caFile = r.caFile.trim();
  return p;
}

/** The profile without anything that must not be written to settings. */
export function storable(p: Profile): Profile {
  const out: Profile = { url: p.url, domain: p.domain, user: p.user };
  if (p.teams?.length) out.teams = [...p.teams];
  if (p.queues?.length) out.queues = [...p.queues];
  if (p.resource) out.resource = p.resource;
  if (p.fingerprint) out.fingerprint = p.fingerprint;
  if (p.caFile) out.caFile = p.caFile;
  return out;
}
