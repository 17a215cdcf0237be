/**
 * Bench child: a plain ws echo server on 127.0.0.1:0 (every message back with its own opcode,
 * subprotocol `xmpp` accepted). Prints {"port":N}.
 */
import { WebSocketServer } from 'ws';
import { serveRequests } from './children';

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: false,
  handleProtocols: (offered) => (offered.has('xmpp') ? 'xmpp' : false),
});
wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
wss.on('listening', () => {
  process.stdout.write(JSON.stringify({ port: (wss.address() as { port: number }).port }) + '\n');
  serveRequests(() => ({ clients: wss.clients.size, cpu: process.cpuUsage() }));
});
