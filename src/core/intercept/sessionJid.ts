/**
 * Who a session is, read from its own captured frames: the full JID the server bound
 * (RFC 6120 §7.6.3 bind result, server → client) and the domain the client opened the stream
 * to (RFC 7395 <open to=…>). Inject templates fill these in.
 */
import type { FrameStore } from '../capture/frameStore';

export interface SessionIdentity {
  jid?: string;
  domain?: string;
}

const BIND_JID = /<jid>([^<]+)<\/jid>/;
const OPEN_TO = /^\s*<open\b[^>]*\bto=(?:"([^"]*)"|'([^']*)')/;

export function sessionIdentity(store: FrameStore, session: string): SessionIdentity {
  const out: SessionIdentity = {};
  for (const frame of store) {
    if (frame.session !== session || frame.kind === 'binary') continue;
    if (!out.domain && frame.dir === 'out' && frame.kind === 'open') {
      const m = OPEN_TO.exec(frame.raw);
      if (m) out.domain = m[1] ?? m[2];
    }
    if (!out.jid && frame.dir === 'in' && frame.raw.includes('urn:ietf:params:xml:ns:xmpp-bind')) {
      const m = BIND_JID.exec(frame.raw);
      if (m) out.jid = m[1].trim();
    }
    if (out.jid && out.domain) break;
  }
  if (!out.domain && out.jid) out.domain = out.jid.replace(/^[^@]*@/, '').replace(/\/.*$/, '');
  return out;
}
