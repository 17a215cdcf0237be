// The domain probe against the real simulator and a real Prosody-less ws server that says nothing.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { FinesseSimulator } from '../../../../src/core/replay/simulator';
import { probeServer, probeStreamDomain } from '../../../../src/core/session/domainProbe';

describe('probeStreamDomain', () => {
  it('reads the domain from the server’s <open/>, not the URL host', async () => {
    const sim = new FinesseSimulator({ domain: 'finesse.lab.example' });
    const url = await sim.listen();
    try {
      assert.match(url, /127\.0\.0\.1/);
      assert.equal(await probeStreamDomain(url), 'finesse.lab.example');
    } finally {
      await sim.close();
    }
  });

  it('answers undefined, without throwing, when nothing useful comes back', async () => {
    const silent = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => 'xmpp' });
    await once(silent, 'listening');
    const { port } = silent.address() as AddressInfo;
    silent.on('connection', (ws) =>
      ws.on('message', () => ws.send('<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>')),
    );
    try {
      assert.equal(await probeStreamDomain(`ws://127.0.0.1:${port}/ws/`), undefined);
      assert.equal(await probeStreamDomain('not a url'), undefined);
      silent.close();
      assert.equal(await probeStreamDomain(`ws://127.0.0.1:${port}/ws/`, { timeoutMs: 2000 }), undefined);
    } finally {
      silent.close();
    }
  });

  it('says a URL nothing answers at is unreachable, and why; a server that answers is reachable', async () => {
    const sim = new FinesseSimulator({ domain: 'finesse.lab.example' });
    const url = await sim.listen();
    const port = Number(new URL(url).port);
    try {
      assert.deepEqual(await probeServer(url), { reachable: true, domain: 'finesse.lab.example' });
    } finally {
      await sim.close();
    }
    // The port the simulator had is closed now: refused, said with the host and port.
    assert.deepEqual(await probeServer(url), {
      reachable: false,
      reason: `nothing listens on 127.0.0.1:${port} (connection refused)`,
    });
    // An HTTP server that is not a WebSocket at that path.
    const http = createServer((_, res) => res.writeHead(404).end());
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    try {
      const { port: p } = http.address() as AddressInfo;
      const probed = await probeServer(`ws://127.0.0.1:${p}/nope/`);
      assert.equal(probed.reachable, false);
      assert.match(probed.reason ?? '', new RegExp(`^127\\.0\\.0\\.1:${p} answered HTTP 404, not a WebSocket upgrade`));
    } finally {
      http.close();
    }
    assert.deepEqual(await probeServer('not a url'), { reachable: false, reason: 'Invalid URL' });
  });
});
