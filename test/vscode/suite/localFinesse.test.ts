// The local Finesse's own traffic in a real VS Code: a client that signs in to Finesse: Start
// Simulator over /ws/ (a raw WebSocket speaking RFC 7395, as a gadget would) and a REST call made
// with fetch show up without any proxy: the client's session is in the Sessions view under its
// JID, the REST calls beside it, and the panel reads the call with the Update it caused.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as vscode from 'vscode';
import WebSocket from 'ws';
import type { SimulatorUrls } from '../../../src/core/simulator/simulator';
import { api, FinesseApi, framesOf, waitForFrame } from './helpers';
import { probe } from './probe';

interface Entry {
  id: string;
  kind: string;
  state: string;
  frames: number;
  peer?: string;
  label: string;
}
type SessionsApi = FinesseApi & { sessions: { entries(): Entry[] } };

const FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';

/** The next text frame from the server that `match` takes. */
function nextFrame(ws: WebSocket, match: (raw: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const onMessage = (data: Buffer) => {
      const raw = data.toString('utf8');
      if (!match(raw)) return;
      ws.off('message', onMessage);
      resolve(raw);
    };
    ws.on('message', onMessage);
    ws.once('close', () => reject(new Error('the local Finesse closed the stream')));
  });
}

describe('the local Finesse: what it serves is in the panel and the Sessions view', () => {
  let finesse: SessionsApi;
  let ws: WebSocket | undefined;

  before(async () => {
    finesse = (await api()) as SessionsApi;
    finesse.store.clear();
  });
  after(async () => {
    ws?.terminate();
    await vscode.commands.executeCommand('finesse.stopSimulator');
  });

  it("a client's session is listed under its JID, its REST call beside it, and the call reads with its Update", async () => {
    const urls = await vscode.commands.executeCommand<SimulatorUrls>('finesse.startSimulator', { scenario: 'idle' });
    const client = (ws = new WebSocket(urls.listening, 'xmpp'));
    await once(client, 'open');
    const open = `<open xmlns="${FRAMING}" to="${urls.domain}" version="1.0"/>`;
    let reply = nextFrame(client, (r) => r.includes('<mechanism>PLAIN'));
    client.send(open);
    await reply;
    reply = nextFrame(client, (r) => r.startsWith('<success'));
    const plain = Buffer.from('\0agent1\0agent1').toString('base64');
    client.send(`<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">${plain}</auth>`);
    await reply;
    reply = nextFrame(client, (r) => r.includes('<bind'));
    client.send(open);
    await reply;
    reply = nextFrame(client, (r) => r.includes('type="result"'));
    client.send(
      '<iq xmlns="jabber:client" type="set" id="b1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><resource>vscode</resource></bind></iq>',
    );
    await reply;
    client.send('<presence xmlns="jabber:client"/>');
    await waitForFrame(finesse.store, (f) => f.dir === 'out' && f.raw.startsWith('<presence'));

    const answer = await fetch(`${urls.rest}User/agent1`, {
      method: 'PUT',
      headers: {
        Authorization: `Basic ${Buffer.from('agent1:agent1').toString('base64')}`,
        'Content-Type': 'application/xml',
        requestId: 'vs-local-1',
      },
      body: '<User><state>LOGIN</state><extension>1001</extension></User>',
    });
    assert.equal(answer.status, 202);
    const update = await waitForFrame(
      finesse.store,
      (f) => f.kind === 'stanza' && f.dir === 'in' && f.raw.includes('vs-local-1'),
    );

    const entries = finesse.sessions.entries();
    const mine = entries.find((e) => e.id === update.session);
    assert.equal(mine?.label, 'agent1@finesse.test/vscode', JSON.stringify(entries));
    assert.equal(mine?.kind, 'local');
    assert.equal(mine?.state, 'open');
    assert.equal(mine?.frames, framesOf(finesse.store, update.session).length);
    const request = finesse.store.slice().find((f) => f.kind === 'http' && f.raw.includes('requestId: vs-local-1'));
    assert.ok(request, 'the REST call is captured');
    assert.match(request.raw, /\nAuthorization: Basic \[redacted\]\n/);
    const rest = entries.find((e) => e.id === request.session);
    assert.equal(rest?.kind, 'local');
    assert.equal(rest?.label, `REST ${new URL(urls.rest).origin}`);

    await vscode.commands.executeCommand('finesse.showFrames');
    if (!probe.available()) return; // the webview's DOM is read by the code-server runner
    // The call's row gains its outcome once the panel's correlation has read the Update.
    const label = /PUT User\/agent1 → 202 · LOGIN in \d+ ms/;
    let texts: string[] = [];
    for (let tries = 0; tries < 20 && !texts.some((t) => label.test(t)); tries++)
      texts = (await probe.webviewRows(1, `.fx-row[data-id="${request.id}"]`)).texts;
    assert.ok(
      texts.some((t) => label.test(t)),
      `row text: ${JSON.stringify(texts)}`,
    );
  });
});
