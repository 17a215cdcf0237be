// Sessions in a real VS Code: a session captured from the simulator is saved (password nowhere
// in the file), opened in the read-only viewer (a corrupt file opens with its bad lines named),
// exported and imported as HAR, and replayed to an independent @xmpp/client.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FrameStore } from '../../../src/core/capture/frameStore';
import { FinesseSimulator } from '../../../src/core/replay/simulator';
import { PUBSUB_NS } from '../../../src/core/finesse/builders';
import { nodes } from '../../../src/core/finesse/nodes';
import { decodeUpdate } from '../../../src/core/finesse/update';
import { parseXml } from '../../../src/core/xmpp/xml';
import { plainPayload } from '../../../src/core/xmpp/sasl';
import { startClient, xmppModule } from '../../support/xmpp';
import { api, extension, FinesseApi, framesOf, waitForFrame } from './helpers';
import { probe } from './probe';

const PASSWORD = 'sessions-secret-91c2';

describe('Sessions: save, open, HAR, replay', () => {
  let simulator: FinesseSimulator;
  let finesse: FinesseApi;
  let session: string;
  let dir: string;
  let saved: string;
  const fixtures = () => join(extension().extensionPath, 'test', 'fixtures');

  before(async () => {
    finesse = await api();
    dir = mkdtempSync(join(tmpdir(), 'finesse-sessions-'));
    simulator = new FinesseSimulator({ users: { agent1: PASSWORD }, speed: 50 });
    const url = await simulator.listen();
    session = await vscode.commands.executeCommand<string>('finesse.connect', {
      url,
      domain: 'finesse.test',
      user: 'agent1',
      password: PASSWORD,
    });
    await waitForFrame(finesse.store, (f) => f.session === session && f.dir === 'in' && f.raw.includes('req-wrapup-'));
    await vscode.commands.executeCommand('finesse.disconnect');
  });
  after(async () => {
    await vscode.commands.executeCommand('finesse.stopReplay');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await simulator?.close();
  });

  it('Save Session streams the store to a file; SASL and the profile password are redacted', async () => {
    saved = (await vscode.commands.executeCommand<string>('finesse.saveSession', {
      path: join(dir, 'captured.finesse-session'),
    })) as string;
    const text = readFileSync(saved, 'utf8');
    assert.ok(!text.includes(PASSWORD), 'the password is not in the file');
    assert.ok(!text.includes(plainPayload('agent1', PASSWORD)), 'the SASL payload is not in the file');
    assert.match(text, /\[redacted\]<\/auth>/);
    const lines = text.trimEnd().split('\n');
    assert.equal(JSON.parse(lines[0]).format, 'finesse-session');
    assert.equal(lines.length - 2, finesse.store.size, 'header + one line per frame + end record');
  });

  it('Open Session shows the saved file in the read-only viewer', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const opened = await vscode.commands.executeCommand<{ frames: number; errorCount: number }>(
      'finesse.openSession',
      vscode.Uri.file(saved),
    );
    assert.equal(opened.frames, framesOf(finesse.store, session).length);
    assert.equal(opened.errorCount, 0);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(
      tab?.input instanceof vscode.TabInputCustom && tab.input.viewType === 'finesse.sessionViewer',
      `active tab: ${tab?.label}`,
    );
    if (probe.available()) {
      const rows = await probe.webviewRows(10);
      assert.ok(rows.ok, `viewer rows: ${rows.count}`);
    }
  });

  it('a corrupt file opens with what is readable and names its bad lines', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const opened = await vscode.commands.executeCommand<{ frames: number; errors: { line: number }[] }>(
      'finesse.openSession',
      { path: join(fixtures(), 'corrupt.finesse-session') },
    );
    assert.equal(opened.frames, 4);
    assert.deepEqual(
      opened.errors.map((e) => e.line),
      [3, 5, 8],
    );
    if (probe.available()) {
      const rows = await probe.webviewRows(4);
      assert.equal(rows.count, 4, `rows: ${rows.texts.join(' | ')}`);
    }
  });

  it('Export HAR and Import HAR round-trip the session; a Chrome HAR imports the chosen WebSocket', async () => {
    const har = (await vscode.commands.executeCommand<string>('finesse.exportHar', {
      path: join(dir, 'captured.har'),
    })) as string;
    const parsed = JSON.parse(readFileSync(har, 'utf8'));
    const entry = parsed.log.entries.find(
      (e: { _finesseSession?: { id: string } }) => e._finesseSession?.id === session,
    );
    assert.equal(entry._resourceType, 'websocket');
    assert.ok(!readFileSync(har, 'utf8').includes(PASSWORD));
    const mine = framesOf(finesse.store, session);
    const index = parsed.log.entries.indexOf(entry);
    const imported = await vscode.commands.executeCommand<{ session: string; frames: number; store: FrameStore }>(
      'finesse.importHar',
      { path: har, entry: index },
    );
    assert.equal(imported.frames, mine.length);
    const back = framesOf(imported.store, imported.session);
    assert.deepEqual(
      back.map((f) => [f.dir, f.kind]),
      mine.map((f) => [f.dir, f.kind]),
    );
    const chrome = await vscode.commands.executeCommand<{ frames: number }>('finesse.importHar', {
      path: join(fixtures(), 'chrome-devtools.har'),
      entry: 'finesse.lab.example',
    });
    assert.equal(chrome.frames, 17);
  });

  it('Replay Session serves the saved session to an independent client, which gets the same Updates in order', async () => {
    const recorded = framesOf(finesse.store, session)
      .filter((f) => f.dir === 'in')
      .map((f) => parseXml(f.raw))
      .flatMap((p) => (p.ok ? [decodeUpdate(p.element)] : []))
      .filter((u) => u)
      .map((u) => `${u?.node} ${u?.event} ${u?.state} ${u?.requestId ?? ''}`);
    assert.ok(recorded.length > 3, 'the recording holds Finesse Updates');
    await vscode.commands.executeCommand('notifications.clearAll');
    const url = await vscode.commands.executeCommand<string>('finesse.replaySession', { path: saved, speed: 0 });
    assert.match(url, /^ws:\/\/127\.0\.0\.1:\d+\/ws\/$/);
    const client = await startClient({ service: url, username: 'agent1', password: 'whatever', resource: 'replayed' });
    try {
      const got: string[] = [];
      const all = new Promise<void>((resolve) =>
        client.on('stanza', (stanza: { toString(): string }) => {
          const p = parseXml(stanza.toString());
          const u = p.ok ? decodeUpdate(p.element) : undefined;
          if (u) got.push(`${u.node} ${u.event} ${u.state} ${u.requestId ?? ''}`);
          if (got.length === recorded.length) resolve();
        }),
      );
      const { xml } = await xmppModule();
      // The simulator's recording subscribed these nodes; the replay answers them as recorded.
      for (const node of [nodes.user('agent1'), nodes.userDialogs('agent1')]) {
        await client.iqCaller.request(
          xml(
            'iq',
            { type: 'set', to: 'pubsub.finesse.test' },
            xml('pubsub', { xmlns: PUBSUB_NS }, xml('subscribe', { node, jid: client.jid?.toString() })),
          ),
        );
      }
      await all;
      assert.deepEqual(got, recorded);
      // A request the recording lacks: answered as a server without the feature, and said so.
      const disco = await client.iqCaller.request(
        xml(
          'iq',
          { type: 'get', to: 'finesse.test' },
          xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }),
        ),
      );
      assert.equal(disco.attrs.type, 'result');
    } finally {
      await client.stop();
    }
    if (probe.available()) {
      // The center lists it whether or not its toast is still up (cleared first: it lists the
      // newest on top, and a long list scrolls it out of the rendered rows).
      await vscode.commands.executeCommand('notifications.showList');
      const toast = await probe.notification(/Replay: .*answered 1 request the recording lacks.*see the Finesse log/);
      await vscode.commands.executeCommand('notifications.hideList');
      assert.ok(toast.ok, `notifications: ${toast.text}`);
      const notices = await probe.webviewRows(
        1,
        '[data-toggle="notices"][title*="answered iq get http://jabber.org/protocol/disco#info query the recording lacks"]',
      );
      assert.ok(notices.ok, 'the replay panel lists the notice in its toolbar');
      assert.match(notices.texts[0], /⚠ \d+ notices?/);
    }
    assert.equal(await vscode.commands.executeCommand<number>('finesse.stopReplay'), 1);
  });

  it('step by step: the replay panel offers Step/Next, and each Next sends one recorded push', async () => {
    const url = await vscode.commands.executeCommand<string>('finesse.replaySession', { path: saved, step: true });
    if (probe.available()) {
      const next = await probe.webviewRows(1, '[data-toggle="next"]');
      assert.ok(next.ok, 'the replay panel shows the Next toggle');
      // The URL to point the client at is on the replay's own view, not only in a notification.
      const shown = await probe.webviewRows(1, '[data-toggle="url"]');
      assert.ok(shown.texts.includes(`URL: ${url}`), `the replay panel shows its URL: ${JSON.stringify(shown.texts)}`);
    }
    // And in the Sessions view, while the replay runs.
    const listed = (finesse as FinesseApi & { sessions: { viewers(): { peer?: string; state: string }[] } }).sessions
      .viewers()
      .filter((e) => e.peer === url);
    assert.deepEqual(
      listed.map((e) => e.state),
      [`replaying on ${url}`],
    );
    const client = await startClient({ service: url, username: 'agent1', password: 'x', resource: 'stepped' });
    try {
      const received: string[] = [];
      let arrived: () => void = () => undefined;
      client.on('stanza', (stanza: { toString(): string }) => {
        received.push(stanza.toString());
        arrived();
      });
      const { xml } = await xmppModule();
      for (const node of [nodes.user('agent1'), nodes.userDialogs('agent1')]) {
        await client.iqCaller.request(
          xml(
            'iq',
            { type: 'set', to: 'pubsub.finesse.test' },
            xml('pubsub', { xmlns: PUBSUB_NS }, xml('subscribe', { node, jid: client.jid?.toString() })),
          ),
        );
      }
      // Available, as every Finesse client says once it is bound: the recorded pushes follow it.
      // Its echo (the recorded one) comes back at once, before any Next.
      const echoed = new Promise<void>(
        (resolve) => (arrived = () => received.some((r) => r.startsWith('<presence')) && resolve()),
      );
      await client.send(xml('presence'));
      await echoed;
      const answered = received.length; // the two subscribe results and the presence echo
      assert.ok(!received.some((r) => r.includes('&lt;Update&gt;')), 'no push before Next');
      for (let i = 1; i <= 3; i++) {
        const got = new Promise<void>((resolve) => (arrived = resolve));
        assert.equal(
          await vscode.commands.executeCommand<number>('finesse.replayStep'),
          1,
          `push ${i} was waiting for Next`,
        );
        await got;
        assert.equal(received.length, answered + i, 'one Next, one stanza');
      }
      const label = (raw: string) => {
        const p = parseXml(raw);
        const u = p.ok ? decodeUpdate(p.element) : undefined;
        return u ? [`${u.node} ${u.event} ${u.state} ${u.requestId ?? ''}`] : [];
      };
      const recordedPushes = framesOf(finesse.store, session)
        .filter((f) => f.dir === 'in')
        .flatMap((f) => label(f.raw));
      const stepped = received.slice(answered).flatMap(label);
      assert.ok(stepped.length > 0, 'the stepped pushes carried Finesse Updates');
      assert.deepEqual(stepped, recordedPushes.slice(0, stepped.length));
    } finally {
      await client.stop();
    }
    await vscode.commands.executeCommand('finesse.stopReplay');
  });
});
