// WsProxy against real local servers (ws, raw TCP, HTTPS with a self-signed certificate) and
// real clients: handshake relaying, byte-exact frames both ways, TCP-level close mirroring,
// sessions, live injection, backpressure, verified TLS upstream and refusals.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createHttpServer, get as httpGet, IncomingMessage, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import type { Frame } from '../../../../src/core/capture/frame';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { LiveSessionRegistry } from '../../../../src/core/capture/liveSession';
import type { ProxyPair } from '../../../../src/core/proxy/pair';
import { WsProxy } from '../../../../src/core/proxy/wsProxy';
import { FingerprintMismatchError } from '../../../../src/core/session/tls';
import { makeCert, TestCert } from '../../../support/wss';
import { waitForFrame } from '../../../support/frames';
import { closeBody, rawClient, rawFrame, RawServer } from './rawPeers';

const listening = async <T extends Server | WebSocketServer>(server: T): Promise<number> => {
  if (!(server.address() as AddressInfo | null)?.port) await once(server, 'listening');
  return (server.address() as AddressInfo).port;
};

/** A ws server that records what it got (and echoes, unless told otherwise). */
async function wsServer(opts: { echo?: boolean; protocols?: (offered: Set<string>) => string | false } = {}) {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: opts.protocols ?? ((p) => (p.has('xmpp') ? 'xmpp' : false)),
  });
  const port = await listening(wss);
  const requests: IncomingMessage[] = [];
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws, req) => {
    requests.push(req);
    sockets.push(ws);
    if (opts.echo !== false) ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }));
  });
  const next = () => once(wss, 'connection').then(([ws]) => ws as WebSocket);
  return {
    wss,
    url: `ws://127.0.0.1:${port}/ws`,
    requests,
    sockets,
    next,
    close: () => new Promise<void>((r) => (wss.clients.forEach((c) => c.terminate()), wss.close(() => r()))),
  };
}

async function connect(
  url: string,
  protocols: string[] = ['xmpp'],
  opts: WebSocket.ClientOptions = {},
): Promise<WebSocket> {
  const ws = new WebSocket(url, protocols, opts);
  await once(ws, 'open');
  return ws;
}

/** What a ws client gets when the handshake fails: the HTTP status, or the error text. */
function handshakeOutcome(url: string, protocols: string[] = ['xmpp']): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
    });
    ws.on('error', (e) => resolve(`error: ${e.message}`));
    ws.on('open', () => resolve(`open ${ws.protocol}`));
  });
}

/** The status of a plain HTTP GET (with an upgrade, the answer comes as 'upgrade' or 'response'). */
function status(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('upgrade', () => resolve(101));
    req.on('error', reject);
  });
}

const session = (store: FrameStore, id: string) => [...store].filter((f) => f.session === id);

describe('WsProxy', () => {
  const stores: FrameStore[] = [];
  const proxies: WsProxy[] = [];
  const cleanups: (() => Promise<unknown> | unknown)[] = [];

  async function start(target: string, opts: Partial<ConstructorParameters<typeof WsProxy>[1]> = {}) {
    const store = new FrameStore(10_000);
    const live = new LiveSessionRegistry();
    const proxy = new WsProxy(store, { target, live, ...opts });
    const url = await proxy.listen();
    stores.push(store);
    proxies.push(proxy);
    return { store, live, proxy, url };
  }

  afterEach(async () => {
    for (const p of proxies.splice(0)) await p.close();
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('listens on 127.0.0.1 and advertises ws://127.0.0.1:PORT/ws/', async () => {
    const server = await wsServer();
    cleanups.push(server.close);
    const { url, proxy } = await start(server.url);
    assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\/ws\/$/);
    assert.equal(proxy.url, url);
  });

  it('negotiates the subprotocol upstream first, keeps path and query, passes Origin and cookies', async () => {
    const server = await wsServer();
    cleanups.push(server.close);
    const { url, store, proxy } = await start(server.url, { allowedOrigins: ['https://finesse.example.com:8445'] });
    const sessionEvent = once(proxy, 'session');
    const client = await connect(`${url}?token=abc`, ['xmpp'], {
      origin: 'https://finesse.example.com:8445',
      headers: { cookie: 'JSESSIONID=42' },
    });
    cleanups.push(() => client.terminate());
    assert.equal(client.protocol, 'xmpp');
    const req = server.requests[0];
    assert.equal(req.url, '/ws?token=abc');
    assert.equal(req.headers.origin, 'https://finesse.example.com:8445');
    assert.equal(req.headers.cookie, 'JSESSIONID=42');
    assert.equal(req.headers['sec-websocket-protocol'], 'xmpp');
    const [info] = await sessionEvent;
    assert.match(info.label, /^proxy 127\.0\.0\.1:\d+$/);
    assert.equal(info.target, `${server.url}?token=abc`);
    assert.equal(store.sessions.get(info.id), info);
  });

  it('echoes what the server chose: no subprotocol fails the client exactly as directly', async () => {
    const server = await wsServer({ protocols: () => false });
    cleanups.push(server.close);
    const { url } = await start(server.url);
    const direct = await handshakeOutcome(server.url);
    assert.equal(direct, 'error: Server sent no subprotocol');
    assert.equal(await handshakeOutcome(url), direct);
    assert.equal(await handshakeOutcome(url, []), 'open ');
    // A server that picks a protocol the client did not offer: the client says so, as directly.
    const picky = await wsServer({ protocols: () => 'other' });
    cleanups.push(picky.close);
    const proxied = await start(picky.url);
    const pickyDirect = await handshakeOutcome(picky.url);
    assert.equal(pickyDirect, 'error: Server sent an invalid subprotocol');
    assert.equal(await handshakeOutcome(proxied.url), pickyDirect);
  });

  it("relays the server's refusal of the upgrade (status and body) and reports it", async () => {
    const http = createHttpServer((_req, res) =>
      res.writeHead(501, { 'content-type': 'text/plain' }).end('no xmpp here'),
    );
    http.on('upgrade', (_req, socket) =>
      socket.end('HTTP/1.1 501 Not Implemented\r\ncontent-type: text/plain\r\ncontent-length: 12\r\n\r\nno xmpp here'),
    );
    http.listen(0, '127.0.0.1');
    const port = await listening(http);
    cleanups.push(() => new Promise((r) => http.close(r)));
    const { url, proxy } = await start(`ws://127.0.0.1:${port}/ws`);
    const reported = once(proxy, 'error');
    const direct = await handshakeOutcome(`ws://127.0.0.1:${port}/ws`);
    assert.equal(direct, '501 no xmpp here');
    assert.equal(await handshakeOutcome(url), direct);
    const [err] = await reported;
    assert.match(err.message, /refused the WebSocket upgrade: 501/);
  });

  it('answers 502 when the server cannot be reached, and stays up', async () => {
    const gone = createHttpServer();
    gone.listen(0, '127.0.0.1');
    const port = await listening(gone);
    await new Promise((r) => gone.close(r));
    const { url, proxy } = await start(`ws://127.0.0.1:${port}/ws`);
    proxy.on('error', () => undefined);
    assert.match(await handshakeOutcome(url), /^502 finesse-frames proxy: upstream failed: connect ECONNREFUSED/);
    assert.match(await handshakeOutcome(url), /^502 /);
  });

  it('a plain GET is told to upgrade; a broken handshake gets the 4xx ws gives it', async () => {
    const server = await wsServer();
    cleanups.push(server.close);
    const { url } = await start(server.url);
    const http = url.replace('ws://', 'http://');
    assert.equal(await status(http), 426);
    assert.equal(
      await status(http, { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13' }),
      400,
    );
    assert.equal(server.requests.length, 0, 'nothing reached the server');
  });

  it('forwards every byte both ways unchanged: masks, fragments, reserved bits, invalid UTF-8, pings', async () => {
    const server = await RawServer.start();
    cleanups.push(() => server.close());
    const { url, store } = await start(server.url);
    const client = await rawClient(url);
    cleanups.push(() => client.socket.destroy());
    const up = await server.connection(0);

    const fromClient = Buffer.concat([
      rawFrame(0x1, '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test" version="1.0"/>'),
      rawFrame(0x1, '<mess', { fin: false }),
      rawFrame(0x9, 'mid-message ping'),
      rawFrame(0x0, 'age/>'),
      rawFrame(0x1, ' '),
      rawFrame(0x1, Buffer.from([0x3c, 0xc3, 0x28, 0x3e])), // invalid UTF-8
      rawFrame(0x2, Buffer.from([0, 1, 2, 3, 254, 255])),
      rawFrame(0x1, 'rsv', { rsv: 0x40 }),
      rawFrame(0x1, 'x'.repeat(70_000)),
      rawFrame(0x1, 'unmasked from a client', { mask: false }),
    ]);
    const fromServer = Buffer.concat([
      rawFrame(0x1, '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" from="finesse.test" id="s1" version="1.0"/>', {
        mask: false,
      }),
      rawFrame(0x9, '', { mask: false }),
      rawFrame(0x1, '<message><body>✓ unicode</body></message>', { mask: false }),
      rawFrame(0x2, Buffer.alloc(300, 7), { mask: false }),
    ]);
    // Written in odd pieces, so frames straddle reads.
    for (let i = 0; i < fromClient.length; i += 777) client.socket.write(fromClient.subarray(i, i + 777));
    for (let i = 0; i < fromServer.length; i += 5) up.socket.write(fromServer.subarray(i, i + 5));
    assert.deepEqual(await up.received.until(fromClient.length), fromClient);
    assert.deepEqual(await client.received.until(fromServer.length), fromServer);

    const lastIn = await waitForFrame(store, (f) => f.dir === 'in' && f.kind === 'binary');
    await waitForFrame(store, (f) => f.dir === 'out' && f.raw === 'unmasked from a client');
    const frames = [...store];
    assert.deepEqual(
      frames.filter((f) => f.dir === 'out').map((f) => f.kind),
      ['open', 'ping', 'stanza', 'text', 'text', 'binary', 'text', 'text', 'text'],
    );
    assert.equal(frames.find((f) => f.raw === '<message/>')?.bytes, 10);
    assert.deepEqual(
      frames.filter((f) => f.dir === 'in').map((f) => f.kind),
      ['open', 'ping', 'stanza', 'binary'],
    );
    assert.equal(lastIn.bytes, 300);
  });

  it("the close handshake goes end to end: the client gets the server's own answer", async () => {
    const server = await RawServer.start();
    cleanups.push(() => server.close());
    const { url, store } = await start(server.url);
    const client = await rawClient(url);
    const up = await server.connection(0);
    const close = rawFrame(0x8, closeBody(4000, 'bye'));
    client.socket.write(close);
    assert.deepEqual(await up.received.until(close.length), close);
    // A server that answers with its own code (as Prosody answers `1000 Goodbye`), then FIN.
    const answer = rawFrame(0x8, closeBody(1000, 'Goodbye'), { mask: false });
    up.socket.end(answer);
    assert.deepEqual(await client.received.until(answer.length), answer);
    assert.deepEqual(await client.closed, { hadEnd: true }, 'the FIN came through too');
    await waitForFrame(store, (f) => f.kind === 'closeframe' && f.dir === 'in');
    assert.deepEqual(
      [...store].filter((f) => f.kind === 'closeframe').map((f) => `${f.dir} ${f.raw} ${f.bytes}`),
      ['out 4000 bye 5', 'in 1000 Goodbye 9'],
    );
  });

  it('an abrupt end on one side ends the other the same way; ws on each side sees 1006', async () => {
    const server = await wsServer({ echo: false });
    cleanups.push(server.close);
    const { url, store, proxy } = await start(server.url);
    const sessionEvent = once(proxy, 'session');
    const client = await connect(url);
    const serverSide = server.sockets[0] ?? (await server.next());
    const [info] = await sessionEvent;
    const serverClosed = once(serverSide, 'close');
    (client as unknown as { _socket: { destroy(): void } })._socket.destroy();
    const [code] = await serverClosed;
    assert.equal(code, 1006);
    const abrupt = await waitForFrame(store, (f) => f.kind === 'closeframe');
    assert.deepEqual([abrupt.dir, abrupt.raw, abrupt.bytes], ['out', '1006', 0]);
    await waitForSessionEnd(store, info.id);

    // and the other way round
    const client2 = await connect(url);
    const serverSide2 = server.sockets[1] ?? (await server.next());
    const clientClosed = once(client2, 'close');
    serverSide2.terminate();
    const [code2] = await clientClosed;
    assert.equal(code2, 1006);
  });

  it('each client is its own session and live session; both end when the connection does', async () => {
    const server = await wsServer();
    cleanups.push(server.close);
    const { url, store, live, proxy } = await start(server.url);
    const ids: string[] = [];
    proxy.on('session', (s) => ids.push(s.id));
    const clients = await Promise.all([connect(url), connect(url), connect(url)]);
    clients.forEach((c, i) => c.send(`<presence id="p${i}"/>`));
    await Promise.all(clients.map((c) => once(c, 'message')));
    assert.equal(new Set(ids).size, 3);
    assert.equal(proxy.sessions, 3);
    assert.deepEqual(
      live
        .list()
        .map((s) => s.id)
        .sort(),
      [...ids].sort(),
    );
    await waitForFrame(store, () => store.size >= 6);
    for (const [i, id] of ids.entries()) {
      const frames = session(store, id);
      const out = frames.find((f) => f.dir === 'out') as Frame;
      const inbound = frames.find((f) => f.dir === 'in') as Frame;
      assert.equal(out.raw, inbound.raw);
      assert.match(out.raw, /^<presence id="p\d"\/>$/);
      assert.equal(frames.length, 2, `session ${i} has only its own frames`);
    }
    const removed = once(live, 'removed');
    clients[0].close(1000);
    await once(clients[0], 'close');
    await removed;
    await waitForSessionEnd(store, ids.find((id) => session(store, id).some((f) => f.kind === 'closeframe')) as string);
    assert.equal(live.list().length, 2);
    clients.slice(1).forEach((c) => c.terminate());
  });

  it('a live session injects frames both ways, captured as injected', async () => {
    const server = await wsServer({ echo: false });
    cleanups.push(server.close);
    const { url, store, live } = await start(server.url);
    const added = once(live, 'added');
    const client = await connect(url);
    cleanups.push(() => client.terminate());
    const serverSide = server.sockets[0] ?? (await server.next());
    const [pair] = await added;
    assert.deepEqual(pair.directions, ['in', 'out']);

    const atServer = once(serverSide, 'message');
    const sentOut = pair.send('out', '<iq type="get" id="inj1"/>', { injected: true });
    const [data, isBinary] = await atServer;
    assert.equal(isBinary, false);
    assert.equal(data.toString(), '<iq type="get" id="inj1"/>');
    const atClient = once(client, 'message');
    const sentIn = pair.send('in', '<message><body>from the debugger</body></message>', { injected: true });
    assert.equal((await atClient)[0].toString(), '<message><body>from the debugger</body></message>');
    assert.deepEqual([sentOut?.dir, sentOut?.kind, sentOut?.flags.injected], ['out', 'stanza', true]);
    assert.deepEqual([sentIn?.dir, sentIn?.flags.injected], ['in', true]);
    assert.equal(store.get(sentOut?.id as number), sentOut);
  });

  it('close(): both peers get 1001 and the sessions end', async () => {
    const server = await wsServer({ echo: false });
    cleanups.push(server.close);
    const { url, store, proxy } = await start(server.url);
    const client = await connect(url);
    const serverSide = server.sockets[0] ?? (await server.next());
    const clientClosed = once(client, 'close');
    const serverClosed = once(serverSide, 'close');
    await proxy.close();
    proxies.splice(proxies.indexOf(proxy), 1);
    assert.deepEqual((await clientClosed).map(String), ['1001', 'proxy closing']);
    assert.deepEqual((await serverClosed).map(String), ['1001', 'proxy closing']);
    const [info] = [...store.sessions.values()];
    assert.ok(info.ended);
    assert.deepEqual(
      [...store].filter((f) => f.flags.injected).map((f) => `${f.dir} ${f.raw}`),
      ['in 1001 proxy closing', 'out 1001 proxy closing'],
    );
  });

  it('a slow reader pauses the other side: the proxy holds at most its high-water mark, nothing is lost', async () => {
    const server = await wsServer({ echo: false });
    cleanups.push(server.close);
    const highWater = 256 * 1024;
    const { url, live } = await start(server.url, { highWater });
    const added = once(live, 'added');
    const client = await connect(url);
    cleanups.push(() => client.terminate());
    const serverSide = server.sockets[0] ?? (await server.next());
    const pair = (await added)[0] as ProxyPair;
    // The server stops reading; the client keeps sending.
    (serverSide as unknown as { _socket: { pause(): void } })._socket.pause();
    const paused = once(pair, 'pressure');
    const chunk = 'x'.repeat(64 * 1024);
    const total = 200;
    for (let i = 0; i < total; i++) client.send(`${String(i).padStart(4, '0')}${chunk}`);
    assert.deepEqual(await paused, ['out', true]);
    // What the proxy holds is bounded by the mark plus one read, not by what the client sent:
    // the rest waits in the client and the kernel.
    assert.ok(pair.queued('out') < highWater + 256 * 1024, `proxy holds ${pair.queued('out')} bytes`);
    assert.ok(client.bufferedAmount > 0, 'the client is held back');
    // The server reads again: everything arrives, in order, unchanged.
    const got: string[] = [];
    const all = new Promise<void>((resolve) =>
      serverSide.on('message', (d) => {
        got.push(d.toString().slice(0, 4));
        if (got.length === total) resolve();
      }),
    );
    (serverSide as unknown as { _socket: { resume(): void } })._socket.resume();
    await all;
    assert.deepEqual(
      got,
      Array.from({ length: total }, (_, i) => String(i).padStart(4, '0')),
    );
  });

  describe('wss:// upstream (verified TLS)', () => {
    let cert: TestCert;
    let port: number;
    let stop: () => Promise<void>;
    before(async () => {
      cert = await makeCert();
      const https = createHttpsServer({ key: cert.key, cert: cert.cert });
      const wss = new WebSocketServer({ server: https, handleProtocols: (p) => (p.has('xmpp') ? 'xmpp' : false) });
      wss.on('connection', (ws) => ws.on('message', (d, b) => ws.send(d as Buffer, { binary: b })));
      https.listen(0, '127.0.0.1');
      port = await listening(https);
      stop = () => new Promise((r) => (wss.clients.forEach((c) => c.terminate()), https.close(() => r())));
    });
    after(async () => {
      await stop?.();
      cert?.dispose();
    });

    async function echoThrough(url: string): Promise<string> {
      const client = await connect(url);
      client.send('<presence/>');
      const [data] = await once(client, 'message');
      client.terminate();
      return data.toString();
    }

    it('trusts a CA file', async () => {
      const { url } = await start(`wss://127.0.0.1:${port}/ws/`, { trust: { caFile: cert.file } });
      assert.equal(await echoThrough(url), '<presence/>');
    });

    it('trusts a pinned fingerprint', async () => {
      const { url } = await start(`wss://127.0.0.1:${port}/ws/`, { trust: { fingerprint: cert.fingerprint } });
      assert.equal(await echoThrough(url), '<presence/>');
    });

    it('refuses an unknown certificate or a wrong pin: 502 to the client, the error to the proxy', async () => {
      const plain = await start(`wss://127.0.0.1:${port}/ws/`);
      const plainError = once(plain.proxy, 'error');
      assert.match(await handshakeOutcome(plain.url), /^502 .*self-signed certificate/);
      assert.match((await plainError)[0].message, /self-signed certificate/);

      const pinned = await start(`wss://127.0.0.1:${port}/ws/`, { trust: { fingerprint: 'AB'.repeat(32) } });
      const pinError = once(pinned.proxy, 'error');
      assert.match(await handshakeOutcome(pinned.url), /^502 .*does not match the pinned/);
      assert.ok((await pinError)[0] instanceof FingerprintMismatchError);
    });
  });
});

function waitForSessionEnd(store: FrameStore, id: string): Promise<void> {
  if (store.sessions.get(id)?.ended) return Promise.resolve();
  return new Promise((resolve) => {
    const on = (s: { id: string; ended?: number }) => {
      if (s.id !== id || !s.ended) return;
      store.off('session', on);
      resolve();
    };
    store.on('session', on);
  });
}
