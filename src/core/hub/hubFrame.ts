/**
 * A hub frame: one publish on the gadget desktop's OpenAjax hub, as the desktop relayed it. The
 * desktop's master publisher (an Update from XMPP, connection info, container services) and every
 * gadget publish through the same hub; each publish is captured once, with the receivers it was
 * delivered to, as a frame of kind `hub` whose `raw` is this record as JSON. Direction: `in` when
 * the desktop published (towards the gadgets, like an XMPP Update), `out` when a gadget did.
 * Holding a hub frame (pause, breakpoint) holds its delivery to every receiver; an edit replaces
 * `payload`.
 */

export interface HubMessage {
  /** The OpenAjax topic, e.g. `finesse.api.User.1001.Dialogs`. */
  topic: string;
  /** Who published: `desktop`, or the gadget as `GADGET_ID` (its module id) plus ` TITLE`. */
  from: string;
  /** The gadgets it was delivered to (same form as `from`); empty when no one subscribed. */
  to: string[];
  /** The data published, as the subscribers received it (for an Update: `{content, object}`). */
  payload: unknown;
  /** The id of the XMPP frame (the Update stanza) this publish relays, when it relays one. */
  causedBy?: number;
}

/** The text of a hub frame: stable key order, so saved sessions diff cleanly. */
export function formatHubFrame(m: HubMessage): string {
  const record: Record<string, unknown> = { topic: m.topic, from: m.from, to: m.to, payload: m.payload };
  if (m.causedBy !== undefined) record.causedBy = m.causedBy;
  return JSON.stringify(record);
}

/** Reads a hub frame's text back; undefined when it is not one (an edit that broke the JSON). */
export function parseHubFrame(raw: string): HubMessage | undefined {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.topic !== 'string' || typeof o.from !== 'string' || !Array.isArray(o.to)) return undefined;
  return {
    topic: o.topic,
    from: o.from,
    to: o.to.filter((x): x is string => typeof x === 'string'),
    payload: o.payload,
    causedBy: typeof o.causedBy === 'number' ? o.causedBy : undefined,
  };
}
