/**
 * The extension's own Finesse client sessions: starts and stops FinesseSessions (loaded on first
 * connect, not at activation), remembers which profile each belongs to, and tells the status bar
 * and the log what state each is in. No UI here beyond events; the commands (index.ts) prompt.
 */
import * as vscode from 'vscode';
import type { FinesseSession, SessionState, StateInfo } from '../../core/session/finesseSession';
import { redact } from '../../core/xmpp/sasl';
import type { Services } from '../services';
import { Disposable } from '../disposable';
import { Profile, profileKey, profileLabel, resourceWarning, trustOf } from './profiles';

export interface ConnectionInfo {
  id: string;
  /** profileKey() of the profile it was started from. */
  key: string;
  label: string;
  url: string;
  state: SessionState;
}

interface Entry {
  session: FinesseSession;
  profile: Profile;
}

/** Phases worth telling the user while the progress notification is up. */
const PHASE_TEXT: Partial<Record<SessionState, string>> = {
  connecting: 'opening the WebSocket',
  authenticating: 'signing in (SASL PLAIN)',
  binding: 'binding the resource',
  subscribing: 'subscribing to the agent’s nodes',
  reconnecting: 'connection lost, reconnecting',
};

export function phaseText(state: SessionState): string {
  return PHASE_TEXT[state] ?? state;
}

export class Connections extends Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** A session that was online failed for good (e.g. the password changed while reconnecting). */
  private readonly failedLater = this.register(new vscode.EventEmitter<{ profile: Profile; error: Error }>());
  readonly onDidChange = this.changed.event;
  readonly onDidFailLater = this.failedLater.event;

  constructor(private readonly services: Services) {
    super();
  }

  list(): ConnectionInfo[] {
    return [...this.entries.values()].map(({ session, profile }) => ({
      id: session.id,
      key: profileKey(profile),
      label: profileLabel(profile),
      url: profile.url,
      state: session.state,
    }));
  }

  /** The live (not closed/failed) session of this profile, if one is running. */
  find(profile: Profile): FinesseSession | undefined {
    const key = profileKey(profile);
    for (const e of this.entries.values()) if (profileKey(e.profile) === key) return e.session;
    return undefined;
  }

  /**
   * Starts a session and resolves once it is online (its id is the store session id). Rejects
   * with the session's error: AuthError, UntrustedCertificateError, a connect error, or
   * "cancelled" when `cancel` fired first.
   */
  async connect(
    profile: Profile,
    password: string,
    opts: { cancel?: vscode.CancellationToken; onPhase?: (state: SessionState) => void } = {},
  ): Promise<FinesseSession> {
    const { FinesseSession } = await import('../../core/session/finesseSession');
    const { log, store, live, interceptGate } = this.services;
    const secret = [password];
    const label = profileLabel(profile);
    const session = new FinesseSession(
      store,
      {
        url: profile.url,
        domain: profile.domain,
        user: profile.user,
        password,
        teams: profile.teams,
        queues: profile.queues,
        resource: profile.resource,
        trust: trustOf(profile),
        gate: interceptGate,
      },
      live,
    );
    const entry: Entry = { session, profile };
    this.entries.set(session.id, entry);
    let wasOnline = false;
    session.on('state', (state: SessionState, info: StateInfo) => {
      const detail = info.error
        ? `: ${redact(info.error.message, secret)}`
        : info.delayMs !== undefined
          ? ` (attempt ${info.attempt}, in ${Math.round(info.delayMs)} ms)`
          : '';
      const line = `${label} ${state}${detail}`;
      if (state === 'failed') log.error(line);
      else if (state === 'reconnecting') log.warn(line);
      else log.info(line);
      opts.onPhase?.(state);
      if (state === 'online') wasOnline = true;
      if (state === 'closed' || state === 'failed') {
        this.entries.delete(session.id);
        if (state === 'failed' && wasOnline && info.error) this.failedLater.fire({ profile, error: info.error });
      }
      this.changed.fire();
    });
    session.on('subscription', (s) => {
      if (!s.ok) log.warn(`${label}: subscribe ${s.node} refused: ${redact(s.error ?? '', secret)}`);
    });
    session.on('warning', (w) => log.warn(`${label}: ${redact(w, secret)}`));
    const warning = resourceWarning(profile);
    if (warning) void vscode.window.showWarningMessage(warning);
    log.info(
      `connecting ${label} to ${profile.url}${profile.fingerprint ? ` (pinned certificate ${profile.fingerprint})` : ''}`,
    );
    this.changed.fire();

    const cancelled = opts.cancel?.onCancellationRequested(() => {
      log.info(`${label}: connect cancelled`);
      void session.stop();
    });
    try {
      await session.start();
      return session;
    } catch (e) {
      this.entries.delete(session.id);
      this.changed.fire();
      if (opts.cancel?.isCancellationRequested) throw new CancelledError();
      throw e;
    } finally {
      cancelled?.dispose();
    }
  }

  /** Stops one session (by id) or every session; resolves once they are stopped. */
  async disconnect(id?: string): Promise<number> {
    const targets = [...this.entries.values()].filter((e) => id === undefined || e.session.id === id);
    await Promise.all(targets.map((e) => e.session.stop()));
    for (const e of targets) this.entries.delete(e.session.id);
    if (targets.length) this.changed.fire();
    return targets.length;
  }

  override dispose(): void {
    void this.disconnect();
    super.dispose();
  }

  /** For deactivate(): the stop, awaited. */
  stopAll(): Promise<number> {
    return this.disconnect();
  }
}

/** The user cancelled a connect from the progress notification. */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor() {
    super('connect cancelled');
  }
}
