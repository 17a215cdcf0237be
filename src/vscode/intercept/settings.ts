/** The finesse.intercept.* settings, read and applied to an Interceptor. */
import * as vscode from 'vscode';
import type { BreakpointRule } from '../../core/intercept/breakpoints';
import type { Interceptor } from '../../core/intercept/interceptor';
import type { ReplaceRule } from '../../core/intercept/replace';

export const SECTION = 'finesse.intercept';
const DEFAULT_HOLD_TIMEOUT_SECONDS = 60;

export interface InterceptSettings {
  holdTimeoutMs: number;
  breakpoints: BreakpointRule[];
  replaceRules: ReplaceRule[];
}

export function readSettings(): InterceptSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const seconds = Number(c.get('holdTimeoutSeconds', DEFAULT_HOLD_TIMEOUT_SECONDS));
  return {
    holdTimeoutMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0,
    breakpoints: arrayOf<BreakpointRule>(c.get('breakpoints')),
    replaceRules: arrayOf<ReplaceRule>(c.get('replaceRules')),
  };
}

/** True when settings ask for intercept before any command is used (rules to apply at once). */
export function wantsInterceptor(s: InterceptSettings): boolean {
  return s.breakpoints.some((r) => r.enabled !== false) || s.replaceRules.some((r) => r.enabled !== false);
}

/** Applies settings; a bad rule is reported (the previous rules stay in force). */
export function applySettings(interceptor: Interceptor, s: InterceptSettings, report: (message: string) => void): void {
  interceptor.setHoldTimeout(s.holdTimeoutMs);
  try {
    interceptor.setBreakpoints(s.breakpoints);
  } catch (e) {
    report(`finesse.intercept.breakpoints: ${(e as Error).message}`);
  }
  try {
    interceptor.setReplaceRules(s.replaceRules);
  } catch (e) {
    report(`finesse.intercept.replaceRules: ${(e as Error).message}`);
  }
}

function arrayOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? value.filter((v): v is T => typeof v === 'object' && v !== null) : [];
}
