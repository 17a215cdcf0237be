// Start Proxy from the command: a raw WebSocket client (not our code) talks through the returned
// URL to the simulator, and both directions are captured.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as vscode from 'vscode';
import WebSocket from 'ws';
import { FinesseSimulator } from '../../../src/core/replay/simulator';
import { PUBSUB_NS } from '../../../src/core/finesse/builders';
import { nodes } from '../../../src/core/finesse/nodes';
import { startClient, xmppModule } from '../../support/xmpp';
import { api, FinesseApi, waitForFrame } from './helpers';

const OPEN = '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test" version="1.0"/>';

describe('Start Proxy', () => {
  let simulator: FinesseSimulator;
  let finesse: FinesseApi;
  let client: WebSocket | undefined;

  before(async () => {
    finesse = await api();
    simulator = new FinesseSimulator();
  });
  after(async () => {
    client?.terminate();
    await vscode.commands.executeCommand('finesse.stopProxy');
    await simulator?.close();
  });

  it('returns a local ws:// URL that forwards a real client to the target and captures both ways', async () => {
    const target = await simulator.listen();
    const url = await vscode.commands.executeCommand<string>('finesse.startProxy', { target });
    assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\//);
    const ws = (client = new WebSocket(url, 'xmpp'));
    await once(ws, 'open');
    assert.equal(ws.protocol, 'xmpp');
    const replies: string[] = [];
    const features = new Promise<void>((resolve) =>
      ws.on('message', (d) => {
        replies.push(String(d));
        if (String(d).includes('<stream:features') || String(d).includes('<features')) resolve();
      }),
    );
    ws.send(OPEN);
    await features;
    assert.ok(replies[0].startsWith('<open'), `first reply: ${replies[0]}`);
    const out = await waitForFrame(finesse.store, (f) => f.dir === 'out' && f.raw === OPEN);
    await waitForFrame(finesse.store, (f) => f.session === out.session && f.dir === 'in' && f.raw.includes('features'));
  });

  it('an independent XMPP client (@xmpp/client) logs in through it and gets Finesse Updates', async () => {
    const url = await vscode.commands.executeCommand<string>('finesse.startProxy', { target: simulator.url });
    const agent = await startClient({ service: url, username: 'agent1', password: 'agent1', resource: 'proxied' });
    try {
      const { xml } = await xmppModule();
      await agent.iqCaller.request(
        xml(
          'iq',
          { type: 'set', to: 'pubsub.finesse.test' },
          xml(
            'pubsub',
            { xmlns: PUBSUB_NS },
            xml('subscribe', { node: nodes.user('agent1'), jid: agent.jid?.toString() }),
          ),
        ),
      );
      await agent.iqCaller.request(
        xml(
          'iq',
          { type: 'set', to: 'pubsub.finesse.test' },
          xml(
            'pubsub',
            { xmlns: PUBSUB_NS },
            xml('subscribe', { node: nodes.userDialogs('agent1'), jid: agent.jid?.toString() }),
          ),
        ),
      );
      const [event] = await once(agent, 'stanza');
      assert.match(String(event), /&lt;Update&gt;/);
      await waitForFrame(
        finesse.store,
        (f) => f.dir === 'in' && f.raw.includes('&lt;Update&gt;') && f.raw.includes('proxied'),
      );
    } finally {
      await agent.stop();
    }
  });

  it('Stop Proxy closes the listener and the proxied client', async () => {
    const ws = client as WebSocket;
    const closed = once(ws, 'close');
    await vscode.commands.executeCommand('finesse.stopProxy');
    await closed;
  });
});
