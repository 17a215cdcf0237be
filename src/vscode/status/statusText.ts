/** The status bar text: one state word for all sessions, the frame count, running proxies. */
import type { SessionState } from '../../core/session/finesseSession';

/** Which state the one-word summary shows when several sessions run: the best one. */
const RANK: SessionState[] = [
  'online',
  'reconnecting',
  'subscribing',
  'binding',
  'authenticating',
  'connecting',
  'idle',
  'closed',
  'failed',
];

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
  const proxy = proxies ? `$(radio-tower) ${proxies} prox${proxies === 1 ? 'y' : 'ies'}` : '';
  const count = `${frames} frame${frames === 1 ? '' : 's'}`;
  // No session of our own but a proxy capturing: "disconnected" would read as "nothing runs".
  if (state === 'disconnected' && proxies)
    return `$(radio-tower) Finesse: proxying · ${count} · ${proxies} prox${proxies === 1 ? 'y' : 'ies'}`;
  const icon = state === 'disconnected' ? '$(debug-disconnect)' : (ICON[state] ?? '$(debug-disconnect)');
  const online = states.filter((s) => s === 'online').length;
  let word: string = state === 'online' && online > 1 ? `online (${online})` : state;
  // Several sessions in different states: say each, not only the best one.
  const others = [...new Set(states.filter((s) => s !== state))];
  if (others.length) word += `, ${others.join(', ')}`;
  return `${icon} Finesse: ${word} · ${count}${proxy ? ` · ${proxy}` : ''}`;
}
