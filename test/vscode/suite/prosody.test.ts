// The same command against a real, independent XMPP server: Prosody with a Finesse-shaped
// pubsub node, and an @xmpp/client publisher in the role of the Finesse notification server.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { nodes } from '../../../src/core/finesse/nodes';
import { userUpdate } from '../../../src/core/finesse/builders';
import { DOMAIN, Prosody } from '../../support/prosody';
import { Publisher } from '../../support/xmpp';
import { api, FinesseApi, waitForFrame } from './helpers';
import { probe } from './probe';

describe('Connect to a real Prosody', () => {
  let prosody: Prosody;
  let publisher: Publisher;
  let finesse: FinesseApi;
  let session: string;

  before(async () => {
    finesse = await api();
    prosody = await Prosody.start({ users: [{ user: 'agent1', password: 'prosody-pw-1' }] });
    publisher = await Publisher.start(prosody.wsUrl);
    await publisher.createNode(nodes.user('agent1'));
    // Finesse subscribes every agent to its own feeds; our client relies on that.
    await publisher.autoSubscribe(nodes.user('agent1'), 'agent1');
  });
  after(async () => {
    await vscode.commands.executeCommand('finesse.disconnect');
    await publisher?.stop();
    await prosody?.dispose();
  });

  it('finesse.connect logs in beside the desktop (its own resource, no subscribe of its own feeds), and a published Update arrives in the store', async () => {
    session = await vscode.commands.executeCommand<string>('finesse.connect', {
      url: prosody.wsUrl,
      domain: DOMAIN,
      user: 'agent1',
      password: 'prosody-pw-1',
    });
    assert.equal(typeof session, 'string');
    // connect resolves when online: the bind and the initial presence are in the store.
    const bound = await waitForFrame(
      finesse.store,
      (f) => f.session === session && f.dir === 'in' && f.raw.includes('<jid>'),
    );
    assert.ok(bound.raw.includes('agent1@finesse.test/finesse-frames'), bound.raw);
    await waitForFrame(finesse.store, (f) => f.session === session && f.dir === 'out' && f.raw.startsWith('<presence'));
    assert.ok(
      ![...finesse.store].some((f) => f.session === session && f.raw.includes('<subscribe')),
      "the agent's own feeds need no subscription",
    );
    await publisher.publish(
      nodes.user('agent1'),
      userUpdate({ id: 'agent1', loginName: 'agent1' }, 'READY', { requestId: 'vscode-prosody-1' }),
    );
    const update = await waitForFrame(
      finesse.store,
      (f) => f.session === session && f.dir === 'in' && f.raw.includes('vscode-prosody-1'),
    );
    assert.equal(update.kind, 'stanza');
  });

  it('the status bar says online and the panel lists the frames', async function () {
    if (!probe.available()) this.skip(); // the workbench DOM is read by the code-server runner
    const online = await probe.statusBar(/online/i);
    assert.ok(online.ok, `status bar: ${online.text}`);
    await vscode.commands.executeCommand('finesse.showFrames');
    const rows = await probe.webviewRows(3);
    assert.ok(rows.ok, `panel rows: ${rows.count} ${JSON.stringify(rows.texts)}`);
  });

  it('a wrong password fails the connect with an error, not a hang', async () => {
    await vscode.commands.executeCommand('finesse.disconnect');
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('finesse.connect', {
          url: prosody.wsUrl,
          domain: DOMAIN,
          user: 'agent1',
          password: 'wrong',
        }),
      ),
      (e: Error) => /auth|password|not-authorized|credentials/i.test(e.message),
    );
  });
});
