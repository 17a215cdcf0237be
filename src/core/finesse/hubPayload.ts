/**
 * What Finesse puts on the gadget desktop's OpenAjax hub, read back from a hub frame's payload.
 * finesse.js's MasterPublisher relays every XMPP Update as `{content, object}`: `content` is the
 * node path (URI-encoded) followed at once by the Update XML, `object` the same Update converted
 * by xml2JsObj (gadgets read `object.Update.event`…). Requests on `finesse.info.requests` are
 * `{type, data, invokeID}` (ConnectionInfoReq, SubscribeNodeReq {node}…), the answers on
 * `finesse.info.responses.ID` carry `{error: {errorType, errorMessage}}` when they failed, and
 * connection info is `{status, resourceID}`.
 */
import { decodeUpdateText, type FinesseUpdate } from './update';
import { nodeLabel } from './nodes';

/**
 * The Update a relayed payload carries, decoded from `content` exactly as an XMPP notification's
 * Update is (update.ts): its text is what Finesse published, `object` only a conversion of it.
 * Undefined when the payload relays no XML Update (a request, connection info, a gadget's own).
 */
export function relayedUpdate(payload: unknown): FinesseUpdate | undefined {
  const content = field(payload, 'content');
  if (typeof content !== 'string') return undefined;
  const lt = content.indexOf('<');
  // The MasterPublisher drops an event without a node in front of the XML: no relay either.
  if (lt <= 0 || content[0] !== '/') return undefined;
  const xml = content.slice(lt);
  if (!/^<\s*update\b/i.test(xml)) return undefined;
  let node = content.slice(0, lt);
  try {
    node = decodeURI(node);
  } catch {
    // A bad escape is shown as sent.
  }
  return decodeUpdateText(xml, node);
}

/**
 * `SubscribeNodeReq Team 1 Users`, `connection connected`, `error · Not Found — …`: what the
 * frames list says of a payload that is not a relayed Update. `error` tells a failed answer.
 */
export function hubPayloadLabel(payload: unknown): { label: string; error?: boolean } | undefined {
  const error = field(payload, 'error');
  if (error && typeof error === 'object') {
    const type = field(error, 'errorType');
    const message = field(error, 'errorMessage');
    const text = [type, message].filter((s): s is string => typeof s === 'string' && s !== '').join(' — ');
    return { label: `error · ${text || 'no details'}`, error: true };
  }
  const type = field(payload, 'type');
  if (typeof type === 'string' && type) {
    const node = field(field(payload, 'data'), 'node');
    return { label: typeof node === 'string' && node ? `${type} ${nodeLabel(node)}` : type };
  }
  const status = field(payload, 'status');
  if (typeof status === 'string' && status) return { label: `connection ${status}` };
  return undefined;
}

function field(v: unknown, name: string): unknown {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[name] : undefined;
}
