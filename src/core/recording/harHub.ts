/**
 * Hub frames (kind `hub`: publishes on the gadget desktop's OpenAjax hub) in a HAR. They are
 * neither WebSocket messages nor HTTP exchanges, so they travel in a custom field of the log,
 * which HAR viewers ignore and the log's `comment` mentions:
 *   log._finesseHubFrames: [{type: "send"|"receive", time: <epoch seconds, float>, data}]
 * `data` is the hub record (redacted like every message); `send` is a gadget's publish (dir out),
 * `receive` the desktop's. A record's `causedBy` names a frame id: the WebSocket message of that
 * frame carries `_frameId`, so an import links the hub frame to the frame that message becomes.
 */
import type { Frame } from '../capture/frame';
import type { SessionInfo } from '../capture/frameStore';
import { parseHubFrame } from '../hub/hubFrame';
import { redact } from '../xmpp/sasl';
import type { Har } from './har';
import { relinkHubCause } from './hubLinks';

export interface HarHubFrame {
  type: 'send' | 'receive';
  time: number;
  data: string;
}

/** The log field and the sentence its comment says. */
export const HUB_FIELD = '_finesseHubFrames';
export const hubComment = (n: number) =>
  `${n} hub frame${n === 1 ? '' : 's'} of the gadget desktop (OpenAjax hub publishes) in log.${HUB_FIELD}`;

export function hubMessage(f: Frame, secrets: string[] = []): HarHubFrame {
  return { type: f.dir === 'out' ? 'send' : 'receive', time: f.t / 1000, data: redact(f.raw, secrets) };
}

/** The frame ids the hub frames name as the XMPP frame they relay: their messages keep `_frameId`. */
export function hubCauses(hub: readonly Frame[]): Set<number> {
  const ids = new Set<number>();
  for (const f of hub) {
    const causedBy = parseHubFrame(f.raw)?.causedBy;
    if (causedBy !== undefined) ids.add(causedBy);
  }
  return ids;
}

export interface HubImport {
  frames: Frame[];
  session?: SessionInfo;
  warnings: { message: number; text: string }[];
}

/**
 * The HAR's hub frames as frames of session `session` with provisional ids from `firstId`;
 * `provisional` gives the provisional id of the frame a record names (by the `_frameId` of its
 * WebSocket message), and a record naming none that was imported loses its link.
 */
export function hubFramesOf(
  har: Har,
  session: SessionInfo,
  firstId: number,
  provisional: (old: number) => number | undefined,
): HubImport {
  const list: unknown = (har.log as Record<string, unknown>)[HUB_FIELD];
  const out: HubImport = { frames: [], warnings: [] };
  if (!Array.isArray(list)) return out;
  list.forEach((m: unknown, i: number) => {
    const problem = hubProblem(m);
    if (problem) {
      out.warnings.push({ message: i, text: `hub frame: ${problem}` });
      return;
    }
    const msg = m as HarHubFrame;
    out.frames.push({
      id: firstId + out.frames.length,
      session: session.id,
      dir: msg.type === 'send' ? 'out' : 'in',
      t: msg.time * 1000,
      kind: 'hub',
      raw: relinkHubCause(msg.data, provisional),
      bytes: Buffer.byteLength(msg.data),
      flags: {},
    });
  });
  if (out.frames.length) out.session = { ...session, started: out.frames[0].t };
  return out;
}

function hubProblem(m: unknown): string | undefined {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return 'not an object';
  const v = m as Record<string, unknown>;
  if (v.type !== 'send' && v.type !== 'receive') return `unknown type ${JSON.stringify(v.type)}`;
  if (typeof v.time !== 'number' || !Number.isFinite(v.time)) return 'time is not a number';
  if (typeof v.data !== 'string') return 'data is not a string';
  return undefined;
}
