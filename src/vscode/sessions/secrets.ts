/**
 * What must never reach a saved or exported file besides SASL payloads (which the writer always
 * redacts): the passwords of the connection profiles (from SecretStorage, never from settings)
 * and any strings the user listed in `finesse.sessions.redact` (tokens, customer data).
 */
import * as vscode from 'vscode';
import { readProfiles, secretKey } from '../connection/profiles';
import type { Services } from '../services';

export async function configuredSecrets(services: Services): Promise<string[]> {
  const extra = vscode.workspace.getConfiguration('finesse').get<unknown[]>('sessions.redact') ?? [];
  const out = new Set<string>((Array.isArray(extra) ? extra : []).filter((s): s is string => typeof s === 'string' && s.length > 0));
  for (const profile of readProfiles()) {
    const password = await services.context.secrets.get(secretKey(profile));
    if (password) out.add(password);
  }
  return [...out];
}
