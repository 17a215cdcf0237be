/**
 * A capture as the gadget desktop makes it: the realistic XMPP traffic of test/webview/fixtures.ts,
 * each Update followed by the hub frame the master publisher relays it as (`{content, object}`,
 * causedBy = the XMPP frame, delivered to two gadgets), and gadgets' own publishes between
 * (a chat between two gadgets, a SubscribeNodeReq and its answer).
 */
import { FrameStore } from '../../src/core/capture/frameStore';
import type { Direction, FrameKind } from '../../src/core/capture/frame';
import { xml2JsObj } from '../../src/core/desktop/xml2JsObj';
import { nodeTopic } from '../../src/core/desktop/topics';
import { formatHubFrame } from '../../src/core/hub/hubFrame';
import { unescapeXml } from '../../src/core/xmpp/xml';
import { login, round } from '../../test/webview/fixtures';

const GADGETS = ['1 Sample Gadget', '2 Team Board'];
const NODE = /<items node="([^"]+)"><item [^>]*><notification [^>]*>([\s\S]*?)<\/notification>/;

export function hubMixStore(count: number, capacity = Math.max(200_000, count)): FrameStore {
  const store = new FrameStore(capacity, { maxBytes: Math.max(256 * 1024 * 1024, count * 6144) });
  let t = Date.now() - 3_600_000;
  const objects = new Map<string, unknown>();
  const append = (session: string, dir: Direction, kind: FrameKind, raw: string) => {
    t += 7 + (raw.length % 97);
    return store.append({ session, dir, kind, raw, t });
  };
  const hub = (from: string, to: string[], topic: string, payload: unknown, causedBy?: number) =>
    append(
      'desktop-hub',
      from === 'desktop' ? 'in' : 'out',
      'hub',
      formatHubFrame({ topic, from, to, payload, causedBy }),
    );
  const push = (dir: Direction, raw: string, kind?: FrameKind) => {
    const k =
      kind ??
      (raw.trimStart().startsWith('<')
        ? /^\s*<open\b/.test(raw)
          ? 'open'
          : /^\s*<close\b/.test(raw)
            ? 'close'
            : 'stanza'
        : 'text');
    const f = append('own-1', dir, k, raw);
    const m = dir === 'in' && k === 'stanza' ? NODE.exec(raw) : null;
    if (m) {
      const node = unescapeXml(m[1]);
      const xml = unescapeXml(m[2]);
      let object = objects.get(xml);
      if (object === undefined) {
        object = xml2JsObj(xml);
        if (objects.size < 10_000) objects.set(xml, object);
      }
      hub('desktop', GADGETS, nodeTopic(node), { content: node + xml, object }, f.id);
    }
  };
  login(push);
  for (let n = 1; store.size < count; n++) {
    round(push, n);
    if (n % 3 === 0) hub('3 Talker', ['4 Listener'], 'sample.chat', { text: `hello ${n}` });
    if (n % 50 === 1) {
      hub('2 Team Board', ['desktop'], 'finesse.info.requests', {
        type: 'SubscribeNodeReq',
        data: { node: '/finesse/api/Team/1/Users' },
        invokeID: `team-${n}`,
      });
      hub('desktop', ['2 Team Board'], `finesse.info.responses.team-${n}`, { type: 'SubscribeNodeResp', data: {} });
    }
  }
  return store;
}
