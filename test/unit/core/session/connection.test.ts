import assert from 'node:assert/strict';
import { once } from 'node:events';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import type { Frame } from '../../../../src/core/capture/frame';
import { XmppConnection } from '../../../../src/core/session/connection';
import { ConnectionLostError, IqError, StreamError, TimeoutError } from '../../../../src/core/session/errors';
import { xml } from '../../../../src/core/xmpp/xml';
import { waitForFrame } from '../../../support/frames';
import { FRAMING, ScriptedServer } from './scriptedServer';

describe('XmppConnection', () => {
  let server: ScriptedServer | undefined;
  let conn: XmppConnection | undefined;
  afterEach(async () => {
    conn?.terminate();
    await server?.close();
    server = conn = undefined;
  });

  async function connect(
    handlers: Parameters<typeof ScriptedServer.start>[0] = {},
  ): Promise<{ store: FrameStore; conn: XmppConnection; server: ScriptedServer }> {
    server = await ScriptedServer.start(handlers);
    const store = new FrameStore();
    conn = await XmppConnection.open(server.url, {}, store, 'c1');
    return { store, conn, server };
  }

  it('needs the server to agree to the xmpp subprotocol', async () => {
    server = await ScriptedServer.start({ protocol: false });
    await assert.rejects(XmppConnection.open(server.url, {}, new FrameStore(), 'c1'), /subprotocol/);
  });

  it('captures what it sends, classified, under its session', async () => {
    const { store, conn, server } = await connect();
    const sent = conn.send(xml('presence', { xmlns: 'jabber:client' }));
    assert.deepEqual(
      [sent?.session, sent?.dir, sent?.kind, sent?.raw],
      ['c1', 'out', 'stanza', '<presence xmlns="jabber:client"/>'],
    );
    assert.equal(conn.send(`<open xmlns="${FRAMING}" to="d"/>`)?.kind, 'open');
    const ws = await server.client();
    await once(ws, 'message');
    assert.equal(store.size, 2);
  });

  it('answers server pings and refuses other requests, capturing both ways', async () => {
    const { store, server } = await connect();
    const ws = await server.client();
    ws.send('<iq xmlns="jabber:client" type="get" id="sp1" from="finesse.test"><ping xmlns="urn:xmpp:ping"/></iq>');
    ws.send('<iq xmlns="jabber:client" type="set" id="sv1" from="x@y"><query xmlns="jabber:iq:roster"/></iq>');
    await server.waitForReceived((t) => t.includes('id="sv1"'));
    const [pong, refusal] = server.received;
    assert.equal(pong, '<iq xmlns="jabber:client" type="result" id="sp1" to="finesse.test"/>');
    assert.match(refusal, /type="error" id="sv1" to="x@y".*<service-unavailable/);
    const kinds = [...store].map((f) => `${f.dir} ${f.kind}`);
    assert.deepEqual(kinds, ['in stanza', 'out stanza', 'in stanza', 'out stanza']);
  });

  it('captures WebSocket pings and the pong it answers with', async () => {
    const { store, server } = await connect();
    const ws = await server.client();
    ws.ping('hb');
    await once(ws, 'pong');
    const frames = await Promise.all([
      waitForFrame(store, (f) => f.kind === 'ping'),
      waitForFrame(store, (f) => f.kind === 'pong'),
    ]);
    assert.deepEqual(
      frames.map((f) => [f.dir, f.raw, f.bytes]),
      [
        ['in', 'hb', 2],
        ['out', 'hb', 2],
      ],
    );
  });

  it('marks malformed and binary frames, says so, and carries on', async () => {
    const { store, conn, server } = await connect();
    const warnings: string[] = [];
    conn.on('malformed', (f: Frame, why: string) => warnings.push(`${f.kind}: ${why}`));
    const ws = await server.client();
    ws.send('<message><body></message>');
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    ws.send('not xml');
    ws.send(' ');
    ws.send('<iq xmlns="jabber:client" type="result" id="after"/>');
    const ok = await conn.next((el) => el.attrs.id === 'after', 'the last iq', 5000);
    assert.equal(ok.name, 'iq');
    assert.deepEqual(warnings, [
      'stanza: Mismatched end tag </message>, expected </body>',
      'binary: binary frame (RFC 7395 allows only text)',
      'text: Not an XML element',
    ]);
    const frames = [...store];
    assert.deepEqual(
      frames.map((f) => [f.kind, !!f.flags.malformed]),
      [
        ['stanza', true],
        ['binary', true],
        ['text', true],
        ['text', false],
        ['stanza', false],
      ],
    );
    assert.equal(frames[1].raw, 'AQID');
  });

  it('matches iq replies by id: result, error, or no answer in time', async () => {
    const { conn } = await connect({
      onMessage: (text, ws) => {
        const id = /id="([^"]+)"/.exec(text)?.[1];
        if (id === 'ok') ws.send(`<iq xmlns="jabber:client" type="result" id="ok"/>`);
        if (id === 'bad')
          ws.send(
            `<iq xmlns="jabber:client" type="error" id="bad"><error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/><text xmlns="urn:ietf:params:xml:ns:xmpp-stanzas">no node</text></error></iq>`,
          );
      },
    });
    const iq = (id: string) => xml('iq', { xmlns: 'jabber:client', type: 'get', id });
    assert.equal((await conn.request(iq('ok'), 5000)).attrs.type, 'result');
    await assert.rejects(
      conn.request(iq('bad'), 5000),
      (e: Error) => e instanceof IqError && e.condition === 'item-not-found' && e.text === 'no node',
    );
    await assert.rejects(conn.request(iq('silent'), 20), TimeoutError);
    const generated = conn.request(xml('iq', { type: 'get' }), 20);
    await assert.rejects(generated, TimeoutError);
  });

  it('keeps elements that arrive before anyone waits for them', async () => {
    const { conn, server, store } = await connect();
    const ws = await server.client();
    ws.send('<a xmlns="x"/>');
    ws.send('<b xmlns="x"/>');
    await waitForFrame(store, (f) => f.raw.startsWith('<b'));
    assert.equal((await conn.next((el) => el.name === 'b', 'b', 1000)).name, 'b');
    assert.equal((await conn.next((el) => el.name === 'a', 'a', 1000)).name, 'a');
  });

  it('fails what is expected with the stream error the server sends', async () => {
    const { conn, server } = await connect();
    const waiting = conn.next((el) => el.name === 'never', 'never', 5000);
    const ws = await server.client();
    ws.send(
      '<stream:error xmlns:stream="http://etherx.jabber.org/streams"><conflict xmlns="urn:ietf:params:xml:ns:xmpp-streams"/><text xmlns="urn:ietf:params:xml:ns:xmpp-streams">Replaced by new connection</text></stream:error>',
    );
    await assert.rejects(
      waiting,
      (e: Error) => e instanceof StreamError && e.condition === 'conflict' && e.text === 'Replaced by new connection',
    );
  });

  it("answers the server's <close/> with its own and reports the loss", async () => {
    const { conn, server, store } = await connect();
    const lost = assert.rejects(
      conn.next((el) => el.name === 'never', 'never', 5000),
      ConnectionLostError,
    );
    const ws = await server.client();
    ws.send(`<close xmlns="${FRAMING}"/>`);
    const [reply] = await once(ws, 'message');
    assert.equal(reply.toString(), `<close xmlns="${FRAMING}"/>`);
    await lost;
    ws.close(1000);
    const [info] = await once(conn, 'closed');
    assert.equal(info.code, 1000);
    const closes = [...store].filter((f) => f.kind === 'closeframe').map((f) => `${f.dir} ${f.raw}`);
    assert.deepEqual(closes, ['in 1000', 'out 1000'], 'the close frame ws echoes is captured too');
  });

  it('closes politely: <close/>, the answer, then the close handshake', async () => {
    const { conn, store } = await connect({
      onMessage: (text, ws) => {
        if (text.startsWith('<close')) ws.send(`<close xmlns="${FRAMING}"/>`);
      },
    });
    await conn.close();
    assert.equal(conn.isOpen, false);
    const seq = [...store].map((f) => `${f.dir} ${f.kind} ${f.kind === 'closeframe' ? f.raw : ''}`.trim());
    assert.deepEqual(seq, ['out close', 'in close', 'out closeframe 1000', 'in closeframe 1000']);
    await assert.rejects(conn.request(xml('iq', { type: 'get' }), 1000), ConnectionLostError);
    assert.equal(conn.send('<presence/>'), undefined);
  });

  it('records an abrupt end as 1006 with nothing on the wire', async () => {
    const { conn, store, server } = await connect();
    const waiting = conn.next(() => false, 'nothing', 5000);
    (await server.client()).terminate();
    await assert.rejects(waiting, ConnectionLostError);
    const last = store.at(store.size - 1);
    assert.deepEqual([last?.dir, last?.kind, last?.raw, last?.bytes], ['in', 'closeframe', '1006', 0]);
  });
});
