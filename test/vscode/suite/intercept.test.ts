// Intercept inside a real VS Code: a raw WebSocket client (not our code) logs in to the built-in
// Finesse simulator through the extension's proxy; Pause holds its frames, Edit opens a real
// XML editor tab with live schema diagnostics, Send/Drop/Resume/Inject act on the wire — proven
// by what the client gets back from the server.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Frame } from '../../../src/core/capture/frame';
import { FinesseSimulator } from '../../../src/core/replay/simulator';
import { RawXmppClient } from '../../unit/core/replay/rawXmppClient';
import { api, diagnosticsOf, FinesseApi, flagged, waitForFrame } from './helpers';
import { probe } from './probe';

const ping = (id: string) => `<iq xmlns="jabber:client" type="get" id="${id}"><ping xmlns="urn:xmpp:ping"/></iq>`;

/**
 * Changes a finesse.intercept setting and resolves once the extension host has seen the change
 * (update() can resolve before the change event reaches the host; the extension's own listener,
 * registered at activation, runs before this one).
 */
async function setIntercept(key: string, value: unknown): Promise<void> {
  const seen = new Promise<void>((resolve) => {
    const sub = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(`finesse.intercept.${key}`)) return;
      sub.dispose();
      resolve();
    });
  });
  await vscode.workspace.getConfiguration('finesse.intercept').update(key, value, vscode.ConfigurationTarget.Global);
  await seen;
}

async function replaceText(editor: vscode.TextEditor, text: string): Promise<void> {
  const doc = editor.document;
  const ok = await editor.edit((b) => b.replace(new vscode.Range(0, 0, doc.lineCount, 0), text));
  assert.ok(ok, 'edit applied');
}

describe('Intercept (Pause, Edit, Send, Drop, Inject)', () => {
  let finesse: FinesseApi;
  let simulator: FinesseSimulator;
  let client: RawXmppClient;
  let session: string;
  let proxyUrl: string;

  /** Sends a ping from the client and returns its captured frame once the gate held it. */
  async function heldPing(id: string): Promise<Frame> {
    client.send(ping(id));
    const frame = await waitForFrame(finesse.store, (f) => f.dir === 'out' && f.raw.includes(`id="${id}"`));
    return flagged(finesse.store, frame.id, (f) => f.flags.held === true);
  }

  async function answerId(): Promise<string | undefined> {
    return (await client.nextElement()).attrs.id;
  }

  before(async () => {
    finesse = await api();
    simulator = new FinesseSimulator();
    const target = await simulator.listen();
    const url = await vscode.commands.executeCommand<string>('finesse.startProxy', { target });
    proxyUrl = url;
    client = await RawXmppClient.connect(url);
    await client.login();
    session = (await waitForFrame(finesse.store, (f) => f.dir === 'out' && f.kind === 'open')).session;
  });
  after(async () => {
    await vscode.commands.executeCommand('finesse.resume');
    client?.close();
    await vscode.commands.executeCommand('finesse.stopProxy');
    await simulator?.close();
  });

  it('Pause holds client frames; the status bar says so', async () => {
    await vscode.commands.executeCommand('finesse.pause', 'out');
    const frame = await heldPing('p1');
    assert.equal(frame.flags.held, true);
    if (probe.available()) {
      const status = await probe.statusBar(/Finesse paused client → server · 1 held/);
      assert.ok(status.ok, `status bar: ${status.text}`);
    }
  });

  it('Edit opens the held frame in an XML editor tab; diagnostics follow the typing; Send forwards the edit', async () => {
    const frame = [...finesse.store].find((f) => f.raw.includes('id="p1"')) as Frame;
    const uri = await vscode.commands.executeCommand<string>('finesse.editFrame', frame.id);
    const editor = vscode.window.activeTextEditor as vscode.TextEditor;
    assert.equal(editor.document.uri.toString(), uri);
    assert.equal(editor.document.uri.scheme, 'finesse-frame');
    assert.equal(editor.document.languageId, 'xml');
    assert.equal(
      editor.document.getText(),
      '<iq xmlns="jabber:client" type="get" id="p1">\n  <ping xmlns="urn:xmpp:ping"/>\n</iq>',
    );

    await replaceText(editor, '<iq xmlns="jabber:client" type="get">\n  <ping xmlns="urn:xmpp:ping"/>\n</iq>');
    const invalid = await diagnosticsOf(editor.document.uri, (d) => d.some((x) => x.code === 'iq-id'));
    const iqId = invalid.find((x) => x.code === 'iq-id') as vscode.Diagnostic;
    assert.equal(iqId.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([iqId.range.start.line, iqId.range.start.character, iqId.range.end.character], [0, 1, 3]);
    assert.equal(iqId.source, 'RFC 6120');

    await replaceText(
      editor,
      '<iq xmlns="jabber:client" type="get" id="p1-edited">\n  <ping xmlns="urn:xmpp:ping"/>\n</iq>',
    );
    await diagnosticsOf(editor.document.uri, (d) => d.length === 0);

    const sent = await vscode.commands.executeCommand<number>('finesse.sendFrame');
    assert.equal(sent, frame.id);
    assert.equal(await answerId(), 'p1-edited', 'the server answered the edited stanza');
    const stored = finesse.store.get(frame.id) as Frame;
    assert.equal(stored.raw, ping('p1-edited'));
    assert.equal(stored.original, ping('p1'));
    assert.equal(stored.flags.edited, true);
    assert.ok(
      !vscode.window.tabGroups.all.some((g) =>
        g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri),
      ),
      'the tab closed after Send',
    );
  });

  it('one typo is one place in Problems, not a cascade; a frame sent takes its Problems entries with it', async () => {
    // Still paused from the first test (the tests after this one rely on it).
    const frame = await heldPing('w-held');
    const uri = vscode.Uri.parse(await vscode.commands.executeCommand<string>('finesse.editFrame', frame.id));
    const editor = vscode.window.activeTextEditor as vscode.TextEditor;
    const unsubscribe = (open: string) =>
      `<iq xmlns="jabber:client" type="set" id="w1">\n  ${open}\n    <unsubscribe node="/finesse/api/Team/9/Users" jid="agent1@finesse.test/w"/>\n  </pubsub>\n</iq>`;
    // A missing '>': libxml2 also reports the elements around it; the editor shows the typo's place.
    await replaceText(editor, unsubscribe('<pubsub xmlns="http://jabber.org/protocol/pubsub"'));
    const typo = await diagnosticsOf(uri, (d) => d.some((x) => x.source === 'XML'));
    assert.deepEqual(
      [...new Set(typo.map((d) => `${d.range.start.line}:${d.range.start.character}`))],
      ['2:4'],
      JSON.stringify(typo.map((d) => d.message)),
    );
    assert.match(typo[typo.length - 1].message, /1 more error follows from it/);
    // Fixed, a warning is left (no 'to'): Send goes without asking, and the entry goes with the tab.
    await replaceText(editor, unsubscribe('<pubsub xmlns="http://jabber.org/protocol/pubsub">'));
    await diagnosticsOf(uri, (d) => d.length === 1 && d[0].code === 'pubsub-to');
    assert.equal(await vscode.commands.executeCommand<number>('finesse.sendFrame'), frame.id);
    assert.deepEqual(vscode.languages.getDiagnostics(uri), [], 'Problems keeps nothing of the sent frame');
    assert.equal(await answerId(), 'w1', 'the server answered the unsubscribe');
  });

  it('Drop: a dropped ping is never answered; the next one is', async () => {
    const frame = await heldPing('p2');
    await vscode.commands.executeCommand('finesse.dropFrame', frame.id);
    assert.equal(finesse.store.get(frame.id)?.flags.dropped, true);
    await vscode.commands.executeCommand('finesse.resume');
    client.send(ping('p3'));
    assert.equal(await answerId(), 'p3');
  });

  it('Resume forwards what is held, in order', async () => {
    await vscode.commands.executeCommand('finesse.pause', 'out');
    await heldPing('p4');
    client.send(ping('p5'));
    await waitForFrame(finesse.store, (f) => f.raw.includes('id="p5"'));
    await vscode.commands.executeCommand('finesse.resume');
    assert.equal(await answerId(), 'p4');
    assert.equal(await answerId(), 'p5');
  });

  it('Inject with a stanza sends it on the live session; the answer reaches the client', async () => {
    const id = await vscode.commands.executeCommand<number>('finesse.injectStanza', {
      session,
      dir: 'out',
      raw: ping('injected-1'),
    });
    assert.equal(finesse.store.get(id)?.flags.injected, true);
    assert.equal(await answerId(), 'injected-1');
  });

  it('a breakpoint from the settings holds only matching frames', async () => {
    await setIntercept('breakpoints', [{ id: 'pings-b', direction: 'out', stanza: 'iq', match: 'id="b-' }]);
    try {
      client.send(ping('a-1'));
      assert.equal(await answerId(), 'a-1', 'a frame the rule does not match flows');
      const held = await heldPing('b-1');
      await vscode.commands.executeCommand('finesse.forwardFrame', held.id);
      assert.equal(await answerId(), 'b-1');
    } finally {
      await setIntercept('breakpoints', undefined);
    }
  });

  it('a forgotten hold is forwarded when finesse.intercept.holdTimeoutSeconds passes', async () => {
    await setIntercept('holdTimeoutSeconds', 1);
    try {
      await vscode.commands.executeCommand('finesse.pause', 'out');
      const held = await heldPing('forgotten');
      assert.equal(await answerId(), 'forgotten', 'forwarded by the timeout, not dropped');
      assert.notEqual(finesse.store.get(held.id)?.flags.dropped, true);
    } finally {
      await vscode.commands.executeCommand('finesse.resume');
      await setIntercept('holdTimeoutSeconds', undefined);
    }
  });

  it('an open editor keeps its frame held past the hold timeout; Send then forwards the edit', async () => {
    await setIntercept('holdTimeoutSeconds', 1);
    const other = await RawXmppClient.connect(proxyUrl);
    try {
      await other.login('agent1', 'agent1', 'gadget');
      await vscode.commands.executeCommand('finesse.pause', 'out');
      const frame = await heldPing('kept');
      await vscode.commands.executeCommand<string>('finesse.editFrame', frame.id);
      // A frame held after this one, on another connection, is forwarded by the timeout: by then
      // this one's own timeout would have passed too, had the editor not stopped its clock.
      other.send(ping('later'));
      const later = await waitForFrame(finesse.store, (f) => f.dir === 'out' && f.raw.includes('id="later"'));
      await flagged(finesse.store, later.id, (f) => f.flags.held === true);
      await flagged(finesse.store, later.id, (f) => !f.flags.held);
      assert.equal((await other.nextElement()).attrs.id, 'later');
      assert.equal(finesse.store.get(frame.id)?.flags.held, true, 'the frame being edited is still held');
      // A frame behind the one being edited waits for it, and the status bar says why.
      await heldPing('behind-kept');
      if (probe.available()) {
        const status = await probe.statusBar(new RegExp(`2 held .*· 1 waiting behind #${frame.id} \\(editing\\)`));
        assert.ok(status.ok, `status bar: ${status.text}`);
      }
      const editor = vscode.window.activeTextEditor as vscode.TextEditor;
      await replaceText(editor, ping('kept-edited'));
      assert.equal(await vscode.commands.executeCommand<number>('finesse.sendFrame'), frame.id);
      assert.equal(await answerId(), 'kept-edited');
      await vscode.commands.executeCommand('finesse.resume');
      assert.equal(await answerId(), 'behind-kept');
    } finally {
      other.close();
      await vscode.commands.executeCommand('finesse.resume');
      await setIntercept('holdTimeoutSeconds', undefined);
    }
  });

  it('Resend on an edited row sends the edit; Resend Original sends the text first captured', async () => {
    const edited = [...finesse.store].find((f) => f.raw.includes('id="kept-edited"') && f.original) as Frame;
    assert.ok(edited, 'the frame edited in the previous test');
    const copy = await vscode.commands.executeCommand<number>('finesse.resendFrame', {
      webview: 'finesse.frames',
      webviewSection: 'frame',
      frameId: edited.id,
    });
    assert.equal(await answerId(), 'kept-edited', 'resend sends what the row shows');
    assert.equal(finesse.store.get(copy)?.raw, ping('kept-edited'));
    await vscode.commands.executeCommand<number>('finesse.resendOriginal', {
      webview: 'finesse.frames',
      webviewSection: 'frame',
      frameId: edited.id,
    });
    assert.equal(await answerId(), 'kept');
  });

  it('Break on Frames Like This (row context menu) holds the next such frame; removing the rule forwards it', async () => {
    const model = [...finesse.store].find((f) => f.dir === 'out' && f.raw.includes('id="p3"')) as Frame;
    const ruleId = await vscode.commands.executeCommand<string>('finesse.breakOnFramesLike', {
      webview: 'finesse.frames',
      webviewSection: 'frame',
      frameId: model.id,
    });
    const rules =
      vscode.workspace.getConfiguration('finesse.intercept').get<{ id: string; filter: string }[]>('breakpoints') ?? [];
    assert.deepEqual(
      rules.map((r) => r.id),
      [ruleId],
    );
    assert.match(rules[0].filter, /^dir:out /);
    const held = await heldPing('like-p3');
    assert.equal(held.flags.held, true);
    if (probe.available()) {
      const status = await probe.statusBar(/1 held/);
      assert.ok(status.ok, `status bar: ${status.text}`);
    }
    const removed = new Promise<void>((resolve) => {
      const sub = vscode.workspace.onDidChangeConfiguration(
        (e) => e.affectsConfiguration('finesse.intercept.breakpoints') && (sub.dispose(), resolve()),
      );
    });
    await vscode.commands.executeCommand('finesse.removeBreakpoint', 0);
    await removed;
    assert.equal(await answerId(), 'like-p3', 'removing the rule released the frame it held');
    assert.equal(finesse.store.get(held.id)?.flags.held, undefined);
  });

  /** The texts of the panel's elements matching `selector`, once one of them matches `pattern`. */
  async function panelSays(selector: string, pattern: RegExp): Promise<string[]> {
    let texts: string[] = [];
    for (let i = 0; i < 20 && !texts.some((t) => pattern.test(t)); i++)
      texts = (await probe.webviewRows(1, selector)).texts;
    return texts;
  }

  it('a breakpoint lets the rest pass by default (the held row goes last, REORDERED); Hold in Order makes the rest wait, and the row and the status bar count them', async () => {
    await setIntercept('breakpoints', [{ id: 'b-rest', direction: 'out', match: 'id="m-held' }]);
    try {
      await vscode.commands.executeCommand('finesse.showFrames');
      const first = await heldPing('m-held-1');
      client.send(ping('m-a'));
      client.send(ping('m-b'));
      assert.equal(await answerId(), 'm-a', 'a later frame passed the held one');
      assert.equal(await answerId(), 'm-b');
      if (probe.available()) {
        // The countdown to the automatic forward follows the note.
        const says = /^b-rest · the rest passes · auto-forward in \d+ s$/;
        const notes = await panelSays('.fx-hold:not(:empty)', says);
        assert.ok(
          notes.some((t) => says.test(t)),
          `held row says: ${JSON.stringify(notes)}`,
        );
      }
      await vscode.commands.executeCommand('finesse.forwardFrame', first.id);
      assert.equal(await answerId(), 'm-held-1');
      assert.equal(finesse.store.get(first.id)?.flags.reordered, true);
      if (probe.available()) {
        const badges = await panelSays('.fx-badge-reordered', /REORDERED/);
        assert.ok(badges.includes('REORDERED'), `badges: ${JSON.stringify(badges)}`);
      }

      // The Breakpoints view's context menu: Hold in Order.
      const changed = new Promise<void>((resolve) => {
        const sub = vscode.workspace.onDidChangeConfiguration(
          (e) => e.affectsConfiguration('finesse.intercept.breakpoints') && (sub.dispose(), resolve()),
        );
      });
      await vscode.commands.executeCommand('finesse.breakpointHoldInOrder', { kind: 'rule', index: 0 });
      await changed;
      const rules = vscode.workspace.getConfiguration('finesse.intercept').get<{ rest?: string }[]>('breakpoints');
      assert.equal(rules?.[0]?.rest, 'wait', 'the mode is saved with the rule');
      const second = await heldPing('m-held-2');
      client.send(ping('m-c'));
      client.send(ping('m-d'));
      const behind = await waitForFrame(finesse.store, (f) => f.dir === 'out' && f.raw.includes('id="m-d"'));
      await flagged(finesse.store, behind.id, (f) => f.flags.held === true);
      if (probe.available()) {
        const status = await probe.statusBar(new RegExp(`2 waiting behind b-rest #${second.id}`));
        assert.ok(status.ok, `status bar: ${status.text}`);
        const headSays = /^b-rest · 2 waiting behind · auto-forward in \d+ s$/;
        const head = await panelSays('.fx-hold:not(:empty)', headSays);
        assert.ok(
          head.some((t) => headSays.test(t)),
          `head row says: ${JSON.stringify(head)}`,
        );
        assert.ok(
          head.some((t) => t.startsWith(`waits behind b-rest #${second.id}`)),
          `the rows behind it say behind which: ${JSON.stringify(head)}`,
        );
      }
      await vscode.commands.executeCommand('finesse.forwardFrame', second.id);
      assert.deepEqual([await answerId(), await answerId(), await answerId()], ['m-held-2', 'm-c', 'm-d'], 'in order');
      assert.equal(finesse.store.get(second.id)?.flags.reordered, undefined);
    } finally {
      await setIntercept('breakpoints', undefined);
    }
  });

  it('rows carry their menu context, and the menus and palette entries say when they apply', async () => {
    const pkg = vscode.extensions.getExtension('finesse-frames.finesse-frame-debugger')?.packageJSON as {
      contributes: { menus: Record<string, { command: string; when?: string }[]> };
    };
    const rowMenu = pkg.contributes.menus['webview/context'].map((m) => m.command);
    for (const c of [
      'finesse.filterToSession',
      'finesse.resendFrame',
      'finesse.resendOriginal',
      'finesse.editAndResend',
      'finesse.copyRaw',
      'finesse.copyPretty',
      'finesse.copyUpdate',
      'finesse.copyJsonLine',
      'finesse.breakOnFramesLike',
      'finesse.compareWithOriginal',
    ]) {
      assert.ok(rowMenu.includes(c), `${c} in the row context menu`);
    }
    const palette = new Map(pkg.contributes.menus.commandPalette.map((m) => [m.command, m.when]));
    assert.match(palette.get('finesse.resendFrame') ?? '', /finesse\.frameSelected/);
    assert.match(palette.get('finesse.compareWithOriginal') ?? '', /finesse\.selectedFrameEdited/);
    assert.match(palette.get('finesse.pause') ?? '', /finesse\.liveSession \|\| finesse\.proxyRunning/);
    // Nothing to stop, disconnect, save or export: not offered.
    assert.equal(palette.get('finesse.stopProxy'), 'finesse.proxyRunning');
    assert.equal(palette.get('finesse.disconnect'), 'finesse.connected');
    assert.equal(palette.get('finesse.saveSession'), 'finesse.hasFrames');
    assert.equal(palette.get('finesse.exportHar'), 'finesse.hasFrames');
    const frame = [...finesse.store].find((f) => f.raw.includes('id="p3"')) as Frame;
    const copied = await vscode.commands.executeCommand<string>('finesse.copyJsonLine', {
      webview: 'finesse.frames',
      webviewSection: 'frame',
      frameId: frame.id,
    });
    assert.equal(JSON.parse(copied).id, frame.id);
    assert.equal(await vscode.env.clipboard.readText(), copied);
    await vscode.commands.executeCommand('finesse.copyPretty', { frameId: frame.id });
    assert.equal(
      await vscode.env.clipboard.readText(),
      '<iq xmlns="jabber:client" type="get" id="p3">\n  <ping xmlns="urn:xmpp:ping"/>\n</iq>',
    );
    if (probe.available()) {
      await vscode.commands.executeCommand('finesse.showFrames');
      const rows = await probe.webviewRows(
        1,
        `.fx-row[data-vscode-context*='"webviewSection":"frame"'][data-vscode-context*='"frameId":']`,
      );
      assert.ok(rows.ok, `rows with a menu context: ${rows.count}`);
    }
    assert.equal(
      await vscode.commands.executeCommand<string>('finesse.filterToSession', {
        webview: 'finesse.frames',
        webviewSection: 'frame',
        frameId: frame.id,
      }),
      `session:${session}`,
    );
    if (probe.available()) {
      // The panel now shows part of the frames (the other client's are filtered out); the webview
      // may take a message or two to redraw the count, so it is read until it says so.
      let texts: string[] = [];
      for (let i = 0; i < 20 && !texts.some((t) => / of /.test(t)); i++)
        texts = (await probe.webviewRows(1, '.fx-count')).texts;
      assert.ok(
        texts.some((t) => /^\d+ of \d+ frames$/.test(t)),
        `filter bar count: ${JSON.stringify(texts)}`,
      );
    }
  });

  it('Inject from a template opens an editor; Send sends it', async () => {
    const uri = await vscode.commands.executeCommand<string>('finesse.injectStanza', { session, template: 'ping' });
    const editor = vscode.window.activeTextEditor as vscode.TextEditor;
    assert.equal(editor.document.uri.toString(), uri);
    const id = /id="([^"]+)"/.exec(editor.document.getText())?.[1];
    assert.ok(id, editor.document.getText());
    await diagnosticsOf(editor.document.uri, (d) => d.length === 0);
    await vscode.commands.executeCommand('finesse.sendFrame');
    assert.equal(await answerId(), id);
  });
});
