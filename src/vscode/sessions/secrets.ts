/**
 * What must never reach a saved or exported file besides credentials (SASL payloads and
 * Authorization headers, which the writer always redacts where they travel): the strings the
 * user listed in `finesse.sessions.redact` (tokens, customer data). Profile passwords are not
 * replaced everywhere they occur: the demo login agent1/agent1 would turn every JID into
 * `[redacted]` and break replay; the redaction ignores listed strings shorter than 8 characters
 * for the same reason (core/xmpp/sasl.ts).
 */
import * as vscode from 'vscode';
import type { Services } from '../services';

export async function configuredSecrets(_services: Services): Promise<string[]> {
  const extra = vscode.workspace.getConfiguration('finesse').get<unknown[]>('sessions.redact') ?? [];
  return [
    ...new Set<string>(
      (Array.isArray(extra) ? extra : []).filter((s): s is string => typeof s === 'string' && s.length > 0),
    ),
  ];
}
