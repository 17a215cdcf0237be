// The domain probe against the real simulator and a real Prosody-less ws server that says nothing.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { FinesseSimulator } from '../../../../src/core/replay/simulator';
import { probeStreamDomain } from '../../../../src/core/session/domainProbe';

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
});
