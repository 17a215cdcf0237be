/**
 * Load test child: the real server side. A ws server (not the proxy's code) that verifies every
 * frame it gets (order, hash, exact text) and echoes it back. Prints {"port":N}; answers
 * {"verdict":true} with what it saw.
 */
import { WebSocketServer } from 'ws';
import { serveRequests } from './children';
import { Verifier } from './loadFrames';

const verifier = new Verifier();
const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: false,
  handleProtocols: (p) => (p.has('xmpp') ? 'xmpp' : false),
});
wss.on('connection', (ws) =>
  ws.on('message', (data, isBinary) => {
    verifier.check(data.toString());
    ws.send(data as Buffer, { binary: isBinary });
  }),
);
wss.on('listening', () => {
  process.stdout.write(JSON.stringify({ port: (wss.address() as { port: number }).port }) + '\n');
  serveRequests(() => verifier.verdict());
});
