/** Display formats for the list and the detail pane. */

const two = (n: number) => String(n).padStart(2, '0');

/** `14:03:07.512` (local time). */
export function formatTime(t: number): string {
  const d = new Date(t);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const grouped = new Intl.NumberFormat('en-US');
export function formatCount(n: number): string {
  return grouped.format(n);
}

export const DIR_ARROW = { out: '→', in: '←' } as const;
export const DIR_TITLE = { out: 'client → server', in: 'server → client' } as const;

/** Short badges for frame flags, in display order. */
export const FLAG_BADGES = [
  ['malformed', 'ERR', 'Malformed: not a single well-formed XML element'],
  ['held', 'HELD', 'Held by intercept'],
  ['edited', 'EDITED', 'Edited before forwarding'],
  ['injected', 'INJECTED', 'Injected, not sent by the peer'],
  ['dropped', 'DROPPED', 'Dropped by intercept'],
  ['replayed', 'REPLAYED', 'Replayed from a saved session'],
  ['afterClose', 'AFTER CLOSE', 'Arrived after the other side had gone away: recorded, not delivered'],
] as const;
