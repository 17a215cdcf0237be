/**
 * `finesse.correlation.guessWindowMs`: how long after a REST call without requestId an Update on
 * the same resource may still be offered as its likely cause. Read when a frames view or a
 * timeline opens; out-of-range values fall back to the bounds the Correlator keeps.
 */
import * as vscode from 'vscode';
import { DEFAULT_GUESS_WINDOW_MS, DEFAULT_REQUEST_ID_WINDOW_MS } from '../../core/finesse/correlation';

export function guessWindowMs(): number {
  const ms = vscode.workspace
    .getConfiguration('finesse')
    .get<number>('correlation.guessWindowMs', DEFAULT_GUESS_WINDOW_MS);
  return typeof ms === 'number' && Number.isFinite(ms) ? ms : DEFAULT_GUESS_WINDOW_MS;
}

/**
 * `finesse.correlation.requestIdWindowMs`: how long after a REST call an Update echoing its
 * requestId is still linked to it (a requestId reused later names a later call).
 */
export function requestIdWindowMs(): number {
  const ms = vscode.workspace
    .getConfiguration('finesse')
    .get<number>('correlation.requestIdWindowMs', DEFAULT_REQUEST_ID_WINDOW_MS);
  return typeof ms === 'number' && Number.isFinite(ms) ? ms : DEFAULT_REQUEST_ID_WINDOW_MS;
}
