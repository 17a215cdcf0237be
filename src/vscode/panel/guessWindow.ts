/**
 * `finesse.correlation.guessWindowMs`: how long after a REST call without requestId an Update on
 * the same resource may still be offered as its likely cause. Read when a frames view or a
 * timeline opens; out-of-range values fall back to the bounds the Correlator keeps.
 */
import * as vscode from 'vscode';
import { DEFAULT_GUESS_WINDOW_MS } from '../../core/finesse/correlation';

export function guessWindowMs(): number {
  const ms = vscode.workspace
    .getConfiguration('finesse')
    .get<number>('correlation.guessWindowMs', DEFAULT_GUESS_WINDOW_MS);
  return typeof ms === 'number' && Number.isFinite(ms) ? ms : DEFAULT_GUESS_WINDOW_MS;
}
