/**
 * finesse.js's client logging: `finesse.cslogger.ClientLogger.log(text)` publishes its line on
 * the hub topic `finesse.clientLogging.GADGETID` (and writes it to the console first). The
 * desktop reports every hub publish as a `hub` frame; this turns those of the logging topic into
 * log lines of the gadget that published them.
 */
import type { Frame } from '../../core/capture/frame';
import { parseHubFrame } from '../../core/hub/hubFrame';
import type { GadgetLogLine } from './gadgetLog';

const TOPIC = 'finesse.clientLogging.';

export function clientLogLine(frame: Pick<Frame, 'raw'>): GadgetLogLine | undefined {
  // The topic is near the start of the record: most hub frames are Updates, never parsed here.
  if (!frame.raw.includes(`"${TOPIC}`)) return undefined;
  const hub = parseHubFrame(frame.raw);
  if (!hub?.topic.startsWith(TOPIC)) return undefined;
  // `from` is "MID TITLE" for a gadget, "desktop" for the desktop itself.
  const space = hub.from.indexOf(' ');
  const mid = space < 0 ? hub.from : hub.from.slice(0, space);
  const title = space < 0 ? hub.from : hub.from.slice(space + 1);
  const text = typeof hub.payload === 'string' ? hub.payload : JSON.stringify(hub.payload ?? null);
  return { mid, title, level: 'info', text, via: 'clientLogging' };
}
