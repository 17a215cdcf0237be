/**
 * Finesse: Connect / Disconnect, and the `finesse.autoConnect` demo connection.
 *
 * - Without arguments Connect asks (profile or URL/domain/user/teams, then the password when
 *   SecretStorage has none), remembers the profile in `finesse.profiles` (no password), shows a
 *   cancellable progress notification and, on failure, an error with the action that fixes it.
 * - With `{url, domain, user, teams?, password?}` (tests, scripts) it asks nothing: a given
 *   password goes to SecretStorage; it resolves with the session id once online and REJECTS
 *   with the failure (the notification is shown, not awaited).
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { saveApprovedCertificate } from './certificates';
import { CancelledError, Connections, phaseText } from './connections';
import { describeFailure, showFailure } from './failures';
import { pickProfile, promptPassword } from './prompts';
import {
  cleanProfile,
  ConnectArgs,
  findProfile,
  Profile,
  profileLabel,
  readAutoConnect,
  saveProfile,
  secretKey,
} from './profiles';

export { Connections } from './connections';

interface Mode {
  /** Prompts allowed (command palette) — false for calls with arguments. */
  interactive: boolean;
  /** Remember the profile in settings once it connects. */
  remember: boolean;
  /** Open the Finesse Frames panel once online. */
  showPanel: boolean;
}

export function register(services: Services, connections: Connections): vscode.Disposable[] {
  const { context, log } = services;
  const secrets = context.secrets;

  /** Settings may hold the TLS trust the user chose earlier for this server: use it. */
  const withSavedTrust = (p: Profile): Profile => {
    const saved = findProfile(p);
    return {
      ...p,
      fingerprint: p.fingerprint ?? saved?.fingerprint,
      caFile: p.caFile ?? saved?.caFile,
      teams: p.teams ?? saved?.teams,
      queues: p.queues ?? saved?.queues,
      resource: p.resource ?? saved?.resource,
    };
  };

  /** The id of this profile's running session, said to the user when asked interactively. */
  function alreadyConnected(profile: Profile, mode: Mode): string | undefined {
    const running = connections.find(profile);
    if (!running || running.state === 'closed' || running.state === 'failed') return undefined;
    if (mode.interactive)
      void vscode.window.showInformationMessage(
        `Finesse: ${profileLabel(profile)} is already connected (${running.state}).`,
      );
    return running.id;
  }

  async function run(profile: Profile, password: string, mode: Mode): Promise<string> {
    const running = alreadyConnected(profile, mode);
    if (running) return running;
    const session = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Finesse: connecting ${profileLabel(profile)}`,
        cancellable: true,
      },
      (progress, cancel) =>
        connections.connect(profile, password, { cancel, onPhase: (s) => progress.report({ message: phaseText(s) }) }),
    );
    if (mode.remember) await saveProfile(profile);
    if (mode.showPanel) void vscode.commands.executeCommand('finesse.showFrames');
    return session.id;
  }

  /** Connects, and on failure shows what went wrong with the fixing action; rethrows it. */
  async function attempt(profile: Profile, password: string, mode: Mode): Promise<string> {
    try {
      const id = await run(profile, password, mode);
      await secrets.store(secretKey(profile), password);
      return id;
    } catch (e) {
      const err = e as Error;
      if (err instanceof CancelledError) throw err;
      const failure = await describeFailure(err, profile, [password]);
      log.error(failure.message);
      if (failure.kind === 'auth') await secrets.delete(secretKey(profile));
      const again: Mode = { ...mode, interactive: true };
      showFailure(services, failure, {
        retry: () => void connectInteractive(profile, again, failure.kind === 'auth' ? undefined : password),
        reenterPassword: () => void connectInteractive(profile, again),
        trustFingerprint: (fingerprint) => void trustAndRetry(profile, fingerprint, again, password),
      });
      throw err;
    }
  }

  /** Pins the approved certificate in the profile (fingerprint + its PEM as caFile), then connects again. */
  async function trustAndRetry(profile: Profile, fingerprint: string, mode: Mode, password: string): Promise<void> {
    try {
      const caFile = await saveApprovedCertificate(context, profile.url, fingerprint);
      const trusted: Profile = { ...profile, fingerprint, caFile };
      await saveProfile(trusted);
      log.info(
        `trusting certificate SHA-256 ${fingerprint} for ${profile.url} (finesse.profiles; certificate saved as ${caFile})`,
      );
      await connectInteractive(trusted, mode, password);
    } catch (e) {
      log.error(`trusting ${fingerprint} for ${profile.url}: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(`Finesse: could not trust the certificate: ${(e as Error).message}`);
    }
  }

  /** Password from the caller, SecretStorage or a prompt; errors are shown, not thrown. */
  async function connectInteractive(profile: Profile, mode: Mode, password?: string): Promise<string | undefined> {
    // Said before the password is asked: a running session needs none.
    const running = alreadyConnected(profile, mode);
    if (running) return running;
    const pw = password ?? (await secrets.get(secretKey(profile))) ?? (await promptPassword(profile));
    if (!pw) return undefined;
    try {
      return await attempt(profile, pw, mode);
    } catch {
      return undefined; // already shown with its actions
    }
  }

  async function connect(args?: ConnectArgs): Promise<string | undefined> {
    if (args !== undefined && args !== null) {
      const profile = cleanProfile(args);
      if (!profile) throw new Error('finesse.connect expects { url: "wss://…/ws/", domain, user, teams?, password? }');
      const p = withSavedTrust(profile);
      if (typeof args.password === 'string' && args.password) await secrets.store(secretKey(p), args.password);
      const password = (typeof args.password === 'string' && args.password) || (await secrets.get(secretKey(p)));
      if (!password)
        throw new Error(
          `finesse.connect: no password for ${profileLabel(p)} (give "password" once; it is kept in SecretStorage)`,
        );
      return attempt(p, password, { interactive: false, remember: false, showPanel: false });
    }
    const profile = await pickProfile(new Set(connections.list().map((c) => c.key)), connections);
    if (!profile) return undefined;
    return connectInteractive(withSavedTrust(profile), { interactive: true, remember: true, showPanel: true });
  }

  async function disconnect(id?: unknown): Promise<number> {
    let which = typeof id === 'string' && id !== 'all' ? id : undefined;
    const open = connections.list();
    if (id === undefined && open.length > 1) {
      // Several agents connected: disconnecting all of them at once is rarely what was meant.
      const items: (vscode.QuickPickItem & { id?: string })[] = [
        ...open.map((c) => ({ label: `$(account) ${c.label}`, description: c.state, detail: c.url, id: c.id })),
        { label: '$(debug-disconnect) All sessions', description: `${open.length} connected` },
      ];
      const picked = await vscode.window.showQuickPick(items, {
        title: 'Finesse: Disconnect',
        placeHolder: 'Disconnect which session?',
      });
      if (!picked) return 0;
      which = picked.id;
    }
    const n = await connections.disconnect(which);
    if (n) log.info(`disconnected ${n} session${n === 1 ? '' : 's'}`);
    return n;
  }

  const disposables = [
    vscode.commands.registerCommand('finesse.connect', connect),
    vscode.commands.registerCommand('finesse.disconnect', disconnect),
    connections.onDidFailLater(({ profile, error }) => {
      void describeFailure(error, profile).then((failure) =>
        showFailure(
          services,
          { ...failure, message: `${failure.message} (the connection was lost and could not be restored)` },
          {
            retry: () => void connectInteractive(profile, { interactive: true, remember: false, showPanel: false }),
            reenterPassword: () =>
              void connectInteractive(profile, { interactive: true, remember: false, showPanel: false }),
          },
        ),
      );
    }),
  ];

  // The npm start demo: connect once, right after activation, and show the frames.
  const auto = readAutoConnect();
  if (auto) {
    setImmediate(() => {
      log.info(`finesse.autoConnect: ${profileLabel(auto)} at ${auto.url}`);
      void vscode.commands.executeCommand('finesse.showFrames');
      const envPassword = process.env.FINESSE_PASSWORD || undefined;
      void connectInteractive(
        withSavedTrust(auto),
        { interactive: true, remember: false, showPanel: false },
        envPassword,
      );
    });
  }
  return disposables;
}
