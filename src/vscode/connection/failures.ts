/**
 * Why a connect failed, in words a developer can act on, with the action that fixes it:
 * a refused login offers "Re-enter Password"; an untrusted lab certificate offers "Trust This
 * Certificate Fingerprint" (stored in the profile, then retried — never a silent
 * rejectUnauthorized:false); a changed pinned certificate says so and offers to trust the new
 * one; everything else offers "Retry". Notifications are never awaited by the commands, so a
 * test or script calling `finesse.connect` never hangs on one.
 */
import * as vscode from 'vscode';
import { redact } from '../../core/xmpp/sasl';
import type { Services } from '../services';
import { Profile, profileLabel } from './profiles';

type FailureKind = 'auth' | 'untrusted' | 'pin-mismatch' | 'other';

export interface Failure {
  kind: FailureKind;
  message: string;
  /** The certificate fingerprint the user may choose to trust. */
  fingerprint?: string;
}

const ACTIONS = {
  reenter: 'Re-enter Password',
  retry: 'Retry',
  trust: 'Trust This Certificate Fingerprint',
  trustNew: 'Trust the New Fingerprint',
  copy: 'Copy Fingerprint',
  log: 'Show Log',
} as const;

export interface FailureHandlers {
  retry(): void;
  reenterPassword?(): void;
  trustFingerprint?(fingerprint: string): void;
}

/** Classifies a session error (the classes are loaded with the session, so this costs nothing). */
export async function describeFailure(err: Error, profile: Profile, secrets: string[] = []): Promise<Failure> {
  const { AuthError } = await import('../../core/session/errors');
  const { UntrustedCertificateError, FingerprintMismatchError } = await import('../../core/session/tls');
  const label = profileLabel(profile);
  const cause = (err as { cause?: unknown }).cause;
  const e = cause instanceof FingerprintMismatchError || cause instanceof UntrustedCertificateError ? cause : err;
  if (e instanceof AuthError) {
    return {
      kind: 'auth',
      message: `Finesse: ${label} could not sign in — the server answered “${e.condition}”. Check the user name and password.`,
    };
  }
  if (e instanceof FingerprintMismatchError) {
    return {
      kind: 'pin-mismatch',
      fingerprint: e.actual,
      message: `Finesse: the certificate of ${profile.url} is not the pinned one (SHA-256 ${e.actual}, pinned ${e.expected}). Trust the new fingerprint only if the server really got a new certificate.`,
    };
  }
  if (e instanceof UntrustedCertificateError) {
    if (e.fingerprint && profile.fingerprint && profile.caFile && sameFingerprint(e.fingerprint, profile.fingerprint)) {
      // The approved certificate came back and was still refused: not a trust question any more.
      return {
        kind: 'other',
        message: `Finesse: ${e.server} presented the trusted certificate (SHA-256 ${e.fingerprint}) but it was refused: ${e.reason}. Its names must match the host in the URL (${new URL(profile.url).hostname}); connect by a name the certificate has.`,
      };
    }
    return e.fingerprint
      ? {
          kind: 'untrusted',
          fingerprint: e.fingerprint,
          message: `Finesse: the certificate of ${e.server} is not trusted (${e.reason}). Its SHA-256 fingerprint is ${e.fingerprint}; trust it only if it matches your Finesse server's certificate.`,
        }
      : {
          kind: 'other',
          message: `Finesse: the certificate of ${e.server} is not trusted (${e.reason}). Give the CA file in the profile's "caFile".`,
        };
  }
  return {
    kind: 'other',
    message: `Finesse: cannot connect ${label} to ${profile.url}: ${redact(e.message, secrets)}`,
  };
}

/** Shows the failure with its actions and runs the chosen one; returns at once. */
export function showFailure(services: Services, failure: Failure, handlers: FailureHandlers): void {
  const items: string[] = [];
  if (failure.kind === 'auth' && handlers.reenterPassword) items.push(ACTIONS.reenter);
  if (failure.kind === 'untrusted' && handlers.trustFingerprint) items.push(ACTIONS.trust, ACTIONS.copy);
  if (failure.kind === 'pin-mismatch' && handlers.trustFingerprint) items.push(ACTIONS.trustNew, ACTIONS.copy);
  items.push(ACTIONS.retry);
  if (failure.kind === 'other') items.push(ACTIONS.log);
  void vscode.window.showErrorMessage(failure.message, ...items).then((choice) => {
    switch (choice) {
      case ACTIONS.reenter:
        return handlers.reenterPassword?.();
      case ACTIONS.trust:
      case ACTIONS.trustNew:
        return failure.fingerprint && handlers.trustFingerprint?.(failure.fingerprint);
      case ACTIONS.copy:
        return failure.fingerprint && vscode.env.clipboard.writeText(failure.fingerprint);
      case ACTIONS.retry:
        return handlers.retry();
      case ACTIONS.log:
        return services.log.show(true);
    }
  });
}

function sameFingerprint(a: string, b: string): boolean {
  const hex = (s: string) => s.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex(a) === hex(b);
}
