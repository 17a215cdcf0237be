/**
 * A hub frame names the XMPP frame it relays by id (`causedBy` in its record, core/hub/hubFrame.ts),
 * as a REST response names its request (`answers`). Frames put into another store (a session
 * file opened, a HAR imported) get that store's ids, so the link is renumbered with them; a link
 * to a frame that did not come along is dropped rather than left pointing at a stranger. The
 * relayed frame is always captured first (its id is what the hub frame names), so it is there
 * by the time its hub frame is renumbered.
 */
import { formatHubFrame, parseHubFrame } from '../hub/hubFrame';

/** `raw` with its causedBy renumbered by `newId` (undefined: the frame is not there, the link goes). */
export function relinkHubCause(raw: string, newId: (old: number) => number | undefined): string {
  const record = parseHubFrame(raw);
  if (record?.causedBy === undefined) return raw;
  const id = newId(record.causedBy);
  if (id === record.causedBy) return raw;
  if (id === undefined) delete record.causedBy;
  else record.causedBy = id;
  return formatHubFrame(record);
}
