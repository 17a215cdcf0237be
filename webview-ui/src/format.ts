/** Display formats for the list and the detail pane. */

const two = (n: number) => String(n).padStart(2, '0');

/** `14:03:07.512` (local time). */
export function formatTime(t: number): string {
  const d = new Date(t);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/**
 * A duration: `12.345 s`, `1:02.345` past a minute; `short` (gaps between rows) gives
 * `0.12 ms`, `15 ms` below a second.
 */
export function formatElapsed(ms: number, short = false): string {
  const neg = ms < 0 ? '−' : '';
  const a = Math.abs(ms);
  if (short && a < 1000) return `${neg}${+a.toFixed(a < 10 ? 2 : a < 100 ? 1 : 0)} ms`;
  if (a < 60_000) return `${neg}${(a / 1000).toFixed(3)} s`;
  const total = Math.floor(a / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = `${two(total % 60)}.${String(Math.floor(a % 1000)).padStart(3, '0')}`;
  return h ? `${neg}${h}:${two(m)}:${sec}` : `${neg}${m}:${sec}`;
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
  ['reordered', 'REORDERED', 'Forwarded out of order: a later frame of its session and direction went first'],
  ['replayed', 'REPLAYED', 'Replayed from a saved session'],
  ['afterClose', 'AFTER CLOSE', 'Arrived after the other side had gone away: recorded, not delivered'],
] as const;

/**
 * Characters that change how text reads without being seen: bidi overrides and isolates
 * (U+202E makes `gpj.exe` read `exe.jpg`), zero-width marks and joiners, the BOM, and C0/C1
 * controls other than tab, newline and carriage return. Wire text is shown with each of them
 * as a visible `\u202E`.
 */

const INVISIBLE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u2069\uFEFF]/g;

export function visibleControls(text: string): string {
  INVISIBLE.lastIndex = 0;
  if (!INVISIBLE.test(text)) return text;
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}
