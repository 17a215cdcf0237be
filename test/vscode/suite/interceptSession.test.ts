// Intercept on the extension's own Finesse session ("Connect to Finesse" against the built-in
// simulator, which keeps publishing Updates): Pause holds the server's frames before the session
// takes them and Resume releases them in order; an edited Update's diagnostics land on the line
// of the mistake; Compare with Original opens the diff editor with both texts.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Frame } from '../../../src/core/capture/frame';
import { FinesseSimulator } from '../../../src/core/replay/simulator';
import { api, diagnosticsOf, FinesseApi, flagged, waitForFrame } from './helpers';
import { probe } from './probe';

const PASSWORD = 'sim-intercept-9c1e';

/** A failure that says which wait did not end, instead of mocha's bare timeout. */
function within<T>(what: string, p: Promise<T>, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms)),
    ).finally(() => clearTimeout(timer)),
  ]);
}

const isUpdate = (f: Frame) => f.dir === 'in' && f.kind === 'stanza' && f.raw.includes('&lt;Update&gt;');

describe('Intercept on a Connect to Finesse session', () => {
  let finesse: FinesseApi;
  let simulator: FinesseSimulator;
  let session: string;

  before(async () => {
    finesse = await api();
    simulator = new FinesseSimulator({ users: { agent1: PASSWORD }, speed: 20, loop: true });
    const url = await simulator.listen();
    session = await vscode.commands.executeCommand<string>('finesse.connect', {
      url,
      domain: 'finesse.test',
      user: 'agent1',
      password: PASSWORD,
    });
    await waitForFrame(finesse.store, (f) => f.session === session && isUpdate(f));
  });
  after(async () => {
    await vscode.commands.executeCommand('finesse.resume');
    await vscode.commands.executeCommand('finesse.disconnect');
    await simulator?.close();
  });

  it('Pause holds the session’s inbound frames; Resume releases them in order', async () => {
    await vscode.commands.executeCommand('finesse.pause', 'in');
    const since = finesse.store.lastId ?? 0;
    const first = await waitForFrame(finesse.store, (f) => f.id > since && f.session === session && isUpdate(f));
    await flagged(finesse.store, first.id, (f) => f.flags.held === true);
    const second = await waitForFrame(finesse.store, (f) => f.id > first.id && f.session === session && isUpdate(f));
    await flagged(finesse.store, second.id, (f) => f.flags.held === true);
    if (probe.available()) {
      const status = await probe.statusBar(/Finesse paused server → client · \d+ held/);
      assert.ok(status.ok, `status bar: ${status.text}`);
    }
    const released: number[] = [];
    const onUpdate = (f: Frame) => {
      if (f.session === session && f.dir === 'in' && !f.flags.held && !released.includes(f.id)) released.push(f.id);
    };
    finesse.store.on('update', onUpdate);
    try {
      await vscode.commands.executeCommand('finesse.resume', 'in');
    } finally {
      finesse.store.off('update', onUpdate);
    }
    assert.ok(released.includes(first.id) && released.includes(second.id), `released: ${released.join(', ')}`);
    assert.deepEqual(
      released,
      [...released].sort((a, b) => a - b),
      'released in capture order',
    );
    assert.equal(finesse.store.get(first.id)?.flags.held, undefined);
  });

  it('an edited User Update shows a stray ">" on its own line; Send forwards the edit; Compare with Original shows both texts', async () => {
    await vscode.commands.executeCommand('finesse.pause', 'in');
    const since = finesse.store.lastId ?? 0;
    const frame = await waitForFrame(
      finesse.store,
      (f) => f.id > since && f.session === session && isUpdate(f) && f.raw.includes('node="/finesse/api/User/agent1"'),
    );
    await within(
      'held',
      flagged(finesse.store, frame.id, (f) => f.flags.held === true),
    );
    await within('edit', Promise.resolve(vscode.commands.executeCommand('finesse.editFrame', frame.id)));
    const editor = vscode.window.activeTextEditor as vscode.TextEditor;
    const lines = editor.document.getText().split('\n');
    const stateLine = lines.findIndex((l) => /^\s*<state>[A-Z_]+<\/state>$/.test(l));
    assert.ok(stateLine > 5, `a <state> line deep inside the decoded Update:\n${lines.join('\n')}`);
    const end = lines[stateLine].length;
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(stateLine, end), '>')));
    const [d] = await within(
      'diagnostic',
      diagnosticsOf(editor.document.uri, (ds) => ds.some((x) => /Character content/.test(x.message))),
    );
    assert.deepEqual(
      [d.range.start.line, d.range.start.character, d.range.end.character],
      [stateLine, end, end + 1],
      d.message,
    );

    const state = /<state>([A-Z_]+)<\/state>/.exec(lines[stateLine])?.[1] as string;
    const next = state === 'READY' ? 'NOT_READY' : 'READY';
    const text = editor.document.getText().replace(`<state>${state}</state>>`, `<state>${next}</state>`);
    assert.ok(await editor.edit((b) => b.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), text)));
    await within(
      'clean',
      diagnosticsOf(editor.document.uri, (ds) => !ds.some((x) => x.severity === vscode.DiagnosticSeverity.Error)),
    );
    assert.equal(
      await within('send', Promise.resolve(vscode.commands.executeCommand<number>('finesse.sendFrame'))),
      frame.id,
    );
    const sent = finesse.store.get(frame.id) as Frame;
    assert.equal(sent.flags.edited, true);
    assert.ok(
      sent.raw.includes(`&lt;state&gt;${next}&lt;/state&gt;`),
      'the edit went into the stored frame, Update re-escaped',
    );
    await vscode.commands.executeCommand('finesse.resume');

    await within(
      'compare',
      Promise.resolve(
        vscode.commands.executeCommand('finesse.compareWithOriginal', {
          webview: 'finesse.frames',
          webviewSection: 'frame',
          frameId: frame.id,
        }),
      ),
    );
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff, `a diff editor is active (${tab?.label})`);
    const input = tab.input as vscode.TabInputTextDiff;
    const [left, right] = await Promise.all([
      vscode.workspace.openTextDocument(input.original),
      vscode.workspace.openTextDocument(input.modified),
    ]);
    assert.match(left.getText(), new RegExp(`<state>${state}</state>`), 'original: the Update decoded, as captured');
    assert.match(right.getText(), new RegExp(`<state>${next}</state>`), 'modified: the Update decoded, as sent');
    assert.match(tab.label, new RegExp(`#${frame.id}`));
  });
});
