/**
 * Connection profiles in settings: what `finesse.profiles` remembers (URL, domain, user, teams,
 * the TLS trust the user chose) — never a password. Passwords live in SecretStorage, keyed by the
 * profile's identity (user, domain, URL), so two profiles for the same agent on two servers keep two.
 */
import * as vscode from 'vscode';
import { AutoConnect, cleanProfile, Profile, profileKey, storable } from './profile';

export * from './profile';

const SECTION = 'finesse';

export function readProfiles(): Profile[] {
  const raw = vscode.workspace.getConfiguration(SECTION).get<unknown[]>('profiles') ?? [];
  return (Array.isArray(raw) ? raw : []).map(cleanProfile).filter((p): p is Profile => !!p);
}

/** Adds or replaces (same user/domain/URL) a profile, most recent first, in the user settings. */
export async function saveProfile(p: Profile): Promise<void> {
  const key = profileKey(p);
  const others = readProfiles().filter((q) => profileKey(q) !== key);
  await vscode.workspace
    .getConfiguration(SECTION)
    .update('profiles', [storable(p), ...others], vscode.ConfigurationTarget.Global);
}

export function findProfile(p: Pick<Profile, 'url' | 'domain' | 'user'>): Profile | undefined {
  const key = profileKey(p);
  return readProfiles().find((q) => profileKey(q) === key);
}

export function readAutoConnect(): AutoConnect | undefined {
  return cleanProfile(vscode.workspace.getConfiguration(SECTION).get<unknown>('autoConnect'));
}
