/**
 * The outcome of a WebSocket opening handshake as a browser page would make it (with an Origin):
 * 'open', or the HTTP status and body line it was refused with.
 */
import WebSocket from 'ws';

export function handshake(url: string, origin?: string, opts: WebSocket.ClientOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['xmpp'], { ...opts, ...(origin ? { origin } : {}) });
    ws.on('open', () => {
      ws.terminate();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(`${res.statusCode} ${body.trim()}`));
    });
    ws.on('error', reject);
  });
}
