/**
 * The upstream of the fault suite: a real ws server (the `ws` package, not the proxy's code) in
 * its own process, so a test can kill it, stop it (SIGSTOP) and start it again on the same port.
 *
 * It echoes every message back as it came, so a client that compares the echoes with what it
 * sent checks both directions at once. It also checks what it receives itself (each connection's
 * frames must be `seqFrame(conn, 0..n)` in order, exact text) for senders that read nothing
 * back (a browser that disappears). `<burst xmlns="urn:test" n="N" size="S"/>` makes it send N
 * frames `burstFrame(i, S)`, with backpressure, for slow-reader tests.
 *
 * argv: PORT (0 = any) [PING_MS: ping every client this often and terminate one that has not
 * answered the previous ping, the usual ws heartbeat]. Prints {"port":N}; answers each stdin
 * line with {open, received, verified, bad, buffered}.
 */
import { createInterface } from 'node:readline';
import { WebSocketServer, WebSocket } from 'ws';
import { burstFrame, checkSeqFrame } from './seqFrames';

const [port = '0', pingMs = '0'] = process.argv.slice(2);
const stats = { received: 0, verified: 0, bad: 0 };
const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: Number(port),
  perMessageDeflate: false,
  handleProtocols: (p) => (p.has('xmpp') ? 'xmpp' : false),
});
const alive = new WeakMap<WebSocket, boolean>();

wss.on('connection', (ws) => {
  alive.set(ws, true);
  ws.on('pong', () => alive.set(ws, true));
  const expect = { conn: undefined as string | undefined, seq: 0 };
  ws.on('message', (data, isBinary) => {
    const text = data.toString();
    const burst = /^<burst xmlns="urn:test" n="(\d+)" size="(\d+)"\/>$/.exec(text);
    if (burst) return sendBurst(ws, Number(burst[1]), Number(burst[2]));
    stats.received++;
    if (checkSeqFrame(text, expect)) stats.verified++;
    else stats.bad++;
    ws.send(data, { binary: isBinary });
  });
  ws.on('error', () => undefined);
});

function sendBurst(ws: WebSocket, n: number, size: number): void {
  let i = 0;
  const more = () => {
    // Hand frames to the socket only while it takes them: what piles up is the proxy's business.
    while (i < n && ws.readyState === WebSocket.OPEN) {
      ws.send(burstFrame(i++, size));
      if (ws.bufferedAmount > 1024 * 1024) return void ws._socket.once('drain', more);
    }
  };
  more();
}

if (Number(pingMs) > 0) {
  setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, Number(pingMs));
}

wss.on('listening', () => {
  process.stdout.write(JSON.stringify({ port: (wss.address() as { port: number }).port }) + '\n');
  createInterface({ input: process.stdin }).on('line', () => {
    let buffered = 0;
    for (const ws of wss.clients) buffered += ws.bufferedAmount + (ws._socket?.writableLength ?? 0);
    process.stdout.write(JSON.stringify({ open: wss.clients.size, ...stats, buffered }) + '\n');
  });
});
process.once('SIGTERM', () => process.exit(0));

declare module 'ws' {
  interface WebSocket {
    _socket: import('node:net').Socket;
  }
}
