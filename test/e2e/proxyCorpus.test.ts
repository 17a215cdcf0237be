// The proxy is invisible: a corpus of odd and malformed input gives the same result through the
// proxy as directly. Against real Prosody (an independent ws client records what it sees:
// messages, pongs, close code and reason), and against raw byte-level peers, where "the same"
// means the very same bytes on the wire in both directions.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import WebSocket from 'ws';
import { FrameStore } from '../../src/core/capture/frameStore';
import { WsProxy } from '../../src/core/proxy/wsProxy';
import { Prosody } from '../support/prosody';
import { waitForFrame } from '../support/frames';
import { closeBody, rawClient, rawFrame, RawServer } from '../unit/core/proxy/rawPeers';

const OPEN = '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test" version="1.0"/>';
const MB5 = 5 * 1024 * 1024;

/**
 * Prosody's stream ids are random and its attribute order follows Lua table order, which
 * varies by connection: ids become `*` and attributes are sorted. Everything else must match.
 */
function normalize(xml: string): string {
  return xml.replace(
    /<([\w:-]+)((?:\s+[\w:.-]+=(?:'[^']*'|"[^"]*"))*)\s*(\/?)>/g,
    (_m, name: string, attrs: string, slash: string) => {
      const list = (attrs.match(/[\w:.-]+=(?:'[^']*'|"[^"]*")/g) ?? [])
        .map((a) => (a.startsWith('id=') ? 'id=*' : a))
        .sort();
      return `<${[name, ...list].join(' ')}${slash}>`;
    },
  );
}

/** A ws client that records, in order, everything the server does to it. */
class Observer {
  readonly events: string[] = [];
  readonly ws: WebSocket;
  private readonly done: Promise<string[]>;
  private messages = 0;
  private waiters: { n: number; resolve: () => void }[] = [];

  constructor(url: string) {
    this.ws = new WebSocket(url, ['xmpp']);
    this.ws.on('message', (data, isBinary) => {
      this.events.push(`${isBinary ? 'binary' : 'text'} ${normalize(data.toString())}`);
      this.messages++;
      this.waiters = this.waiters.filter((w) => (this.messages >= w.n ? (w.resolve(), false) : true));
    });
    this.ws.on('pong', (data) => this.events.push(`pong ${data}`));
    this.ws.on('ping', (data) => this.events.push(`ping ${data}`));
    this.ws.on('error', (e) => this.events.push(`error ${e.message}`));
    this.done = new Promise((resolve) =>
      this.ws.on('close', (code, reason) => {
        this.events.push(`close ${code} ${reason}`);
        resolve(this.events);
      }),
    );
  }

  opened(): Promise<void> {
    return once(this.ws, 'open').then(() => undefined);
  }
  /** Resolves once `n` messages have arrived. */
  messagesIn(n: number): Promise<void> {
    if (this.messages >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
  closed(): Promise<string[]> {
    return this.done;
  }
}

/** Starts a stream and waits for Prosody's <open/> and <stream:features/>. */
async function streamStarted(o: Observer): Promise<void> {
  o.ws.send(OPEN);
  await o.messagesIn(2);
}

interface Case {
  name: string;
  /** What the client does; the connection is open. */
  steps: (o: Observer) => Promise<void> | void;
  /** What Prosody does about it, as seen directly (the proxied run must see the same). */
  expect: RegExp;
}

const cases: Case[] = [
  { name: 'non-XML text', steps: (o) => o.ws.send('hello'), expect: /^close 1007 Invalid payload start character/ },
  { name: 'whitespace keepalive', steps: (o) => o.ws.send(' '), expect: /^close 1007 / },
  {
    name: 'binary frame',
    steps: (o) => o.ws.send(Buffer.from([0, 1, 2, 255])),
    expect: /^close 1003 Only text frames are supported/,
  },
  {
    name: 'malformed XML',
    steps: async (o) => {
      await streamStarted(o);
      o.ws.send('<message><unclosed></message>');
    },
    expect: /not-well-formed/,
  },
  {
    name: 'invalid UTF-8 in a text frame',
    steps: async (o) => {
      await streamStarted(o);
      o.ws.send(Buffer.from([0x3c, 0x61, 0xff, 0xfe, 0x2f, 0x3e]), { binary: false });
    },
    expect: /stream:error/,
  },
  {
    name: 'unicode stanza before authentication',
    steps: async (o) => {
      await streamStarted(o);
      o.ws.send('<message to="agent1@finesse.test"><body>héllo ✓ 日本 🎉</body></message>');
    },
    expect: /unsupported-stanza-type[\s\S]*close 1000 Stream closed$/,
  },
  {
    name: 'a fragmented message (RFC 7395 forbids it; Prosody says so only if it sees the fragments)',
    steps: async (o) => {
      await streamStarted(o);
      o.ws.send('<presence', { fin: false });
      o.ws.send('/>', { fin: true });
    },
    expect: /close 1003 Continuation frames are not supported/,
  },
  {
    // (A frame over Prosody's 256 KB limit is refused from its header on and the connection is
    // reset mid-upload, so what the client reads first is a race even directly: the 5 MB frame
    // is checked byte for byte against the raw peers below.)
    name: 'a large (200 KB) stanza',
    steps: async (o) => {
      await streamStarted(o);
      o.ws.send(`<message><body>${'x'.repeat(200 * 1024)}</body></message>`);
    },
    expect: /unsupported-stanza-type/,
  },
  {
    name: 'ping from the client (answered by the server, not by the proxy)',
    steps: async (o) => {
      const pong = once(o.ws, 'pong');
      o.ws.ping('hb-1');
      await pong;
      o.ws.close(1000);
    },
    expect: /^pong hb-1\nclose 1000 Goodbye$/,
  },
  {
    name: 'client close with a code and reason (the answer is the server’s own)',
    steps: async (o) => {
      await streamStarted(o);
      o.ws.close(4000, 'bye from the client');
    },
    expect: /close 1000 Goodbye$/,
  },
  { name: 'client close without a code', steps: (o) => o.ws.close(), expect: /^close 1000 Goodbye$/ },
  {
    name: 'the stream closed by the client, then the server closes',
    steps: async (o) => {
      await streamStarted(o);
      o.ws.send('<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>');
    },
    expect: /text <close xmlns='urn:ietf:params:xml:ns:xmpp-framing'\/>\nclose 1000 /,
  },
];

describe('proxy corpus: Prosody sees and answers the same through the proxy as directly', () => {
  let prosody: Prosody;
  let proxy: WsProxy;
  let store: FrameStore;
  let url: string;

  before(async () => {
    prosody = await Prosody.start();
    store = new FrameStore(10_000);
    proxy = new WsProxy(store, { target: prosody.wsUrl });
    url = await proxy.listen();
  });
  after(async () => {
    await proxy?.close();
    await prosody?.dispose();
  });

  async function outcome(target: string, steps: Case['steps']): Promise<string> {
    const o = new Observer(target);
    await o.opened();
    await steps(o);
    return (await o.closed()).join('\n');
  }

  for (const c of cases) {
    it(c.name, async () => {
      const direct = await outcome(prosody.wsUrl, c.steps);
      assert.match(direct, c.expect, `what Prosody does directly:\n${direct}`);
      assert.equal(await outcome(url, c.steps), direct);
    });
  }

  it('the proxied frames are captured, including the ones Prosody refused', async () => {
    const frames = [...store];
    assert.ok(frames.some((f) => f.dir === 'out' && f.kind === 'text' && f.raw === 'hello'));
    assert.ok(
      frames.some(
        (f) => f.dir === 'out' && f.kind === 'binary' && f.raw === Buffer.from([0, 1, 2, 255]).toString('base64'),
      ),
    );
    assert.ok(
      frames.some(
        (f) => f.dir === 'in' && f.kind === 'closeframe' && f.raw.startsWith('1007 Invalid payload start character'),
      ),
    );
    assert.ok(frames.some((f) => f.dir === 'out' && f.kind === 'ping' && f.raw === 'hb-1'));
    assert.ok(frames.some((f) => f.dir === 'in' && f.kind === 'pong' && f.raw === 'hb-1'));
    assert.ok(frames.some((f) => f.dir === 'out' && f.kind === 'closeframe' && f.raw === '4000 bye from the client'));
  });

  it('a server going down: the client gets every byte the server managed to send, then the same end', async () => {
    // Which sessions Prosody still says goodbye to while exiting is its own race, even directly;
    // what must hold is that the proxied client sees exactly what reached the proxy, and then
    // the end the proxy saw (the server's close frame, or 1006 for none).
    const sessionStarted = once(proxy, 'session');
    const proxied = new Observer(url);
    await proxied.opened();
    const [{ id }] = await sessionStarted;
    await streamStarted(proxied);
    await prosody.stop();
    const seen = await proxied.closed();
    const end = await waitForFrame(store, (f) => f.session === id && f.dir === 'in' && f.kind === 'closeframe');
    const delivered = [...store].filter(
      (f) => f.session === id && f.dir === 'in' && f.id < end.id && f.kind !== 'closeframe',
    );
    const code = end.raw.split(' ')[0];
    assert.deepEqual(seen, [
      ...delivered.map((f) => `text ${normalize(f.raw)}`),
      `close ${code === '1006' ? '1006 ' : end.raw}`,
    ]);
    assert.match(seen.join('\n'), /^text <open[\s\S]*<stream:features/);
  });
});

describe('proxy corpus: the very same bytes, both ways (raw peers)', () => {
  let server: RawServer;
  let proxy: WsProxy;
  let store: FrameStore;
  let url: string;
  let count = 0;

  before(async () => {
    server = await RawServer.start();
    store = new FrameStore(50_000);
    proxy = new WsProxy(store, { target: server.url });
    url = await proxy.listen();
  });
  after(async () => {
    await proxy?.close();
    await server?.close();
  });

  /** Client bytes to the server and server bytes to the client, through the proxy. */
  async function exchange(fromClient: Buffer, fromServer: Buffer) {
    const client = await rawClient(url);
    const up = await server.connection(count++);
    client.socket.write(fromClient);
    up.socket.write(fromServer);
    const [atServer, atClient] = await Promise.all([
      up.received.until(fromClient.length),
      client.received.until(fromServer.length),
    ]);
    return { client, up, atServer, atClient };
  }

  const corpus: [string, Buffer, Buffer][] = [
    [
      'malformed XML',
      rawFrame(1, '<message><unclosed></message>'),
      rawFrame(1, '<iq type="result"><bad', { mask: false }),
    ],
    [
      'whitespace keepalives',
      Buffer.concat([rawFrame(1, ' '), rawFrame(1, '\n'), rawFrame(1, '\r\n\t ')]),
      rawFrame(1, ' ', { mask: false }),
    ],
    ['binary', rawFrame(2, Buffer.from([0, 0xff, 0x80, 0x7f])), rawFrame(2, Buffer.alloc(1000, 0xab), { mask: false })],
    ['unicode', rawFrame(1, '<body>héllo ✓ 日本 🎉</body>'), rawFrame(1, '<body>Ünïcødé — ok</body>', { mask: false })],
    [
      'invalid UTF-8',
      rawFrame(1, Buffer.from([0x3c, 0xc3, 0x28, 0xa0, 0xa1, 0x3e])),
      rawFrame(1, Buffer.from([0xed, 0xa0, 0x80]), { mask: false }),
    ],
    [
      'fragments with a ping between them',
      Buffer.concat([rawFrame(1, '<a', { fin: false }), rawFrame(9, 'mid'), rawFrame(0, '/>')]),
      Buffer.concat([rawFrame(1, '<b', { fin: false, mask: false }), rawFrame(0, '/>', { mask: false })]),
    ],
    [
      'ping and pong both ways',
      Buffer.concat([rawFrame(9, 'c-ping'), rawFrame(10, 's-ping')]),
      Buffer.concat([rawFrame(9, 's-ping', { mask: false }), rawFrame(10, 'c-ping', { mask: false })]),
    ],
    [
      'reserved bits and opcodes, unmasked client frame',
      Buffer.concat([rawFrame(1, 'rsv1', { rsv: 0x40 }), rawFrame(3, 'op3'), rawFrame(1, 'no mask', { mask: false })]),
      rawFrame(0xb, 'ctl', { mask: false }),
    ],
    ['a huge 5 MB frame each way', rawFrame(1, 'c'.repeat(MB5)), rawFrame(1, 's'.repeat(MB5), { mask: false })],
  ];

  for (const [name, fromClient, fromServer] of corpus) {
    it(name, async () => {
      const { client, atServer, atClient } = await exchange(fromClient, fromServer);
      assert.ok(atServer.equals(fromClient), 'server got the client bytes unchanged');
      assert.ok(atClient.equals(fromServer), 'client got the server bytes unchanged');
      client.socket.destroy();
    });
  }

  it('10,000 frames in order, unchanged, every one captured', async () => {
    const frames = Array.from({ length: 10_000 }, (_, i) =>
      rawFrame(1, `<message id="m${i}"><body>${'z'.repeat(i % 300)}</body></message>`),
    );
    const before = store.lastId;
    const { client, atServer } = await exchange(Buffer.concat(frames), Buffer.alloc(0));
    assert.ok(atServer.equals(Buffer.concat(frames)));
    const last = await waitForFrame(store, (f) => f.raw.startsWith('<message id="m9999"'), before);
    const ids = [...store]
      .filter((f) => f.id > before && f.id <= last.id && f.raw.startsWith('<message id="m'))
      .map((f) => /id="m(\d+)"/.exec(f.raw)?.[1]);
    assert.deepEqual(
      ids,
      Array.from({ length: 10_000 }, (_, i) => String(i)),
    );
    client.socket.destroy();
  });

  for (const [who, code, reason] of [
    ['client', 4000, 'client says bye'],
    ['server', 1001, 'server going away'],
  ] as const) {
    it(`a close frame with a code and reason from the ${who}, the answer, then the FIN`, async () => {
      const client = await rawClient(url);
      const up = await server.connection(count++);
      const [first, second] = who === 'client' ? [client, up] : [up, client];
      const close = rawFrame(8, closeBody(code, reason), { mask: who === 'client' ? undefined : false });
      first.socket.write(close);
      assert.ok((await second.received.until(close.length)).equals(close));
      const answer = rawFrame(8, closeBody(1000, 'ok'), { mask: who === 'client' ? false : undefined });
      second.socket.end(answer);
      assert.ok((await first.received.until(answer.length)).equals(answer));
      assert.deepEqual(await first.closed.then((c) => c.hadEnd), true);
      first.socket.destroy();
    });
  }

  it('a close frame without a code passes as it is', async () => {
    const { client } = await exchange(rawFrame(8, ''), rawFrame(8, '', { mask: false }));
    client.socket.destroy();
  });

  it('an abrupt end: the socket destroyed on one side ends the other side without a close frame', async () => {
    const client = await rawClient(url);
    const up = await server.connection(count++);
    client.socket.destroy();
    const { hadEnd } = await up.closed;
    assert.equal(hadEnd, true, 'a FIN, as a destroyed socket sends directly');
    assert.equal(up.received.bytes().length, 0, 'and no close frame');
  });
});
