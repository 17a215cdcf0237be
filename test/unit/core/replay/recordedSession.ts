// A recorded Prosody-shaped session for the replay tests (SASL already redacted, as saved).
import type { Frame } from '../../../../src/core/capture/frame';
import { eventMessage, userUpdate } from '../../../../src/core/finesse/builders';

export const FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';
export const JID = 'agent1@finesse.test/desktop';
export const NODE = '/finesse/api/User/agent1';
const TEAM = '/finesse/api/Team/1/Users';
const agent = { id: 'agent1', loginName: 'agent1' };

/** A session as the proxy captured it from Prosody (SASL already redacted, as saved). */
export function recordedSession(opts: { teamSubscribe?: boolean; serverClose?: boolean } = {}): Frame[] {
  const frames: [Frame['dir'], string][] = [
    ['out', `<open xmlns="${FRAMING}" to="finesse.test" version="1.0"/>`],
    ['in', `<open xmlns="${FRAMING}" from="finesse.test" id="rec-stream-1" version="1.0" xml:lang="en"/>`],
    [
      'in',
      `<stream:features xmlns:stream="http://etherx.jabber.org/streams"><mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>PLAIN</mechanism></mechanisms></stream:features>`,
    ],
    ['out', `<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">[redacted]</auth>`],
    ['in', `<success xmlns="urn:ietf:params:xml:ns:xmpp-sasl"/>`],
    ['out', `<open xmlns="${FRAMING}" to="finesse.test" version="1.0"/>`],
    ['in', `<open xmlns="${FRAMING}" from="finesse.test" id="rec-stream-2" version="1.0" xml:lang="en"/>`],
    [
      'in',
      `<stream:features xmlns:stream="http://etherx.jabber.org/streams"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></stream:features>`,
    ],
    [
      'out',
      `<iq type="set" id="rec-bind" xmlns="jabber:client"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><resource>desktop</resource></bind></iq>`,
    ],
    [
      'in',
      `<iq type="result" id="rec-bind" xmlns="jabber:client"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>${JID}</jid></bind></iq>`,
    ],
    ['out', `<iq type="get" id="rec-roster" xmlns="jabber:client"><query xmlns="jabber:iq:roster"/></iq>`],
    [
      'in',
      `<iq type="result" id="rec-roster" to="${JID}" xmlns="jabber:client"><query xmlns="jabber:iq:roster" ver="1"/></iq>`,
    ],
    [
      'out',
      `<iq type="set" id="rec-sub" to="pubsub.finesse.test" xmlns="jabber:client"><pubsub xmlns="http://jabber.org/protocol/pubsub"><subscribe node="${NODE}" jid="agent1@finesse.test"/></pubsub></iq>`,
    ],
    [
      'in',
      `<iq type="result" id="rec-sub" from="pubsub.finesse.test" to="${JID}" xmlns="jabber:client"><pubsub xmlns="http://jabber.org/protocol/pubsub"><subscription node="${NODE}" jid="agent1@finesse.test" subscription="subscribed"/></pubsub></iq>`,
    ],
    [
      'in',
      eventMessage({
        from: 'pubsub.finesse.test',
        to: JID,
        node: NODE,
        itemId: 'i1',
        updateXml: userUpdate(agent, 'NOT_READY', { requestId: 'r1', t: 0 }),
      }),
    ],
  ];
  if (opts.teamSubscribe) {
    frames.push([
      'out',
      `<iq type="set" id="rec-team" to="pubsub.finesse.test" xmlns="jabber:client"><pubsub xmlns="http://jabber.org/protocol/pubsub"><subscribe node="${TEAM}" jid="agent1@finesse.test"/></pubsub></iq>`,
    ]);
    frames.push([
      'in',
      `<iq type="result" id="rec-team" from="pubsub.finesse.test" to="${JID}" xmlns="jabber:client"/>`,
    ]);
  }
  frames.push([
    'in',
    eventMessage({
      from: 'pubsub.finesse.test',
      to: JID,
      node: NODE,
      itemId: 'i2',
      updateXml: userUpdate(agent, 'READY', { requestId: 'r2', t: 0 }),
    }),
  ]);
  frames.push([
    'in',
    eventMessage({
      from: 'pubsub.finesse.test',
      to: JID,
      node: NODE,
      itemId: 'i3',
      updateXml: userUpdate(agent, 'TALKING', { t: 0 }),
    }),
  ]);
  if (opts.serverClose) frames.push(['in', '1000 bye']);
  return frames.map(([dir, raw], i) => ({
    id: i + 1,
    session: 'rec',
    dir,
    t: 1_700_000_000_000 + i * 5,
    kind: raw === '1000 bye' ? 'closeframe' : raw.startsWith('<open') ? 'open' : 'stanza',
    raw,
    bytes: Buffer.byteLength(raw),
    flags: {},
  }));
}
