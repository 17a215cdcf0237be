/**
 * Bench child: the floor for any proxy on this machine, a plain TCP relay to PORT (no WebSocket
 * parsing, no capture, no store): bytes in, bytes out, with backpressure. The client's
 * WebSocket handshake simply passes through it. Prints {"url":…}; answers with its CPU time.
 */
import net from 'node:net';
import { serveRequests } from './children';

const port = Number(process.argv[2]);
const server = net.createServer((client) => {
  const upstream = net.connect(port, '127.0.0.1');
  for (const s of [client, upstream]) s.setNoDelay(true);
  const relay = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk) => {
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
    from.on('end', () => to.end());
    from.on('error', () => to.destroy());
  };
  relay(client, upstream);
  relay(upstream, client);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(
    JSON.stringify({ url: `ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/ws/` }) + '\n',
  );
  serveRequests(() => ({ cpu: process.cpuUsage() }));
});
