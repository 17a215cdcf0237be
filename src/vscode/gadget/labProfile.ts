/**
 * The Connect profile a `finesse-gadget` configuration names in `profile` (user@domain, or its
 * WebSocket URL), and its password: SecretStorage first (what Connect saved), else a prompt, kept
 * for next time. The lab's origin (REST, the gadget files' path) is the WebSocket URL's.
 */
import * as vscode from 'vscode';
import { profileLabel, readProfiles, secretKey, type Profile } from '../connection/profiles';
import { promptPassword } from '../connection/prompts';

export function findLabProfile(name: string): Profile {
  const wanted = name.trim();
  const profiles = readProfiles();
  const hit = profiles.find((p) => profileLabel(p) === wanted || p.url === wanted);
  if (!hit) {
    const known = profiles.map((p) => profileLabel(p)).join(', ');
    throw new Error(
      `no Connect profile "${wanted}" in finesse.profiles${known ? ` (there are: ${known})` : ''}: connect once with Finesse: Connect to Finesse, then name it as user@domain`,
    );
  }
  return hit;
}

export async function labPassword(secrets: vscode.SecretStorage, profile: Profile): Promise<string> {
  const saved = await secrets.get(secretKey(profile));
  if (saved) return saved;
  const typed = await promptPassword(profile);
  if (!typed) throw new Error(`no password for ${profileLabel(profile)}`);
  await secrets.store(secretKey(profile), typed);
  return typed;
}

/** `wss://host:8445/ws/` → `https://host:8445`: REST, the desktop and gadgets share the origin. */
export function labOrigin(profile: Profile): string {
  const u = new URL(profile.url);
  u.protocol = u.protocol === 'ws:' ? 'http:' : 'https:';
  return u.origin;
}
