/**
 * Reconnect delays: exponential from `initialMs`, capped at `maxMs`, with "equal jitter" (half
 * fixed, half random) so that many clients dropped by one server restart do not all come back
 * in the same millisecond, while none retries sooner than half its step.
 */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
}

export const DEFAULT_INITIAL_MS = 1000;
export const DEFAULT_MAX_MS = 30_000;

/** Delay before reconnect attempt `attempt` (1 = the first). `random` returns [0, 1). */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = Math.max(1, opts.initialMs ?? DEFAULT_INITIAL_MS);
  const max = Math.max(initial, opts.maxMs ?? DEFAULT_MAX_MS);
  const step = Math.min(max, initial * 2 ** Math.min(Math.max(attempt, 1) - 1, 30));
  return Math.round(step / 2 + (random() * step) / 2);
}
