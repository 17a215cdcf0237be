/**
 * Hub frames (kind `hub`) as the gadget desktop captures them, for tests of the views that read
 * them: the record's text from formatHubFrame(), an Update relayed as finesse.js's
 * MasterPublisher relays it (`{content: NODE + UpdateXml, object}`).
 */
import { formatHubFrame, type HubMessage } from '../../src/core/hub/hubFrame';

/** The hub topic of a node: its path without the leading `/`, `/` → `.` (finesse.js Topics). */
function topicOf(node: string): string {
  return node.replace(/^\//, '').split('/').join('.');
}

/**
 * The record of a relayed Update. `object` stands for xml2JsObj's conversion: the views read the
 * Update from `content`, as the MasterPublisher made both from it.
 */
export function relayedUpdate(
  node: string,
  updateXml: string,
  opts: { to?: string[]; causedBy?: number } = {},
): string {
  const event = /<event>([^<]*)<\/event>/.exec(updateXml)?.[1];
  const m: HubMessage = {
    topic: topicOf(node),
    from: 'desktop',
    to: opts.to ?? ['1 Sample Gadget', '2 Team Gadget'],
    payload: { content: node + updateXml, object: { Update: { event, source: node } } },
  };
  if (opts.causedBy !== undefined) m.causedBy = opts.causedBy;
  return formatHubFrame(m);
}

/** The record of a publish that relays nothing (a gadget's own topic, a request). */
export function hubPublish(topic: string, from: string, to: string[], payload: unknown): string {
  return formatHubFrame({ topic, from, to, payload });
}
