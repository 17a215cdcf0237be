/**
 * Realistic frame sets for the webview tests and the benchmark: the RFC 7395 login of a Finesse
 * agent (open, SASL PLAIN, bind, presence, pubsub subscribe), then the traffic of a working day —
 * User state changes, Dialog updates, API errors, XEP-0199 pings and WebSocket keepalives —
 * built with src/core/finesse/builders.ts, the same Finesse the simulator speaks.
 */
import { FrameStore } from '../../src/core/capture/frameStore';
import type { Direction, FrameKind } from '../../src/core/capture/frame';
import {
  apiErrorUpdate,
  dialogUpdate,
  eventMessage,
  UserState,
  userUpdate,
  PUBSUB_NS,
} from '../../src/core/finesse/builders';
import { nodes } from '../../src/core/finesse/nodes';
import { plainAuth } from '../../src/core/xmpp/sasl';
import { closeFrame, openFrame, FRAMING_NS } from '../../src/core/xmpp/framing';

export const DOMAIN = 'finesse.test';
export const AGENT = { id: 'agent1', loginName: 'agent1', firstName: 'Ada', lastName: 'Agent', extension: '1001' };
export const JID = `agent1@${DOMAIN}/desktop`;
export const SESSION = 'own-1';

type Push = (dir: Direction, raw: string, kind?: FrameKind) => void;

export function pusher(store: FrameStore, session = SESSION, t0 = Date.now() - 3_600_000): Push {
  let t = t0;
  return (
    dir,
    raw,
    kind = raw.trimStart().startsWith('<')
      ? /^\s*<open\b/.test(raw)
        ? 'open'
        : /^\s*<close\b/.test(raw)
          ? 'close'
          : 'stanza'
      : 'text',
  ) => {
    t += 7 + (raw.length % 97);
    store.append({ session, dir, kind, raw, t });
  };
}

/** The login of an agent, as our own session or a proxied desktop sends and receives it. */
export function login(push: Push, password = 'agent1-secret'): void {
  push('out', openFrame(DOMAIN));
  push('in', `<open xmlns="${FRAMING_NS}" from="${DOMAIN}" id="c2s-4f1d" version="1.0" xml:lang="en"/>`);
  push(
    'in',
    `<stream:features xmlns:stream="http://etherx.jabber.org/streams"><mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>PLAIN</mechanism></mechanisms></stream:features>`,
  );
  push('out', plainAuth('agent1', password));
  push('in', `<success xmlns="urn:ietf:params:xml:ns:xmpp-sasl"/>`);
  push('out', openFrame(DOMAIN));
  push('in', `<open xmlns="${FRAMING_NS}" from="${DOMAIN}" id="c2s-4f1e" version="1.0" xml:lang="en"/>`);
  push(
    'in',
    `<stream:features xmlns:stream="http://etherx.jabber.org/streams"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/><session xmlns="urn:ietf:params:xml:ns:xmpp-session"><optional/></session></stream:features>`,
  );
  push(
    'out',
    `<iq type="set" id="bind_1" xmlns="jabber:client"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><resource>desktop</resource></bind></iq>`,
  );
  push(
    'in',
    `<iq type="result" id="bind_1" xmlns="jabber:client"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>${JID}</jid></bind></iq>`,
  );
  push('out', `<presence xmlns="jabber:client"/>`);
  for (const node of [nodes.user(AGENT.id), nodes.userDialogs(AGENT.id)]) {
    const id = `sub_${node.length}`;
    push(
      'out',
      `<iq type="set" id="${id}" to="pubsub.${DOMAIN}" xmlns="jabber:client"><pubsub xmlns="${PUBSUB_NS}"><subscribe node="${node}" jid="${JID}"/></pubsub></iq>`,
    );
    push(
      'in',
      `<iq type="result" id="${id}" from="pubsub.${DOMAIN}" to="${JID}" xmlns="jabber:client"><pubsub xmlns="${PUBSUB_NS}"><subscription node="${node}" jid="${JID}" subscription="subscribed"/></pubsub></iq>`,
    );
  }
}

const STATES: UserState[] = ['NOT_READY', 'READY', 'RESERVED', 'TALKING', 'WORK', 'READY'];

/** One round of a working agent's traffic (about 16 frames). */
export function round(push: Push, n: number): void {
  const item = (i: number) => `item-${n}-${i}`;
  const ev = (node: string, updateXml: string, i: number) =>
    eventMessage({ from: `pubsub.${DOMAIN}`, to: JID, node, itemId: item(i), updateXml, id: `ev${n}-${i}` });
  const call = {
    id: String(16_777_200 + n),
    from: `+1 919 555 ${String(1000 + (n % 9000)).padStart(4, '0')}`,
    to: '6001',
  };
  push('in', ev(nodes.user(AGENT.id), userUpdate(AGENT, STATES[n % STATES.length], { requestId: `req-${n}` }), 1));
  push('in', ev(nodes.userDialogs(AGENT.id), dialogUpdate(AGENT, call, 'ALERTING', 'POST'), 2));
  push('in', ev(nodes.userDialogs(AGENT.id), dialogUpdate(AGENT, call, 'ACTIVE', 'PUT'), 3));
  push('out', `<iq type="get" id="ping_${n}" to="${DOMAIN}" xmlns="jabber:client"><ping xmlns="urn:xmpp:ping"/></iq>`);
  push('in', `<iq type="result" id="ping_${n}" from="${DOMAIN}" to="${JID}" xmlns="jabber:client"/>`);
  push('in', ev(nodes.userDialogs(AGENT.id), dialogUpdate(AGENT, call, 'DROPPED', 'DELETE'), 4));
  push('in', ev(nodes.user(AGENT.id), userUpdate(AGENT, 'WORK_READY'), 5));
  push('out', ' ', 'text');
  push('in', '', 'ping');
  push('out', '', 'pong');
  if (n % 5 === 2) push('in', ev(nodes.user(AGENT.id), apiErrorUpdate(AGENT, `req-${n}`), 6));
  push('out', `<presence xmlns="jabber:client"><show>chat</show><status>Round ${n}</status></presence>`);
  push('in', ev(nodes.user(AGENT.id), userUpdate(AGENT, 'NOT_READY', { reasonCodeId: '12' }), 7));
}

/**
 * A store holding `count` realistic frames (login, then rounds of traffic). Its byte budget is
 * made big enough for them (a million frames are ~740 MB, beyond the default 256 MiB budget,
 * which would evict them as fast as they are added).
 */
export function realisticStore(count: number, capacity = Math.max(200_000, count)): FrameStore {
  const store = new FrameStore(capacity, { maxBytes: Math.max(256 * 1024 * 1024, count * 4096) });
  const push = pusher(store);
  login(push);
  for (let n = 1; store.size < count; n++) {
    if (store.lastId > store.size) throw new Error(`realisticStore: the store evicted frames before holding ${count}`);
    if (count - store.size < 20) {
      for (let i = 0; store.size < count; i++)
        push(
          'out',
          `<iq type="get" id="fill_${i}" to="${DOMAIN}" xmlns="jabber:client"><ping xmlns="urn:xmpp:ping"/></iq>`,
        );
      break;
    }
    round(push, n);
  }
  return store;
}

/** Hostile wire text: markup that would run script if it ever reached the DOM as HTML. */
export const HOSTILE = {
  script: `<message xmlns="jabber:client" to="${JID}"><body><script>window.__pwned = 'script'</script></body></message>`,
  img: `<img src=x onerror="window.__pwned = 'img'">`,
  escapedInUpdate: eventMessage({
    from: `pubsub.${DOMAIN}`,
    to: JID,
    node: nodes.user(AGENT.id),
    itemId: 'evil',
    updateXml: `<Update><data><user><state>READY</state><firstName>&lt;img src=x onerror="window.__pwned='update'"&gt;</firstName></user></data><event>PUT</event><requestId/><source>/finesse/api/User/agent1</source></Update>`,
  }),
  svg: `<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned='svg'"><script>window.__pwned='svg2'</script></svg>`,
};

export { closeFrame };
