// ReplayServer serving a client that does more, or other, than the recorded one: the answers a
// server without the feature gives (legacy session, roster, disco, carbons, stream management),
// PLAIN as the only mechanism even for a SCRAM recording, no recorded answer to an action the
// client did not make, and the agent id of node names and Updates rewritten to the client's.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Frame } from '../../../../src/core/capture/frame';
import { decodeUpdate } from '../../../../src/core/finesse/update';
import { ReplayConnection, ReplayNotice, ReplayServer } from '../../../../src/core/replay/replayServer';
import { plainAuth } from '../../../../src/core/xmpp/sasl';
import { parseXml } from '../../../../src/core/xmpp/xml';
import { RawXmppClient } from './rawXmppClient';
import { FRAMING, JID, NODE, recordedSession } from './recordedSession';

const SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';

function frames(list: [Frame['dir'], string][]): Frame[] {
  return list.map(([dir, raw], i) => ({
    id: i + 1,
    session: 'rec',
    dir,
    t: 1_700_000_000_000 + i,
    kind: raw.startsWith('<open') ? 'open' : 'stanza',
    raw,
    bytes: Buffer.byteLength(raw),
    flags: {},
  }));
}

/** The recorded session with the recorded client's own presence, its echo and its logout echo. */
function withPresence(): Frame[] {
  const rec = recordedSession();
  const bindAt = rec.findIndex((f) => f.raw.includes('rec-bind') && f.dir === 'in');
  const list: [Frame['dir'], string][] = rec.map((f) => [f.dir, f.raw]);
  list.splice(
    bindAt + 1,
    0,
    ['out', '<presence xmlns="jabber:client"/>'],
    ['in', `<presence xmlns="jabber:client" from="${JID}" to="${JID}"/>`],
  );
  list.push(
    ['out', '<presence xmlns="jabber:client" type="unavailable"/>'],
    ['in', `<presence xmlns="jabber:client" type="unavailable" from="${JID}" to="${JID}"/>`],
  );
  return frames(list);
}

describe('ReplayServer for any standard client', () => {
  let server: ReplayServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve(
    recorded: Frame[],
    opts: Partial<ConstructorParameters<typeof ReplayServer>[0]> = {},
  ): Promise<{ client: RawXmppClient; conn: ReplayConnection; notices: string[] }> {
    server = new ReplayServer({ frames: recorded, speed: 0, step: true, ...opts });
    const url = await server.listen();
    const connected = once(server, 'connection');
    const client = await RawXmppClient.connect(url);
    const [conn] = (await connected) as [ReplayConnection];
    const notices: string[] = [];
    conn.on('notice', (n) => notices.push(n));
    return { client, conn, notices };
  }

  it('answers legacy session, roster, disco, carbons and stream management the recording lacks', async () => {
    const { client, notices } = await serve(recordedSession());
    await client.login('agent1', 'x', 'mine');
    const session = await client.iq(
      '<iq type="set" id="s1" xmlns="jabber:client"><session xmlns="urn:ietf:params:xml:ns:xmpp-session"/></iq>',
    );
    assert.deepEqual([session.attrs.type, session.attrs.id], ['result', 's1']);
    const roster = await client.iq(
      '<iq type="get" id="r2" xmlns="jabber:client"><query xmlns="jabber:iq:roster"/></iq>',
    );
    assert.equal(roster.attrs.type, 'result', 'the recorded roster answer goes to the first roster get');
    const roster2 = await client.iq(
      '<iq type="get" id="r3" xmlns="jabber:client"><query xmlns="jabber:iq:roster"/></iq>',
    );
    assert.deepEqual(
      [roster2.attrs.type, roster2.getChild('query')?.children.length],
      ['result', 0],
      'then an empty roster',
    );
    const disco = await client.iq(
      '<iq type="get" id="d1" to="finesse.test" xmlns="jabber:client"><query xmlns="http://jabber.org/protocol/disco#info"/></iq>',
    );
    assert.deepEqual([disco.attrs.type, disco.getChild('query')?.getChildren('feature').length], ['result', 0]);
    const items = await client.iq(
      '<iq type="get" id="d2" to="finesse.test" xmlns="jabber:client"><query xmlns="http://jabber.org/protocol/disco#items"/></iq>',
    );
    assert.equal(items.attrs.type, 'result');
    const carbons = await client.iq(
      '<iq type="set" id="c1" xmlns="jabber:client"><enable xmlns="urn:xmpp:carbons:2"/></iq>',
    );
    assert.deepEqual(
      [carbons.attrs.type, carbons.getChild('error')?.getChildElements()[0].name],
      ['error', 'feature-not-implemented'],
    );
    client.send('<enable xmlns="urn:xmpp:sm:3" resume="true"/>');
    const sm = await client.nextElement();
    assert.deepEqual([sm.name, sm.attrs.xmlns], ['failed', 'urn:xmpp:sm:3']);
    const other = await client.iq(
      '<iq type="get" id="v1" to="finesse.test" xmlns="jabber:client"><query xmlns="jabber:iq:version"/></iq>',
    );
    assert.equal(other.getChild('error')?.getChildElements()[0].name, 'service-unavailable');
    assert.ok(
      notices.some((n) => /legacy session/.test(n)),
      notices.join('\n'),
    );
    assert.ok(
      notices.some((n) => /stream management/.test(n)),
      notices.join('\n'),
    );
  });

  it('offers only PLAIN and answers a PLAIN login with the outcome of a recorded SCRAM login', async () => {
    const recorded = frames([
      ['out', `<open xmlns="${FRAMING}" to="finesse.test" version="1.0"/>`],
      ['in', `<open xmlns="${FRAMING}" from="finesse.test" id="a" version="1.0"/>`],
      [
        'in',
        `<stream:features xmlns:stream="http://etherx.jabber.org/streams"><mechanisms xmlns="${SASL}"><mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms></stream:features>`,
      ],
      ['out', `<auth xmlns="${SASL}" mechanism="SCRAM-SHA-1">[redacted]</auth>`],
      ['in', `<challenge xmlns="${SASL}">cj1mZWQ=</challenge>`],
      ['out', `<response xmlns="${SASL}">[redacted]</response>`],
      ['in', `<success xmlns="${SASL}">dj1zaWc=</success>`],
      ['out', `<open xmlns="${FRAMING}" to="finesse.test" version="1.0"/>`],
      ['in', `<open xmlns="${FRAMING}" from="finesse.test" id="b" version="1.0"/>`],
      [
        'in',
        `<stream:features xmlns:stream="http://etherx.jabber.org/streams"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></stream:features>`,
      ],
      [
        'out',
        `<iq type="set" id="b1" xmlns="jabber:client"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><resource>desktop</resource></bind></iq>`,
      ],
      [
        'in',
        `<iq type="result" id="b1" xmlns="jabber:client"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>${JID}</jid></bind></iq>`,
      ],
    ]);
    const { client, notices } = await serve(recorded);
    client.send(`<open xmlns="${FRAMING}" to="finesse.test" version="1.0"/>`);
    await client.nextElement();
    const features = await client.nextElement();
    assert.deepEqual(
      features
        .getChild('mechanisms')
        ?.getChildren('mechanism')
        .map((m) => m.getText()),
      ['PLAIN'],
    );
    client.send(plainAuth('agent1', 'whatever'));
    const success = await client.nextElement();
    assert.deepEqual([success.name, success.getText()], ['success', '']);
    client.send(`<open xmlns="${FRAMING}" to="finesse.test" version="1.0"/>`);
    await client.nextElement();
    await client.nextElement();
    const bound = await client.iq(
      `<iq type="set" id="mine" xmlns="jabber:client"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><resource>web</resource></bind></iq>`,
    );
    assert.equal(bound.getChild('bind')?.getChildText('jid'), 'agent1@finesse.test/web');
    assert.ok(
      notices.some((n) => /SCRAM-SHA-1/.test(n)),
      notices.join('\n'),
    );
  });

  it('never sends the recorded logout echo to a client that is still online; sends it when it logs out', async () => {
    const { client, conn, notices } = await serve(withPresence(), { step: false, subscribeWaitMs: 0 });
    const done = once(conn, 'done');
    await client.login('agent1', 'x', 'mine');
    client.send('<presence xmlns="jabber:client"/>');
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const el = await client.nextElement();
      seen.push(`${el.name}${el.attrs.type ? ` ${el.attrs.type}` : ''} ${el.attrs.to}`);
    }
    await done;
    assert.deepEqual(seen.sort(), [
      'message agent1@finesse.test/mine',
      'message agent1@finesse.test/mine',
      'message agent1@finesse.test/mine',
      'presence agent1@finesse.test/mine',
    ]);
    client.send('<presence xmlns="jabber:client" type="unavailable"/>');
    const bye = await client.nextElement();
    assert.deepEqual([bye.name, bye.attrs.type, bye.attrs.to], ['presence', 'unavailable', 'agent1@finesse.test/mine']);
    assert.ok(!notices.some((n) => /presence/.test(n)), notices.join('\n'));
    client.close();
  });

  it('does not wait for a presence the recorded client sent only after the first push', async () => {
    const rec = recordedSession();
    const firstPush = rec.findIndex((f) => f.dir === 'in' && f.raw.includes('<event'));
    const list: [Frame['dir'], string][] = rec.map((f) => [f.dir, f.raw]);
    list.splice(
      firstPush + 1,
      0,
      ['out', '<presence xmlns="jabber:client"/>'],
      ['in', `<presence xmlns="jabber:client" from="${JID}" to="${JID}"/>`],
    );
    // A wait for the presence would outlast the test's timeout.
    const { client, conn, notices } = await serve(frames(list), { step: false, subscribeWaitMs: 600_000 });
    const done = once(conn, 'done');
    const jid = await client.login('agent1', 'x', 'mine');
    await client.iq(client.subscribeIq(NODE, jid, 'my-sub'));
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) seen.push((await client.nextElement()).name);
    await done;
    assert.deepEqual(seen, ['message', 'message', 'message']);
    assert.ok(!notices.some((n) => /played on without/.test(n)), notices.join('\n'));
    client.close();
  });

  it('reports the recorded answers it never sent, when the client goes', async () => {
    const { client, conn, notices } = await serve(withPresence(), { step: false, subscribeWaitMs: 0 });
    const data: ReplayNotice[] = [];
    conn.on('notice', (_text, notice) => data.push(notice));
    const done = once(conn, 'done');
    await client.login('agent1', 'x', 'mine');
    await done;
    const closed = once(conn, 'close');
    client.close();
    await closed;
    assert.equal(notices.length, 1);
    assert.match(
      notices[0],
      /skipped 4 recorded answer\(s\) to requests this client did not make: presence, iq get jabber:iq:roster query, subscribe \/finesse\/api\/User\/agent1, presence type=unavailable/,
    );
    assert.deepEqual(data, [
      {
        kind: 'skipped',
        requests: [
          'presence',
          'iq get jabber:iq:roster query',
          'subscribe /finesse/api/User/agent1',
          'presence type=unavailable',
        ],
      },
    ]);
  });

  for (const [how, opts, user, id] of [
    ['the id the client logs in with', {}, 'agent2', 'agent2'],
    ['the id given with --as', { agentId: '1001' }, 'agent2', '1001'],
  ] as const) {
    it(`rewrites the agent id in node names and Update payloads to ${how}`, async () => {
      const { client } = await serve(recordedSession(), opts);
      const jid = await client.login(user, 'x', 'mine');
      assert.equal(jid, `${user}@finesse.test/mine`);
      const sub = await client.iq(client.subscribeIq(`/finesse/api/User/${id}`, jid, 'my-sub'));
      assert.equal(sub.attrs.id, 'my-sub');
      assert.equal(sub.getChild('pubsub')?.getChild('subscription')?.attrs.node, `/finesse/api/User/${id}`);
      server?.step();
      const event = await client.nextElement();
      assert.equal(event.attrs.to, jid);
      assert.equal(event.getChild('event')?.getChild('items')?.attrs.node, `/finesse/api/User/${id}`);
      const update = decodeUpdate(event);
      assert.equal(update?.node, `/finesse/api/User/${id}`);
      assert.equal(update?.source, `/finesse/api/User/${id}`);
      assert.ok(!event.toString().includes('agent1'), event.toString());
      assert.ok(parseXml(event.toString()).ok);
      assert.ok(NODE.endsWith('agent1'));
      client.close();
    });
  }
});
