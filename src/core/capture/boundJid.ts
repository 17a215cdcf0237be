/**
 * Names a proxied session by the JID its server bound (RFC 6120 §7.6.3: the bind result's
 * `<jid/>`), so the Frames panel and the Sessions view read `agent1@finesse.test/desktop`
 * instead of the client's address once the agent is known. One watcher per store listens to
 * its appends and looks only at the server's frames of sessions still waiting for their bind
 * (the first few of each), so a capture at wire speed pays a map lookup per frame.
 */
import type { Frame } from './frame';
import type { FrameStore } from './frameStore';
import { BIND_NS } from '../xmpp/namespaces';
import { parseXml } from '../xmpp/xml';

/** The JID a server's bind result names, or undefined for any other frame. */
function boundJidOf(raw: string): string | undefined {
  if (!raw.includes(BIND_NS)) return undefined;
  const parsed = parseXml(raw);
  if (!parsed.ok || parsed.element.name !== 'iq' || parsed.element.attrs.type !== 'result') return undefined;
  const jid = parsed.element.getChild('bind', BIND_NS)?.getChildText('jid')?.trim();
  return jid || undefined;
}

export class BoundJidLabels {
  private readonly waiting = new Set<string>();

  constructor(private readonly store: FrameStore) {
    store.on('append', this.onAppend);
  }

  /** Relabel this session with the JID its server binds, when it does. */
  watch(session: string): void {
    this.waiting.add(session);
  }

  /** The session ended (bound or not): stop looking at its frames. */
  forget(session: string): void {
    this.waiting.delete(session);
  }

  dispose(): void {
    this.store.off('append', this.onAppend);
    this.waiting.clear();
  }

  private onAppend = (frames: Frame[]): void => {
    if (!this.waiting.size) return;
    for (const f of frames) {
      if (f.dir !== 'in' || !this.waiting.has(f.session)) continue;
      const jid = boundJidOf(f.raw);
      const info = jid ? this.store.sessions.get(f.session) : undefined;
      if (!jid || !info) continue;
      this.waiting.delete(f.session);
      this.store.openSession({ ...info, label: jid });
    }
  };
}
