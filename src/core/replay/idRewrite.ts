/**
 * Makes recorded server frames fit the client being served: the recorded iq ids become the
 * ids this client chose, the recorded JID (user and resource) becomes the one this client
 * authenticated and bound (stanza attributes `id`, `to`, `from`, `jid` and the bind result's
 * <jid/>), and the recorded agent id becomes this client's wherever Finesse writes it: in node
 * names (`/finesse/api/User/ID…`) and in the escaped <Update> payload (its URIs and the
 * elements whose whole text is the id, e.g. <loginId>). A frame that needs no change is sent
 * byte for byte as recorded.
 */
import { parseXml, Element } from '../xmpp/xml';
import { BIND_NS } from '../xmpp/namespaces';

export interface Jid {
  local?: string;
  domain: string;
  resource?: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `/finesse/api/User/ID` followed by the end of the id (a path, a quote, markup or the end). */
function userNode(id: string): RegExp {
  return new RegExp(`(/finesse/api/User/)${escapeRegExp(id)}(?=[/"'&<\\s]|$)`, 'g');
}

export function parseJid(text: string): Jid | undefined {
  const m = /^(?:([^@/]+)@)?([^@/]+)(?:\/(.+))?$/.exec(text.trim());
  if (!m) return undefined;
  const jid: Jid = { domain: m[2] };
  if (m[1]) jid.local = m[1];
  if (m[3]) jid.resource = m[3];
  return jid;
}

function bare(jid: Jid): string {
  return jid.local ? `${jid.local}@${jid.domain}` : jid.domain;
}

function full(jid: Jid): string {
  return jid.resource ? `${bare(jid)}/${jid.resource}` : bare(jid);
}

const JID_ATTRS = ['to', 'from', 'jid'];

export class IdRewriter {
  /** The JID the recording was bound to. */
  private readonly recorded: Jid | undefined;
  /** Recorded iq id → this client's id, per answered request. */
  private readonly ids = new Map<string, string>();
  clientUser: string | undefined;
  clientResource: string | undefined;
  /** The agent id node names and Updates should carry; the client's login when unset. */
  agentId: string | undefined;

  constructor(recordedJid?: string) {
    this.recorded = recordedJid ? parseJid(recordedJid) : undefined;
  }

  /** This client's full JID as the replay binds it (recorded one where the client said nothing). */
  get clientJid(): string | undefined {
    if (!this.recorded) return undefined;
    return full({
      domain: this.recorded.domain,
      local: this.clientUser ?? this.recorded.local,
      resource: this.clientResource ?? this.recorded.resource,
    });
  }

  mapId(recordedId: string, clientId: string): void {
    this.ids.set(recordedId, clientId);
  }

  /** The recorded agent id (the recorded JID's localpart). */
  get recordedAgent(): string | undefined {
    return this.recorded?.local;
  }

  /** The agent id this client is served as. */
  get clientAgent(): string | undefined {
    return this.agentId ?? this.clientUser ?? this.recorded?.local;
  }

  /** The recorded frame as this client should receive it. */
  rewrite(raw: string): string {
    return this.rewriteAgent(this.rewriteStanza(raw));
  }

  /** A node name this client used, as the recording spells it (to match its requests). */
  toRecordedNode(node: string): string {
    const rec = this.recordedAgent;
    const mine = this.clientAgent;
    if (!rec || !mine || rec === mine) return node;
    return node.replace(userNode(mine), (_m, prefix: string) => `${prefix}${rec}`);
  }

  /** The recorded agent id → this client's, in node names and Update payloads. */
  private rewriteAgent(raw: string): string {
    const rec = this.recordedAgent;
    const mine = this.clientAgent;
    if (!rec || !mine || rec === mine || !raw.includes(rec)) return raw;
    const esc = escapeRegExp(rec);
    return raw
      .replace(userNode(rec), (_m, prefix: string) => `${prefix}${mine}`)
      .replace(
        new RegExp(`(&gt;|>)${esc}(&lt;|<)`, 'g'),
        (_m, open: string, close: string) => `${open}${mine}${close}`,
      );
  }

  private rewriteStanza(raw: string): string {
    const rec = this.recorded;
    const jidChanges = rec && this.clientJid !== full(rec);
    const recBare = rec ? bare(rec) : '';
    if (!jidChanges && !this.ids.size) return raw;
    if (!(jidChanges && raw.includes(recBare)) && ![...this.ids.keys()].some((id) => raw.includes(id))) return raw;
    const parsed = parseXml(raw);
    if (!parsed.ok) return raw;
    const el = parsed.element;
    let changed = false;
    if (el.name === 'iq' && (el.attrs.type === 'result' || el.attrs.type === 'error')) {
      const mapped = this.ids.get(el.attrs.id);
      if (mapped !== undefined && mapped !== el.attrs.id) {
        el.attrs.id = mapped;
        changed = true;
      }
    }
    if (jidChanges) {
      changed = this.rewriteJids(el) || changed;
      const jidEl = el.getChild('bind', BIND_NS)?.getChild('jid');
      if (jidEl) {
        const text = jidEl.getText();
        const next = this.mapJid(text);
        if (next !== text) {
          jidEl.children = [next];
          changed = true;
        }
      }
    }
    return changed ? el.toString() : raw;
  }

  /** A recorded JID → this client's (full, bare, or the same bare with another resource). */
  mapJid(value: string): string {
    const rec = this.recorded;
    const client = this.clientJid;
    if (!rec || !client) return value;
    const clientJid = parseJid(client) as Jid;
    if (value === full(rec)) return client;
    if (value === bare(rec)) return bare(clientJid);
    if (value.startsWith(`${bare(rec)}/`)) return `${bare(clientJid)}${value.slice(bare(rec).length)}`;
    return value;
  }

  private rewriteJids(el: Element): boolean {
    let changed = false;
    for (const attr of JID_ATTRS) {
      const v = el.attrs[attr];
      if (typeof v === 'string') {
        const next = this.mapJid(v);
        if (next !== v) {
          el.attrs[attr] = next;
          changed = true;
        }
      }
    }
    for (const child of el.getChildElements()) changed = this.rewriteJids(child) || changed;
    return changed;
  }
}
