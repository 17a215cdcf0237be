/**
 * The interactive Connect flow: pick a remembered profile or enter a new one (URL, domain,
 * user, optional teams), then the password when SecretStorage has none. Every step can be
 * cancelled with Escape (resolves undefined); nothing here connects or stores anything.
 */
import * as vscode from 'vscode';
import { probeStreamDomain } from '../../core/session/domainProbe';
import { checkUrl, Profile, profileKey, profileLabel, readProfiles } from './profiles';

const TITLE = 'Finesse: Connect';

/**
 * What was typed in the last New connection steps, so a failed or abandoned attempt does not
 * make the user type the URL, domain and user again.
 */
let typed: Partial<Profile> = {};

/** The domain prefill: what the server's `<open from=…>` says, else the URL's host. */
export async function suggestDomain(url: string): Promise<string> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const probed = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Finesse: asking ${host} for its XMPP domain` }, () => probeStreamDomain(url, { timeoutMs: 4000 }));
  return probed ?? host;
}

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

/**
 * URL → domain (prefilled with what the server says it is) → user → teams. Each answer is
 * remembered at once, so Escape or a failed connect keeps it for the next attempt.
 */
async function enterProfile(seed: Partial<Profile> = typed): Promise<Profile | undefined> {
  const url = await vscode.window.showInputBox({
    title: `${TITLE} (1/4)`,
    prompt: 'The Finesse notification WebSocket',
    placeHolder: 'wss://finesse.example.com:8445/ws/',
    value: seed.url,
    ignoreFocusOut: true,
    validateInput: checkUrl,
  });
  if (!url) return undefined;
  const sameServer = seed.url?.trim() === url.trim();
  typed = { ...(sameServer ? typed : {}), url: url.trim() };
  // A domain typed before for this server wins over the probe's answer.
  const domainSeed = (sameServer && seed.domain) || (await suggestDomain(url.trim()));
  const domain = await vscode.window.showInputBox({
    title: `${TITLE} (2/4)`,
    prompt: 'The XMPP domain (prefilled with the domain the server announces)',
    value: domainSeed,
    ignoreFocusOut: true,
    validateInput: (v) => (/^[^\s@/]+$/.test(v.trim()) ? undefined : 'A domain name, e.g. finesse.example.com'),
  });
  if (!domain) return undefined;
  typed.domain = domain.trim();
  const user = await vscode.window.showInputBox({
    title: `${TITLE} (3/4)`,
    prompt: 'The agent’s login (the XMPP user name, usually the agent id)',
    value: seed.user,
    ignoreFocusOut: true,
    validateInput: (v) => (/^[^\s@/]+$/.test(v.trim()) ? undefined : 'A user name without spaces, @ or /'),
  });
  if (!user) return undefined;
  typed.user = user.trim();
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
  typed = { ...profile };
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
