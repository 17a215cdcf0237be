/**
 * Protocol rules a schema cannot say (or cannot say clearly): RFC 6120 stanza semantics,
 * RFC 7395 framing, XEP-0060 requests. Each rule has a stable code and one precise message that
 * cites where the rule comes from.
 */
import { bareJid } from '../xmpp/jid';
import { attrRange, Finding, nameRange } from './finding';
import { walk, XElement } from './tree';
import { CLIENT_NS, FRAMING_NS, PUBSUB_NS, SERVER_NS, STANZAS_NS } from '../xmpp/namespaces';
export { CLIENT_NS, FRAMING_NS, PUBSUB_NS };

const STANZAS = new Set(['message', 'presence', 'iq']);

/** True for message/presence/iq in the client or server namespace, or in none (checked below). */
export function isStanza(el: XElement): boolean {
  return STANZAS.has(el.local) && !el.prefix && (el.ns === CLIENT_NS || el.ns === SERVER_NS || el.ns === '');
}

export function protocolRules(root: XElement): Finding[] {
  const out: Finding[] = [];
  if (isStanza(root)) stanzaRules(root, out);
  for (const el of walk(root)) if (el.local === 'pubsub' && el.ns === PUBSUB_NS) pubsubRules(el, out);
  return out;
}

function stanzaRules(stanza: XElement, out: Finding[]): void {
  const type = stanza.attrs.type;
  if (stanza.ns === '') {
    out.push({
      severity: 'warning',
      source: 'rfc7395',
      code: 'stanza-namespace',
      message: `RFC 7395 §3.3.3: <${stanza.local}/> has no xmlns; every stanza in a WebSocket frame must be qualified by xmlns="jabber:client"`,
      range: nameRange(stanza),
    });
  }
  for (const attr of ['from', 'to'] as const) {
    const jid = stanza.attrs[attr];
    if (jid !== undefined && !isJid(jid)) {
      out.push({
        severity: 'error',
        source: 'rfc6120',
        code: 'jid-malformed',
        message: `RFC 6120 §8.1.1: '${attr}' is not a valid JID: "${jid}"`,
        range: attrRange(stanza, attr),
      });
    }
  }
  const children = stanza.children;
  const errors = children.filter((c) => c.local === 'error' && c.ns === stanza.ns);
  if (type === 'error' && errors.length === 0) {
    out.push({
      severity: 'error',
      source: 'rfc6120',
      code: 'error-child-missing',
      message: `RFC 6120 §8.3.1: a <${stanza.local}/> of type "error" must contain an <error/> child`,
      range: nameRange(stanza),
    });
  }
  if (type !== 'error') {
    for (const e of errors) {
      out.push({
        severity: 'error',
        source: 'rfc6120',
        code: 'error-child-unexpected',
        message: `RFC 6120 §8.3.1: <error/> is only allowed in a stanza of type "error" (this one is ${type ? `"${type}"` : 'untyped'})`,
        range: nameRange(e),
      });
    }
  }
  if (errors.length > 1) {
    out.push({
      severity: 'error',
      source: 'rfc6120',
      code: 'error-child-multiple',
      message: 'RFC 6120 §8.3.1: a stanza carries at most one <error/> child',
      range: nameRange(errors[1]),
    });
  }
  for (const e of errors) errorConditionRule(e, out);
  if (stanza.local === 'iq') iqRules(stanza, out);
}

function iqRules(iq: XElement, out: Finding[]): void {
  const type = iq.attrs.type;
  if (iq.attrs.id === undefined || iq.attrs.id === '') {
    out.push({
      severity: 'error',
      source: 'rfc6120',
      code: 'iq-id',
      message: 'RFC 6120 §8.2.3: an <iq/> must have an id attribute (the response echoes it)',
      range: nameRange(iq),
    });
  }
  const payload = iq.children.filter((c) => !(c.local === 'error' && c.ns === iq.ns));
  if (type === 'get' || type === 'set') {
    if (payload.length !== 1) {
      out.push({
        severity: 'error',
        source: 'rfc6120',
        code: 'iq-child-count',
        message: `RFC 6120 §8.2.3: an <iq/> of type "${type}" must contain exactly one child element (found ${payload.length})`,
        range: nameRange(payload[1] ?? iq),
      });
    }
  } else if (type === 'result' && payload.length > 1) {
    out.push({
      severity: 'error',
      source: 'rfc6120',
      code: 'iq-result-children',
      message: `RFC 6120 §8.2.3: an <iq/> of type "result" contains zero or one child element (found ${payload.length})`,
      range: nameRange(payload[1]),
    });
  }
}

function errorConditionRule(error: XElement, out: Finding[]): void {
  const conditions = error.children.filter((c) => c.ns === STANZAS_NS && c.local !== 'text');
  if (conditions.length !== 1) {
    out.push({
      severity: 'error',
      source: 'rfc6120',
      code: 'error-condition',
      message: `RFC 6120 §8.3.2: an <error/> must contain exactly one defined condition in ${STANZAS_NS} (found ${conditions.length})`,
      range: nameRange(conditions[1] ?? error),
    });
  }
}

/** Requests that change state are sent with type "set", queries with "get" (XEP-0060 §§5–8). */
const SET_ACTIONS = new Set(['subscribe', 'unsubscribe', 'publish', 'create', 'retract', 'purge', 'delete']);
const GET_ACTIONS = new Set(['items', 'subscriptions', 'affiliations', 'default']);

function pubsubRules(pubsub: XElement, out: Finding[]): void {
  const iq = pubsub.parent && pubsub.parent.local === 'iq' ? pubsub.parent : undefined;
  const type = iq?.attrs.type;
  const request = type === 'get' || type === 'set';
  for (const action of pubsub.children) {
    if (action.ns !== PUBSUB_NS) continue;
    if (request && SET_ACTIONS.has(action.local) && type !== 'set') {
      out.push({
        severity: 'error',
        source: 'xep0060',
        code: 'pubsub-iq-type',
        message: `XEP-0060: <${action.local}/> is sent in an <iq/> of type "set", not "${type}"`,
        range: iq ? attrRange(iq, 'type') : nameRange(action),
      });
    }
    if (request && GET_ACTIONS.has(action.local) && type !== 'get') {
      out.push({
        severity: 'error',
        source: 'xep0060',
        code: 'pubsub-iq-type',
        message: `XEP-0060: <${action.local}/> is requested with an <iq/> of type "get", not "${type}"`,
        range: iq ? attrRange(iq, 'type') : nameRange(action),
      });
    }
    if (type === 'set' && (action.local === 'subscribe' || action.local === 'unsubscribe'))
      subscriptionRules(action, iq as XElement, out);
  }
  if (iq && type === 'set' && iq.attrs.to === undefined) {
    out.push({
      severity: 'warning',
      source: 'xep0060',
      code: 'pubsub-to',
      message:
        "XEP-0060: a pubsub request without 'to' goes to the account's own PEP service; Finesse's nodes live on the pubsub service (pubsub.DOMAIN)",
      range: nameRange(iq),
    });
  }
}

function subscriptionRules(action: XElement, iq: XElement, out: Finding[]): void {
  const section = action.local === 'subscribe' ? '§6.1' : '§6.2';
  if (!action.attrs.node) {
    out.push({
      severity: 'error',
      source: 'xep0060',
      code: `${action.local}-node`,
      message: `XEP-0060 ${section}: <${action.local}/> needs a node attribute (the node, e.g. /finesse/api/Team/{id}/Users)`,
      range: nameRange(action),
    });
  }
  const jid = action.attrs.jid;
  if (!jid) {
    out.push({
      severity: 'error',
      source: 'xep0060',
      code: `${action.local}-jid`,
      message: `XEP-0060 ${section}: <${action.local}/> needs a jid attribute (the subscriber's JID)`,
      range: nameRange(action),
    });
  } else if (!isJid(jid)) {
    out.push({
      severity: 'error',
      source: 'xep0060',
      code: 'jid-malformed',
      message: `XEP-0060 ${section}: jid is not a valid JID: "${jid}"`,
      range: attrRange(action, 'jid'),
    });
  } else if (iq.attrs.from && isJid(iq.attrs.from) && bareJid(jid) !== bareJid(iq.attrs.from)) {
    out.push({
      severity: 'warning',
      source: 'xep0060',
      code: 'subscribe-jid-mismatch',
      message: `XEP-0060 §6.1.3.1: the service refuses (jid-mismatch) a jid whose bare JID differs from the sender's (${bareJid(iq.attrs.from)})`,
      range: attrRange(action, 'jid'),
    });
  }
}

const JID = /^(?:([^@/\s"&'<>:]{1,1023})@)?([^@/\s]{1,1023})(?:\/(.{1,1023}))?$/s;

/** RFC 7622 shape only (localpart@domainpart/resourcepart); no stringprep. */
function isJid(s: string): boolean {
  const m = JID.exec(s);
  return !!m && !m[2].startsWith('.') && !m[2].endsWith('..');
}
