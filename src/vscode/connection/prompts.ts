/**
 * The interactive Connect flow: pick a remembered profile or enter a new one (URL, domain,
 * user, optional resource, teams and queues), then the password when SecretStorage has none.
 * Every step can be cancelled with Escape (resolves undefined); nothing here connects or stores
 * anything.
 */
import * as vscode from 'vscode';
import { probeServer, ServerProbe } from '../../core/session/domainProbe';
import { DEFAULT_RESOURCE, DESKTOP_RESOURCE, desktopWarning } from '../../core/session/resource';
import { checkUrl, Profile, profileKey, profileLabel, readProfiles } from './profiles';

const TITLE = 'Finesse: Connect';

/**
 * What was typed in the last New connection steps, so a failed or abandoned attempt does not
 * make the user type the URL, domain and user again.
 */
let typed: Partial<Profile> = {};

/** The domain prefill: what the server's `<open from=…>` says, else the URL's host. */
export async function suggestDomain(url: string): Promise<string> {
  return (await askServer(url)).domain ?? new URL(url).hostname.replace(/^\[|\]$/g, '');
}

/** Opens the WebSocket once (progress in the status bar): is anything there, and which domain. */
function askServer(url: string): Thenable<ServerProbe> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Finesse: asking ${host} for its XMPP domain` },
    () => probeServer(url, { timeoutMs: 4000 }),
  );
}

interface ProfileItem extends vscode.QuickPickItem {
  profile?: Profile;
}

/** A remembered profile, or a new one entered now. */
export async function pickProfile(connectedKeys: Set<string>, live?: LiveSessions): Promise<Profile | undefined> {
  const profiles = readProfiles();
  if (!profiles.length) return enterProfile(typed, vscodeAsker, live);
  const items: ProfileItem[] = profiles.map((p) => ({
    label: `$(account) ${profileLabel(p)}`,
    description: p.url,
    detail:
      [
        p.resource ? `resource ${p.resource}` : '',
        p.teams?.length ? `teams ${p.teams.join(', ')}` : '',
        p.queues?.length ? `queues ${p.queues.join(', ')}` : '',
        p.fingerprint ? 'pinned certificate' : '',
        connectedKeys.has(profileKey(p)) ? 'connected' : '',
      ]
        .filter(Boolean)
        .join(' · ') || undefined,
    profile: p,
  }));
  items.push({ label: '$(add) New connection…', alwaysShow: true });
  const choice = await vscode.window.showQuickPick(items, {
    title: TITLE,
    placeHolder: 'Connect as which agent?',
    ignoreFocusOut: true,
    matchOnDescription: true,
  });
  if (!choice) return undefined;
  return choice.profile ?? enterProfile(typed, vscodeAsker, live);
}

/**
 * How the steps ask: VS Code's input box and modal warning. A parameter so the steps can be
 * driven where a modal dialog cannot be shown (the extension test host refuses them).
 */
export interface ProfileAsker {
  input(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  /** A modal warning; resolves with the chosen item, undefined for Cancel. */
  warn(message: string, detail: string, ...items: string[]): Thenable<string | undefined>;
}

const vscodeAsker: ProfileAsker = {
  input: (options) => vscode.window.showInputBox(options),
  warn: (message, detail, ...items) => vscode.window.showWarningMessage(message, { modal: true, detail }, ...items),
};

/** Which agents already have a session running (Connections): asking on for one of them is moot. */
export interface LiveSessions {
  find(p: Pick<Profile, 'url' | 'domain' | 'user'>): { state: string } | undefined;
}

const isLive = (live: LiveSessions | undefined, p: Pick<Profile, 'url' | 'domain' | 'user'>) => {
  const state = live?.find(p)?.state;
  return state !== undefined && state !== 'closed' && state !== 'failed';
};

const STEPS = 6;
const step = (n: number) => `${TITLE} (${n}/${STEPS})`;
const ids = (v: string) =>
  v
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

/**
 * URL → domain (prefilled with what the server says it is) → user → resource → teams → queues.
 * Right after the URL the server is asked once: a URL nothing answers at is said at once, with
 * why, and asked again; once URL, domain and user name an agent that is already connected, the
 * steps stop there and that profile comes back (Connect then says so instead of connecting).
 * Each answer is remembered at once, so Escape or a failed connect keeps it for the next attempt.
 */
export async function enterProfile(
  seed: Partial<Profile> = typed,
  ask: ProfileAsker = vscodeAsker,
  live?: LiveSessions,
): Promise<Profile | undefined> {
  let value = seed.url;
  let failed: { url: string; reason: string } | undefined;
  let url: string;
  let probed: ServerProbe;
  for (;;) {
    const said = failed;
    const answer = await ask.input({
      title: step(1),
      prompt: said
        ? `Nothing answers at this URL: ${said.reason}. Correct it, or press Enter to try again`
        : 'The Finesse notification WebSocket',
      placeHolder: 'wss://finesse.example.com:8445/ws/',
      value,
      ignoreFocusOut: true,
      // The probe's reason stays beside the URL it was about; Enter on it asks the server again.
      validateInput: (v) =>
        checkUrl(v) ??
        (said && v.trim() === said.url
          ? { message: said.reason, severity: vscode.InputBoxValidationSeverity.Warning }
          : undefined),
    });
    if (!answer) return undefined;
    url = answer.trim();
    typed = { ...(seed.url?.trim() === url ? typed : {}), url };
    probed = await askServer(url);
    if (probed.reachable) break;
    failed = { url, reason: probed.reason ?? 'no answer' };
    value = url;
  }
  const sameServer = seed.url?.trim() === url;
  // A domain typed before for this server wins over the probe's answer.
  const domainSeed = (sameServer && seed.domain) || probed.domain || new URL(url).hostname.replace(/^\[|\]$/g, '');
  const domain = await ask.input({
    title: step(2),
    prompt: 'The XMPP domain (prefilled with the domain the server announces)',
    value: domainSeed,
    ignoreFocusOut: true,
    validateInput: (v) => (/^[^\s@/]+$/.test(v.trim()) ? undefined : 'A domain name, e.g. finesse.example.com'),
  });
  if (!domain) return undefined;
  typed.domain = domain.trim();
  const user = await ask.input({
    title: step(3),
    prompt: 'The agent’s login (the XMPP user name, usually the agent id)',
    value: seed.user,
    ignoreFocusOut: true,
    validateInput: (v) => (/^[^\s@/]+$/.test(v.trim()) ? undefined : 'A user name without spaces, @ or /'),
  });
  if (!user) return undefined;
  typed.user = user.trim();
  const agent = { url, domain: domain.trim(), user: user.trim() };
  if (isLive(live, agent)) return agent;
  const resource = await askResource({ domain: domain.trim(), user: user.trim(), resource: seed.resource }, ask);
  if (resource === undefined) return undefined;
  typed.resource = resource || undefined;
  const teams = await ask.input({
    title: step(5),
    prompt: 'Team ids to watch as well, comma separated (optional: leave empty for none)',
    value: seed.teams?.join(', ') ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => (/^[\w\s,-]*$/.test(v) ? undefined : 'Team ids separated by commas, e.g. 1, 5'),
  });
  if (teams === undefined) return undefined;
  typed.teams = ids(teams);
  const queues = await ask.input({
    title: step(6),
    prompt: 'Queue ids to subscribe as well, comma separated (optional: leave empty for none)',
    value: seed.queues?.join(', ') ?? '',
    ignoreFocusOut: true,
    validateInput: (v) => (/^[\w\s,-]*$/.test(v) ? undefined : 'Queue ids separated by commas, e.g. 2, 7'),
  });
  if (queues === undefined) return undefined;
  const profile: Profile = { ...agent };
  if (resource) profile.resource = resource;
  if (ids(teams).length) profile.teams = ids(teams);
  if (ids(queues).length) profile.queues = ids(queues);
  typed = { ...profile };
  return profile;
}

/**
 * The resource step: empty means our own default. `desktop` signs the agent's Finesse desktop
 * out of notifications, so it needs a yes; Cancel asks again. Undefined when Escape is pressed.
 */
async function askResource(
  p: Pick<Profile, 'domain' | 'user' | 'resource'>,
  ask: ProfileAsker,
): Promise<string | undefined> {
  let value = p.resource ?? '';
  for (;;) {
    const answer = await ask.input({
      title: step(4),
      prompt: `Resource (default ${DEFAULT_RESOURCE}): the XMPP resource to bind; leave empty unless you know you need another`,
      placeHolder: DEFAULT_RESOURCE,
      value,
      ignoreFocusOut: true,
      validateInput: (v) => (/^[^\s/]*$/.test(v.trim()) ? undefined : 'A resource without spaces or /'),
    });
    if (answer === undefined) return undefined;
    const resource = answer.trim() === DEFAULT_RESOURCE ? '' : answer.trim();
    if (resource !== DESKTOP_RESOURCE) return resource;
    const what = desktopWarning(p.user, p.domain);
    const choice = await ask.warn(
      `Bind the resource "${DESKTOP_RESOURCE}"?`,
      `${what[0].toUpperCase()}${what.slice(1)}.`,
      'Continue',
    );
    if (choice === 'Continue') return resource;
    value = '';
  }
}

export async function promptPassword(profile: Profile, again = false): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `${TITLE}: ${profileLabel(profile)}`,
    prompt: again
      ? 'The server refused the last password. Enter it again (kept in VS Code’s secret storage).'
      : 'Password (kept in VS Code’s secret storage, never in settings)',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v ? undefined : 'The password is required'),
  });
}
