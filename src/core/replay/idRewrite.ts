/**
 * Makes recorded server frames fit the client being served: the recorded iq ids become the
 * ids this client chose, and the recorded JID (user and resource) becomes the one this client
 * authenticated and bound. Only stanza attributes (`id`, `to`, `from`, `jid`) and the bind
 * result's <jid/> change; text content (the escaped Finesse <Update>) is never touched. A frame
 * that needs no change is sent byte for byte as recorded.
 */
import { parseXml, Element } from '../xmpp/xml';
import { BIND_NS } from '../xmpp/namespaces';

export interface Jid {
  local?: string;
  domain: string;
  resource?: string;
}

export function parseJid(text: string): Jid | undefined {
  const m = /^(?:([^@/]+)@)?([^@/]+)(?:\/(.+))?$/.exec(text.trim());
  if (!m) return undefined;
  const jid: Jid = { domain: m[2] };
  if (m[1]) jid.local = m[1];
  if (m[3]) jid.resource = m[3];
  return jid;
}

export function bare(jid: Jid): string {
  return jid.local ? `${jid.local}@${jid.domain}` : jid.domain;
}

export function full(jid: Jid): string {
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

  constructor(recordedJid?: string) {
    this.recorded = recordedJid ? parseJid(recordedJid) : undefined;
  }

  /** This client's full JID as the replay binds it (recorded one where the client said nothing). */
  get clientJid(): string | undefined {
    if (!this.recorded) return undefined;
    return full({ domain: this.recorded.domain, local: this.clientUser ?? this.recorded.local, resource: this.clientResource ?? this.recorded.resource });
  }

  mapId(recordedId: string, clientId: string): void {
    this.ids.set(recordedId, clientId);
  }

  /** The recorded frame as this client should receive it. */
  rewrite(raw: string): string {
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
