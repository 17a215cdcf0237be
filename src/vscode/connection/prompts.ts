/**
 * The interactive Connect flow: pick a remembered profile or enter a new one (URL, domain,
 * user, optional teams), then the password when SecretStorage has none. Every step can be
 * cancelled with Escape (resolves undefined); nothing here connects or stores anything.
 */
import * as vscode from 'vscode';
import { checkUrl, Profile, profileKey, profileLabel, readProfiles } from './profiles';

const TITLE = 'Finesse: Connect';

interface ProfileItem extends vscode.QuickPickItem {
  profile?: Profile;
}

/** A remembered profile, or a new one entered now. */
export async function pickProfile(connectedKeys: Set<string>): Promise<Profile | undefined> {
  const profiles = readProfiles();
  if (!profiles.length) return enterProfile();
  const items: ProfileItem[] = profiles.map((p) => ({
    label: `$(account) ${profileLabel(p)}`,
    description: p.url,
    detail: [p.teams?.length ? `teams ${p.teams.join(', ')}` : '', p.fingerprint ? 'pinned certificate' : '', connectedKeys.has(profileKey(p)) ? 'connected' : ''].filter(Boolean).join(' · ') || undefined,
    profile: p,
  }));
  items.push({ label: '$(add) New connection…', alwaysShow: true });
  const choice = await vscode.window.showQuickPick(items, { title: TITLE, placeHolder: 'Connect as which agent?', ignoreFocusOut: true, matchOnDescription: true });
  if (!choice) return undefined;
  return choice.profile ?? enterProfile();
}

/** URL → domain (default: the URL's host) → user → teams. */
export async function enterProfile(seed: Partial<Profile> = {}): Promise<Profile | undefined> {
  const url = await vscode.window.showInputBox({
    title: `${TITLE} (1/4)`,
    prompt: 'The Finesse notification WebSocket',
    placeHolder: 'wss://finesse.example.com:8445/ws/',
    value: seed.url,
    ignoreFocusOut: true,
    validateInput: checkUrl,
  });
  if (!url) return undefined;
  const host = new URL(url.trim()).hostname;
  const domain = await vscode.window.showInputBox({
    title: `${TITLE} (2/4)`,
    prompt: 'The XMPP domain (usually the Finesse server’s host name)',
    value: seed.domain ?? host,
    ignoreFocusOut: true,
    validateInput: (v) => (/^[^\s@/]+$/.test(v.trim()) ? undefined : 'A domain name, e.g. finesse.example.com'),
  });
  if (!domain) return undefined;
  const user = await vscode.window.showInputBox({
    title: `${TITLE} (3/4)`,
    prompt: 'The agent’s login (the XMPP user name, usually the agent id)',
    value: seed.user,
    ignoreFocusOut: true,
    validateInput: (v) => (/^[^\s@/]+$/.test(v.trim()) ? undefined : 'A user name without spaces, @ or /'),
  });
  if (!user) return undefined;
  const teams = await vscode.window.showInputBox({
    title: `${TITLE} (4/4)`,
    prompt: 'Team ids to watch as well, comma separated (optional: leave empty for none)',
    value: seed.teams?.join(', ') ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => (/^[\w\s,-]*$/.test(v) ? undefined : 'Team ids separated by commas, e.g. 1, 5'),
  });
  if (teams === undefined) return undefined;
  const profile: Profile = { url: url.trim(), domain: domain.trim(), user: user.trim() };
  const ids = teams.split(',').map((t) => t.trim()).filter(Boolean);
  if (ids.length) profile.teams = ids;
  return profile;
}

export async function promptPassword(profile: Profile, again = false): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `${TITLE}: ${profileLabel(profile)}`,
    prompt: again ? 'The server refused the last password. Enter it again (kept in VS Code’s secret storage).' : 'Password (kept in VS Code’s secret storage, never in settings)',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v ? undefined : 'The password is required'),
  });
}
