/** The status bar text: one state word for all sessions, the frame count, running proxies. */
import type { SessionState } from '../../core/session/finesseSession';

/** Which state the one-word summary shows when several sessions run: the best one. */
const RANK: SessionState[] = ['online', 'reconnecting', 'subscribing', 'binding', 'authenticating', 'connecting', 'idle', 'closed', 'failed'];

const ICON: Partial<Record<SessionState, string>> = {
  online: '$(plug)',
  reconnecting: '$(sync~spin)',
  subscribing: '$(sync~spin)',
  binding: '$(sync~spin)',
  authenticating: '$(sync~spin)',
  connecting: '$(sync~spin)',
};

export function summaryState(states: SessionState[]): SessionState | 'disconnected' {
  if (!states.length) return 'disconnected';
  return [...states].sort((a, b) => RANK.indexOf(a) - RANK.indexOf(b))[0];
}

export function statusText(states: SessionState[], frames: number, proxies: number): string {
  const state = summaryState(states);
  const icon = state === 'disconnected' ? '$(debug-disconnect)' : (ICON[state] ?? '$(debug-disconnect)');
  const online = states.filter((s) => s === 'online').length;
  const word = state === 'online' && online > 1 ? `online (${online})` : state;
  const proxy = proxies ? ` · $(radio-tower) ${proxies} prox${proxies === 1 ? 'y' : 'ies'}` : '';
  return `${icon} Finesse: ${word} · ${frames} frame${frames === 1 ? '' : 's'}${proxy}`;
}
