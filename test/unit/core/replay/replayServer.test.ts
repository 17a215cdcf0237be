// ReplayServer against a raw WebSocket client that is *not* the recorded one: other ids, other
// resource, other password. It must get the recorded answers rewritten to itself, then the
// recorded pushes in order; step mode holds each push until step().
import assert from 'node:assert/strict';
import { once } from 'node:events';
import WebSocket from 'ws';
import type { Frame } from '../../../../src/core/capture/frame';
import { decodeUpdate } from '../../../../src/core/finesse/update';
import { ReplayConnection, ReplayServer } from '../../../../src/core/replay/replayServer';
import { plainAuth } from '../../../../src/core/xmpp/sasl';
import { Element, parseXml } from '../../../../src/core/xmpp/xml';

import { FRAMING, NODE, recordedSession } from './recordedSession';

/** Reads the server's frames one at a time, waiting on messages only. */
class Peer {
  private queue: string[] = [];
  private waiters: ((f: string | undefined) => void)[] = [];
  closeCode?: number;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const w = this.waiters.shift();
      if (w) w(String(d));
      else this.queue.push(String(d));
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.waiters.splice(0).forEach((w) => w(undefined));
    });
  }
  static async connect(url: string): Promise<Peer> {
    const ws = new WebSocket(url, ['xmpp']);
    await once(ws, 'open');
    assert.equal(ws.protocol, 'xmpp');
    return new Peer(ws);
  }
  get pending(): number {
    return this.queue.length;
  }
  async next(): Promise<Element> {
    const raw = this.queue.length
      ? this.queue.shift()
      : await new Promise<string | undefined>((r) =>
          this.closeCode === undefined ? this.waiters.push(r) : r(undefined),
        );
    if (raw === undefined) throw new Error(`closed (${this.closeCode})`);
    const p = parseXml(raw);
    if (!p.ok) throw new Error(p.error);
    return p.element;
  }
  send(raw: string) {
    this.ws.send(raw);
  }
  /** The handshake as a different client: user agent1, any password, resource `mine`, own ids. */
  async login(): Promise<string> {
    this.send(`<open xmlns="${FRAMING}" to="finesse.test" version="1.0"/>`);
    assert.equal((await this.next()).name, 'open');
    assert.equal((await this.next()).name, 'stream:features');
    this.send(plainAuth('agent1', 'any-password-at-all'));
    assert.equal((await this.next()).name, 'success');
    this.send(`<open xmlns="${FRAMING}" to="finesse.test" version="1.0"/>`);
    await this.next();
    await this.next();
    this.send(
      `<iq type="set" id="my-bind-7"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><resource>mine</resource></bind></iq>`,
    );
    const bound = await this.next();
    assert.equal(bound.attrs.id, 'my-bind-7');
    return bound.getChild('bind')?.getChildText('jid') ?? '';
  }
  subscribe(id: string, node = NODE) {
    this.send(
      `<iq type="set" id="${id}" to="pubsub.finesse.test"><pubsub xmlns="http://jabber.org/protocol/pubsub"><subscribe node="${node}" jid="agent1@finesse.test"/></pubsub></iq>`,
    );
  }
}

describe('ReplayServer', () => {
  let server: ReplayServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve(
    frames: Frame[],
    opts: Partial<ConstructorParameters<typeof ReplayServer>[0]> = {},
  ): Promise<{ url: string; conn: Promise<ReplayConnection> }> {
    server = new ReplayServer({ frames, speed: 0, ...opts });
    const url = await server.listen();
    assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\/ws\/$/);
    const conn = once(server, 'connection').then(([c]) => c as ReplayConnection);
    return { url, conn };
  }

  it('answers the handshake with the recorded replies, rewritten to the new client, then plays the pushes in order', async () => {
    const { url, conn } = await serve(recordedSession());
    const peer = await Peer.connect(url);
    assert.equal(await peer.login(), 'agent1@finesse.test/mine');
    peer.subscribe('my-sub-1');
    const result = await peer.next();
    assert.deepEqual(
      [result.attrs.type, result.attrs.id, result.attrs.to],
      ['result', 'my-sub-1', 'agent1@finesse.test/mine'],
    );
    const states: (string | undefined)[] = [];
    for (let i = 0; i < 3; i++) {
      const push = await peer.next();
      assert.equal(push.attrs.to, 'agent1@finesse.test/mine');
      states.push(decodeUpdate(push)?.state);
    }
    assert.deepEqual(states, ['NOT_READY', 'READY', 'TALKING']);
    const c = await conn;
    if (!c.done) await once(c, 'done');
    // Every frame both ways is captured in the server's store, the replayed ones flagged.
    const captured = [...(server as ReplayServer).store];
    assert.ok(captured.filter((f) => f.dir === 'in').every((f) => f.flags.replayed));
    assert.ok(captured.some((f) => f.dir === 'out' && f.raw.includes('my-sub-1')));
  });

  it('answers requests it never recorded (ping, an unknown iq) and a recorded one asked out of order (roster)', async () => {
    const { url } = await serve(recordedSession());
    const peer = await Peer.connect(url);
    await peer.login();
    peer.send(`<iq type="get" id="p1" to="finesse.test"><ping xmlns="urn:xmpp:ping"/></iq>`);
    const pong = await peer.next();
    assert.deepEqual([pong.attrs.type, pong.attrs.id], ['result', 'p1']);
    peer.send(`<iq type="get" id="v1"><vCard xmlns="vcard-temp"/></iq>`);
    const err = await peer.next();
    assert.equal(err.attrs.type, 'error');
    assert.ok(err.getChild('error')?.getChild('service-unavailable'));
    peer.send(`<iq type="get" id="my-roster"><query xmlns="jabber:iq:roster"/></iq>`);
    const roster = await peer.next();
    assert.deepEqual(
      [roster.attrs.id, roster.attrs.to, roster.getChild('query')?.attrs.ver],
      ['my-roster', 'agent1@finesse.test/mine', '1'],
    );
  });

  it('step mode: each push waits for step()', async () => {
    const { url, conn } = await serve(recordedSession(), { step: true });
    const peer = await Peer.connect(url);
    await peer.login();
    const c = await conn;
    const waitingForStep = new Promise<void>((resolve) => c.on('waiting', (w) => w.for === 'step' && resolve()));
    peer.subscribe('s1');
    assert.equal((await peer.next()).attrs.id, 's1');
    await waitingForStep;
    assert.equal(peer.pending, 0, 'no push before step()');
    for (const state of ['NOT_READY', 'READY', 'TALKING']) {
      const next = once(c, 'sent');
      assert.equal(server?.step(), 1);
      await next;
      assert.equal(decodeUpdate(await peer.next())?.state, state);
    }
    assert.equal(server?.step(), 0, 'nothing left to release');
  });

  it('step mode: a Next given while the script still waits for the client releases the push once it is due', async () => {
    const { url, conn } = await serve(recordedSession(), { step: true });
    const peer = await Peer.connect(url);
    await peer.login();
    const c = await conn;
    assert.notEqual(c.waiting.for, 'step', 'the script waits for the recorded subscribe');
    assert.equal(server?.step(), 1, 'the Next is kept');
    peer.subscribe('s1');
    assert.equal((await peer.next()).attrs.id, 's1');
    assert.equal(decodeUpdate(await peer.next())?.state, 'NOT_READY', 'the kept Next released the first push');
    if (c.waiting.for !== 'step')
      await new Promise<void>((resolve) => c.on('waiting', (w) => w.for === 'step' && resolve()));
    assert.equal(peer.pending, 0, 'one Next, one push');
  });

  it('plays on when the client never sends a recorded subscription, and ends with the recorded close', async () => {
    // Step mode puts the test in charge of the pace, so the one short wait below is the Team one.
    const { url, conn } = await serve(recordedSession({ teamSubscribe: true, serverClose: true }), { step: true });
    const srv = server as ReplayServer;
    const peer = await Peer.connect(url);
    await peer.login();
    const c = await conn;
    const step = async () => {
      if (c.waiting.for !== 'step')
        await new Promise<void>((resolve) => c.on('waiting', (w) => w.for === 'step' && resolve()));
      assert.ok(c.step());
    };
    peer.subscribe('s1');
    assert.equal((await peer.next()).attrs.id, 's1');
    srv.subscribeWaitMs = 1;
    const skipped = once(c, 'skipped');
    await step();
    assert.equal(decodeUpdate(await peer.next())?.state, 'NOT_READY');
    const [frame] = await skipped;
    assert.match((frame as Frame).raw, /Team\/1\/Users/);
    await step();
    assert.equal(decodeUpdate(await peer.next())?.state, 'READY');
    await step();
    assert.equal(decodeUpdate(await peer.next())?.state, 'TALKING');
    await step();
    await assert.rejects(peer.next(), /closed \(1000\)/);
  });

  it('answers the client <close/> with the framing close and closes the socket', async () => {
    const { url } = await serve(recordedSession());
    const peer = await Peer.connect(url);
    peer.send(`<close xmlns="${FRAMING}"/>`);
    assert.equal((await peer.next()).name, 'close');
    await once(peer.ws, 'close');
    assert.equal(peer.closeCode, 1000);
  });

  it('serves every connecting client its own replay', async () => {
    const { url } = await serve(recordedSession());
    const [a, b] = await Promise.all([Peer.connect(url), Peer.connect(url)]);
    assert.deepEqual(await Promise.all([a.login(), b.login()]), [
      'agent1@finesse.test/mine',
      'agent1@finesse.test/mine',
    ]);
  });
});
