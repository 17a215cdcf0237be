// The simulator's server side of the Finesse XMPP flow, frame by frame over a real WebSocket:
// what it accepts, what it refuses and how it answers, as Prosody would.
import assert from 'node:assert/strict';
import { FinesseSimulator } from '../../../../src/core/replay/simulator';
import { idleScenario } from '../../../../src/core/replay/scenario';
import { plainAuth, plainPayload, SASL_NS } from '../../../../src/core/xmpp/sasl';
import { FRAMING, RawXmppClient } from './rawXmppClient';

const STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const STREAMS = 'urn:ietf:params:xml:ns:xmpp-streams';

describe('FinesseSimulator protocol', () => {
  let sim: FinesseSimulator;
  let url: string;
  const clients: RawXmppClient[] = [];
  const connect = async (protocols?: string[]) => {
    const c = await RawXmppClient.connect(url, protocols);
    clients.push(c);
    return c;
  };

  before(async () => {
    // An empty scenario: these tests are about the stream, not the Updates.
    sim = new FinesseSimulator({ users: { agent1: 'pw-1', agent2: 'pw-2' }, scenario: idleScenario() });
    url = await sim.listen();
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.ws.terminate();
  });
  after(() => sim.close());

  it('listens on loopback and reports the ws URL', () => {
    assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\/ws\/$/);
    assert.equal(sim.url, url);
  });

  it('refuses a WebSocket without the xmpp subprotocol with 501, like Prosody', async () => {
    await assert.rejects(connect([]), { statusCode: 501 });
    await assert.rejects(connect(['chat']), { statusCode: 501 });
  });

  it('refuses other paths with 404', async () => {
    await assert.rejects(RawXmppClient.connect(url.replace('/ws/', '/other')), { statusCode: 404 });
  });

  it('accepts the path without the trailing slash', async () => {
    const c = await RawXmppClient.connect(url.replace(/\/$/, ''));
    clients.push(c);
    assert.equal(c.ws.protocol, 'xmpp');
  });

  it('opens the stream and offers only SASL PLAIN', async () => {
    const c = await connect();
    c.open();
    const open = await c.nextElement();
    assert.equal(open.name, 'open');
    assert.equal(open.attrs.xmlns, FRAMING);
    assert.equal(open.attrs.from, 'finesse.test');
    assert.equal(open.attrs.version, '1.0');
    assert.ok(open.attrs.id);
    const features = await c.nextElement();
    assert.equal(features.name, 'stream:features');
    const mechanisms = features.getChild('mechanisms', SASL_NS);
    assert.deepEqual(
      mechanisms?.getChildren('mechanism').map((m) => m.getText()),
      ['PLAIN'],
    );
  });

  it('answers a wrong password with <not-authorized/> and keeps the stream open for a retry', async () => {
    const c = await connect();
    c.open();
    await c.nextElement();
    await c.nextElement();
    c.send(plainAuth('agent1', 'wrong'));
    const failure = await c.nextElement();
    assert.equal(failure.name, 'failure');
    assert.equal(failure.attrs.xmlns, SASL_NS);
    assert.ok(failure.getChild('not-authorized'));
    c.send(plainAuth('agent1', 'pw-1'));
    assert.equal((await c.nextElement()).name, 'success');
  });

  it('rejects unknown users, other mechanisms, bad base64 and a foreign authzid', async () => {
    const c = await connect();
    c.open();
    await c.nextElement();
    await c.nextElement();
    const condition = async (raw: string) => {
      const answer = await c.iq(raw);
      return answer.name === 'success' ? 'success' : answer.getChildElements()[0]?.name;
    };
    assert.equal(await condition(plainAuth('nobody', 'pw-1')), 'not-authorized');
    assert.equal(
      await condition(`<auth xmlns="${SASL_NS}" mechanism="SCRAM-SHA-1">biwsbj1hZ2VudDE=</auth>`),
      'invalid-mechanism',
    );
    assert.equal(
      await condition(`<auth xmlns="${SASL_NS}" mechanism="PLAIN">not base64!</auth>`),
      'incorrect-encoding',
    );
    assert.equal(
      await condition(
        `<auth xmlns="${SASL_NS}" mechanism="PLAIN">${plainPayload('agent1', 'pw-1', 'agent2@finesse.test')}</auth>`,
      ),
      'invalid-authzid',
    );
    assert.equal(
      await condition(
        `<auth xmlns="${SASL_NS}" mechanism="PLAIN">${plainPayload('agent1', 'pw-1', 'agent1@finesse.test')}</auth>`,
      ),
      'success',
    );
  });

  it('binds the requested resource and returns the full JID; generates one when none is asked', async () => {
    const c = await connect();
    assert.equal(await c.login('agent2', 'pw-2', 'desktop'), 'agent2@finesse.test/desktop');
    const d = await connect();
    d.open();
    await d.nextElement();
    await d.nextElement();
    d.send(plainAuth('agent1', 'pw-1'));
    await d.nextElement();
    d.open();
    await d.nextElement();
    const features = await d.nextElement();
    assert.ok(features.getChild('bind', 'urn:ietf:params:xml:ns:xmpp-bind'));
    assert.ok(features.getChild('session', 'urn:ietf:params:xml:ns:xmpp-session'));
    const bound = await d.iq(
      '<iq type="set" id="b" xmlns="jabber:client"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></iq>',
    );
    assert.equal(bound.attrs.type, 'result');
    assert.equal(bound.attrs.id, 'b');
    assert.match(bound.getChild('bind')?.getChildText('jid') ?? '', /^agent1@finesse\.test\/.+/);
  });

  it('answers session, roster, ping and disco#info, echoes initial presence', async () => {
    const c = await connect();
    const jid = await c.login('agent1', 'pw-1');
    const session = await c.iq(
      '<iq type="set" id="s1" xmlns="jabber:client"><session xmlns="urn:ietf:params:xml:ns:xmpp-session"/></iq>',
    );
    assert.equal(session.attrs.type, 'result');
    const roster = await c.iq('<iq type="get" id="r1" xmlns="jabber:client"><query xmlns="jabber:iq:roster"/></iq>');
    assert.equal(roster.attrs.type, 'result');
    assert.deepEqual(roster.getChild('query', 'jabber:iq:roster')?.getChildElements(), []);
    const ping = await c.iq(
      '<iq type="get" id="p1" to="finesse.test" xmlns="jabber:client"><ping xmlns="urn:xmpp:ping"/></iq>',
    );
    assert.deepEqual(
      [ping.attrs.type, ping.attrs.id, ping.attrs.from, ping.attrs.to],
      ['result', 'p1', 'finesse.test', jid],
    );
    const pubsubPing = await c.iq(
      '<iq type="get" id="p2" to="pubsub.finesse.test" xmlns="jabber:client"><ping xmlns="urn:xmpp:ping"/></iq>',
    );
    assert.deepEqual([pubsubPing.attrs.type, pubsubPing.attrs.from], ['result', 'pubsub.finesse.test']);
    const disco = await c.iq(
      '<iq type="get" id="d1" to="pubsub.finesse.test" xmlns="jabber:client"><query xmlns="http://jabber.org/protocol/disco#info"/></iq>',
    );
    assert.equal(disco.getChild('query')?.getChild('identity')?.attrs.category, 'pubsub');
    const presence = await c.iq('<presence xmlns="jabber:client"><priority>1</priority></presence>');
    assert.equal(presence.name, 'presence');
    assert.equal(presence.attrs.from, jid);
    assert.equal(presence.getChildText('priority'), '1');
  });

  it('answers unknown iqs with service-unavailable and ignores results', async () => {
    const c = await connect();
    await c.login('agent1', 'pw-1');
    c.send('<iq type="result" id="ignored" xmlns="jabber:client"/>');
    const err = await c.iq('<iq type="get" id="v1" xmlns="jabber:client"><query xmlns="jabber:iq:version"/></iq>');
    assert.equal(err.attrs.type, 'error');
    assert.equal(err.attrs.id, 'v1'); // the ignored result produced no answer before this one
    assert.equal(err.getChild('error')?.attrs.type, 'cancel');
    assert.ok(err.getChild('error')?.getChild('service-unavailable', STANZAS));
    const other = await c.iq(
      '<iq type="get" id="v2" to="someone@finesse.test/x" xmlns="jabber:client"><ping xmlns="urn:xmpp:ping"/></iq>',
    );
    assert.ok(other.getChild('error')?.getChild('service-unavailable', STANZAS));
  });

  it('subscribes to Finesse nodes with the reply Prosody gives, and refuses bad subscriptions', async () => {
    const c = await connect();
    const jid = await c.login('agent1', 'pw-1');
    const ok = await c.iq(c.subscribeIq('/finesse/api/User/agent1', jid, 'sub1'));
    assert.deepEqual(
      [ok.attrs.type, ok.attrs.id, ok.attrs.from, ok.attrs.to],
      ['result', 'sub1', 'pubsub.finesse.test', jid],
    );
    const sub = ok.getChild('pubsub', 'http://jabber.org/protocol/pubsub')?.getChild('subscription');
    assert.deepEqual(sub?.attrs, { node: '/finesse/api/User/agent1', jid, subscription: 'subscribed' });
    for (const node of [
      '/finesse/api/User/agent1/Dialogs',
      '/finesse/api/Team/7/Users',
      '/finesse/api/Queue/3',
      '/finesse/api/SystemInfo',
    ]) {
      assert.equal((await c.iq(c.subscribeIq(node, jid))).attrs.type, 'result', node);
    }
    const unknown = await c.iq(c.subscribeIq('/finesse/api/Nope', jid));
    assert.ok(unknown.getChild('error')?.getChild('item-not-found', STANZAS));
    const foreign = await c.iq(c.subscribeIq('/finesse/api/User/agent1', 'agent2@finesse.test'));
    assert.ok(foreign.getChild('error')?.getChild('bad-request', STANZAS));
    assert.ok(foreign.getChild('error')?.getChild('invalid-jid', 'http://jabber.org/protocol/pubsub#errors'));
    const unsub = await c.iq(
      `<iq type="set" id="u1" to="pubsub.finesse.test" xmlns="jabber:client"><pubsub xmlns="http://jabber.org/protocol/pubsub"><unsubscribe node="/finesse/api/Queue/3" jid="${jid}"/></pubsub></iq>`,
    );
    assert.equal(unsub.getChild('pubsub')?.getChild('subscription')?.attrs.subscription, 'none');
    const again = await c.iq(
      `<iq type="set" id="u2" to="pubsub.finesse.test" xmlns="jabber:client"><pubsub xmlns="http://jabber.org/protocol/pubsub"><unsubscribe node="/finesse/api/Queue/3" jid="${jid}"/></pubsub></iq>`,
    );
    assert.ok(again.getChild('error')?.getChild('not-subscribed', 'http://jabber.org/protocol/pubsub#errors'));
    const items = await c.iq(
      '<iq type="get" id="i1" to="pubsub.finesse.test" xmlns="jabber:client"><pubsub xmlns="http://jabber.org/protocol/pubsub"><items node="/finesse/api/User/agent1"/></pubsub></iq>',
    );
    assert.ok(items.getChild('error')?.getChild('feature-not-implemented', STANZAS));
  });

  it('puts xmlns="jabber:client" on every stanza, the bind result included (stanza.js needs it)', async () => {
    const c = await connect();
    c.open();
    await c.nextElement();
    await c.nextElement();
    c.send(plainAuth('agent1', 'pw-1'));
    await c.nextElement();
    c.open();
    await c.nextElement();
    await c.nextElement();
    c.send(
      '<iq type="set" id="b1" xmlns="jabber:client"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><resource>ns</resource></bind></iq>',
    );
    const raw = await c.next();
    assert.match(raw ?? '', /^<iq xmlns="jabber:client"/);
    for (const frame of [
      '<iq type="set" id="s" xmlns="jabber:client"><session xmlns="urn:ietf:params:xml:ns:xmpp-session"/></iq>',
      '<iq type="get" id="v" xmlns="jabber:client"><query xmlns="jabber:iq:version"/></iq>',
      '<presence xmlns="jabber:client"/>',
    ]) {
      c.send(frame);
      assert.match((await c.next()) ?? '', /^<(iq|presence) xmlns="jabber:client"/, frame);
    }
  });

  it('answers disco#items with the pubsub service, carbons with feature-not-implemented, SM enable with <failed/>', async () => {
    const c = await connect();
    await c.login('agent1', 'pw-1', 'extras');
    const items = await c.iq(
      '<iq type="get" id="di" to="finesse.test" xmlns="jabber:client"><query xmlns="http://jabber.org/protocol/disco#items"/></iq>',
    );
    assert.equal(items.getChild('query')?.getChild('item')?.attrs.jid, 'pubsub.finesse.test');
    const carbons = await c.iq(
      '<iq type="set" id="cb" xmlns="jabber:client"><enable xmlns="urn:xmpp:carbons:2"/></iq>',
    );
    assert.equal(carbons.attrs.type, 'error');
    assert.ok(carbons.getChild('error')?.getChild('feature-not-implemented', STANZAS));
    const sm = await c.iq('<enable xmlns="urn:xmpp:sm:3" resume="true"/>');
    assert.deepEqual([sm.name, sm.attrs.xmlns], ['failed', 'urn:xmpp:sm:3']);
    // The stream goes on after both refusals.
    assert.equal(
      (await c.iq('<iq type="get" id="p" xmlns="jabber:client"><ping xmlns="urn:xmpp:ping"/></iq>')).attrs.type,
      'result',
    );
  });

  it('a second session binding the same full JID kicks the older with <conflict/>, as Openfire does', async () => {
    const older = await connect();
    await older.login('agent2', 'pw-2', 'desktop');
    const newer = await connect();
    assert.equal(await newer.login('agent2', 'pw-2', 'desktop'), 'agent2@finesse.test/desktop');
    const error = await older.nextElement();
    assert.equal(error.name, 'stream:error');
    assert.ok(error.getChild('conflict', STREAMS));
    assert.equal((await older.nextElement()).name, 'close');
    await older.closed;
    assert.equal(
      (await newer.iq('<iq type="get" id="p" xmlns="jabber:client"><ping xmlns="urn:xmpp:ping"/></iq>')).attrs.type,
      'result',
    );
  });

  it('answers <close/> with <close/> and closes the socket normally', async () => {
    const c = await connect();
    await c.login('agent1', 'pw-1');
    c.send(`<close xmlns="${FRAMING}"/>`);
    const close = await c.nextElement();
    assert.equal(close.name, 'close');
    assert.equal(close.attrs.xmlns, FRAMING);
    assert.equal(await c.closed, 1000);
  });

  it('ends the stream with <not-well-formed/> on malformed XML', async () => {
    const c = await connect();
    await c.login('agent1', 'pw-1');
    c.send('<iq type="get"><unclosed></iq>');
    const error = await c.nextElement();
    assert.equal(error.name, 'stream:error');
    assert.ok(error.getChild('not-well-formed', STREAMS));
    assert.equal((await c.nextElement()).name, 'close');
    assert.equal(await c.closed, 1000);
  });

  it('closes with 1007 on a text frame that is not XML and 1003 on a binary frame, like Prosody', async () => {
    const text = await connect();
    text.send('hello');
    assert.equal(await text.closed, 1007);
    const binary = await connect();
    binary.send(Buffer.from('<open/>'));
    assert.equal(await binary.closed, 1003);
  });

  it('ignores whitespace keepalives', async () => {
    const c = await connect();
    c.send(' ');
    c.open();
    assert.equal((await c.nextElement()).name, 'open');
  });

  it('refuses stanzas before authentication and a stream to another domain', async () => {
    const early = await connect();
    early.open();
    await early.nextElement();
    await early.nextElement();
    early.send('<iq type="get" id="x" xmlns="jabber:client"><query xmlns="jabber:iq:roster"/></iq>');
    assert.ok((await early.nextElement()).getChild('not-authorized', STREAMS));
    assert.equal(await early.closed, 1000);
    const foreign = await connect();
    foreign.open('example.com');
    assert.equal((await foreign.nextElement()).name, 'open');
    assert.ok((await foreign.nextElement()).getChild('host-unknown', STREAMS));
    assert.equal(await foreign.closed, 1000);
  });

  it('rejects a speed that is not a positive number', () => {
    assert.throws(() => new FinesseSimulator({ speed: 0 }), RangeError);
    assert.throws(() => new FinesseSimulator({ speed: Number.NaN }), RangeError);
  });

  it('on close() ends connected streams with <system-shutdown/>', async () => {
    const own = new FinesseSimulator({ users: { agent1: 'pw-1' } });
    const c = await RawXmppClient.connect(await own.listen());
    await c.login('agent1', 'pw-1');
    const closing = own.close();
    const error = await c.nextElement();
    assert.ok(error.getChild('system-shutdown', STREAMS));
    assert.equal((await c.nextElement()).name, 'close');
    assert.equal(await c.closed, 1001);
    await closing;
    assert.equal(own.url, undefined);
    assert.equal(own.clientCount, 0);
  });
});
