// Every WebSocket listener built on listenForUpgrades (the proxy, the replay server) refuses a
// cross-site browser page with 403 and lets loopback pages and non-browser clients in.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { WsProxy } from '../../../../src/core/proxy/wsProxy';
import { ReplayServer } from '../../../../src/core/replay/replayServer';
import { handshake } from '../../../support/handshake';
import { recordedSession } from '../replay/recordedSession';

interface Listener {
  url: string;
  close(): Promise<void>;
}

async function echoServer(): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'xmpp' });
  await once(wss, 'listening');
  const port = (wss.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}/ws/`,
    close: () => new Promise((r) => (wss.clients.forEach((c) => c.terminate()), wss.close(() => r()))),
  };
}

const listeners: Record<string, (allowed?: string[]) => Promise<Listener>> = {
  proxy: async (allowed) => {
    const upstream = await echoServer();
    const proxy = new WsProxy(new FrameStore(), { target: upstream.url, allowedOrigins: allowed });
    const url = await proxy.listen();
    return { url, close: async () => (await proxy.close(), await upstream.close()) };
  },
  'replay server': async (allowed) => {
    const server = new ReplayServer({ frames: recordedSession(), speed: 0, allowedOrigins: allowed });
    const url = await server.listen();
    return { url, close: () => server.close() };
  },
};

for (const [name, start] of Object.entries(listeners)) {
  describe(`Origin check on the ${name}`, () => {
    let listener: Listener | undefined;
    afterEach(async () => {
      await listener?.close();
      listener = undefined;
    });

    it('refuses a cross-site page with 403 and a one-line reason', async () => {
      listener = await start();
      assert.match(
        await handshake(listener.url, 'https://evil.example'),
        /^403 finesse-frames: cross-site Origin "https:\/\/evil\.example" refused; allow it with --allow-origin/,
      );
    });

    it('accepts a loopback page and a client without Origin', async () => {
      listener = await start();
      assert.equal(await handshake(listener.url, 'http://localhost:5173'), 'open');
      assert.equal(await handshake(listener.url, 'http://127.0.0.1:8080'), 'open');
      assert.equal(await handshake(listener.url), 'open');
    });

    it('accepts a cross-site page the user allowed', async () => {
      listener = await start(['https://gadgets.example.org']);
      assert.equal(await handshake(listener.url, 'https://gadgets.example.org'), 'open');
      assert.match(await handshake(listener.url, 'https://evil.example'), /^403 /);
    });
  });
}

describe('Origin check on the proxy: the target server', () => {
  it('accepts pages of the server it forwards to (the real desktop pointed at the proxy)', async () => {
    const upstream = await echoServer();
    const proxy = new WsProxy(new FrameStore(), { target: upstream.url.replace('127.0.0.1', 'localhost') });
    try {
      const url = await proxy.listen();
      const port = new URL(upstream.url).port;
      assert.equal(await handshake(url, `http://localhost:${port}`), 'open');
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });
});
