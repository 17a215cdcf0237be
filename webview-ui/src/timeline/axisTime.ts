/**
 * The axis' tick labels in the locale's own clock. d3's default time format mixes a 12-hour
 * "12:55" without AM/PM with "01 AM" at the hour; here every tick of one axis has the same form,
 * the one Intl gives the locale: 24-hour where the locale uses it ("00:55", "01:00"), else its
 * 12-hour form with the day period on every tick ("12:55 AM", "1:00 AM"). The fields follow the
 * spacing of the ticks (seconds when they are seconds apart, milliseconds below that), and a
 * tick at midnight names the day when the ticks are hours or less apart.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

/** The locale's hour cycle, from Intl (h24's "24:00" read as h23's "00:00"). */
function hourCycleOf(locale: string | undefined): 'h11' | 'h12' | 'h23' {
  const cycle = new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hourCycle;
  return cycle === 'h11' || cycle === 'h12' ? cycle : 'h23';
}

/** A formatter for these ticks (in order): one clock form for all, fields by their spacing. */
export function tickFormat(ticks: Date[], locale?: string): (d: Date) => string {
  const step = ticks.length > 1 ? ticks[1].getTime() - ticks[0].getTime() : MINUTE;
  const hourCycle = hourCycleOf(locale);
  const time = new Intl.DateTimeFormat(locale, {
    hour: hourCycle === 'h23' ? '2-digit' : 'numeric',
    minute: '2-digit',
    ...(step < MINUTE ? { second: '2-digit' } : {}),
    ...(step < SECOND ? { fractionalSecondDigits: 3 } : {}),
    hourCycle,
  });
  const date = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' });
  const atMidnight = (d: Date) => d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0;
  return (d) => (step >= DAY || (step >= MINUTE && atMidnight(d)) ? date.format(d) : time.format(d));
}
