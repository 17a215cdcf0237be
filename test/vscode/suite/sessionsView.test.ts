// The Sessions view in a real VS Code: a Connect session to the simulator and a client proxied to
// it are two entries; selecting one in the tree filters the Frames panel to it; an imported HAR
// opens in a viewer of its own, the live capture and its filter untouched; a file opened in a session viewer is listed with its
// sessions until its viewer closes, and selecting it brings that viewer to the front; the Connect
// prompt's domain comes from the server.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FrameStore } from '../../../src/core/capture/frameStore';
import WebSocket from 'ws';
import { FinesseSimulator } from '../../../src/core/replay/simulator';
import { suggestDomain } from '../../../src/vscode/connection/prompts';
import { api, extension, FinesseApi, framesOf, waitForFrame } from './helpers';
import { probe } from './probe';

const PASSWORD = 'sim-secret-sessions';
const OPEN = '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test" version="1.0"/>';

interface Entry {
  id: string;
  kind: string;
  state: string;
  frames: number;
  peer?: string;
  label: string;
  viewer?: string;
  sessions?: Entry[];
}
interface ViewerShown {
  path: string;
  session?: string;
  rows?: number;
}
interface Shown {
  session?: string;
  filter: string;
  rows: number;
}
type SessionsApi = FinesseApi & {
  sessions: {
    entries(): Entry[];
    viewers(): Entry[];
    treeView: vscode.TreeView<Entry>;
    onDidChangeTreeData: vscode.Event<unknown>;
    onDidRevealViewer: vscode.Event<ViewerShown>;
  };
  onDidShowSession: vscode.Event<Shown>;
};

function nextShown(finesse: SessionsApi): Promise<Shown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(
        new Error(
          `the panel was not filtered to a session; the view lists ${JSON.stringify(finesse.sessions.entries())}`,
        ),
      );
    }, 20_000);
    const sub = finesse.onDidShowSession((s) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(s);
    });
  });
}

/** Resolves with the next value of `event` that `accept` takes, or rejects after 20 s with `what`. */
function next<T>(event: vscode.Event<T>, accept: (value: T) => boolean, what: () => string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(what()));
    }, 20_000);
    const sub = event((value) => {
      if (!accept(value)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(value);
    });
  });
}

/** The custom editor (session viewer) tab of `path`, if open. */
function viewerTab(path: string): vscode.Tab | undefined {
  for (const group of vscode.window.tabGroups.all)
    for (const tab of group.tabs)
      if (tab.input instanceof vscode.TabInputCustom && tab.input.uri.fsPath === path) return tab;
  return undefined;
}

function activeTabLabel(): string | undefined {
  return vscode.window.tabGroups.activeTabGroup.activeTab?.label;
}

describe('Sessions view', () => {
  let simulator: FinesseSimulator;
  let finesse: SessionsApi;
  let client: WebSocket | undefined;
  let url: string;

  before(async () => {
    finesse = (await api()) as SessionsApi;
    finesse.store.clear(); // what earlier suites captured is not part of this story
    simulator = new FinesseSimulator({ users: { agent1: PASSWORD }, speed: 50, domain: 'finesse.lab.example' });
    url = await simulator.listen();
  });
  after(async () => {
    client?.terminate();
    await vscode.commands.executeCommand('finesse.stopProxy');
    await vscode.commands.executeCommand('finesse.disconnect', 'all');
    await simulator?.close();
  });

  it('one Connect session and one proxied client are two entries; selecting one filters the panel', async () => {
    const own = await vscode.commands.executeCommand<string>('finesse.connect', {
      url: url,
      domain: 'finesse.lab.example',
      user: 'agent1',
      password: PASSWORD,
    });
    const proxyUrl = await vscode.commands.executeCommand<string>('finesse.startProxy', { target: url });
    const ws = (client = new WebSocket(proxyUrl, 'xmpp'));
    await once(ws, 'open');
    ws.send(OPEN.replace('finesse.test', 'finesse.lab.example'));
    const proxied = await waitForFrame(finesse.store, (f) => f.dir === 'in' && f.session !== own && f.kind === 'open');

    // Sessions other suites left open (with no frames) may be listed too; these two hold the frames.
    const entries = finesse.sessions.entries().filter((e) => e.frames > 0);
    assert.equal(entries.length, 2, JSON.stringify(finesse.sessions.entries()));
    const mine = entries.find((e) => e.id === own);
    const theirs = entries.find((e) => e.id === proxied.session);
    assert.equal(mine?.kind, 'connect');
    assert.equal(mine?.state, 'online');
    assert.equal(theirs?.kind, 'proxy');
    assert.equal(theirs?.state, 'open');
    assert.ok(theirs!.frames >= 2 && mine!.frames > 5, `frame counts ${theirs?.frames} ${mine?.frames}`);
    assert.ok(mine?.peer?.startsWith('ws://127.0.0.1'), `peer ${mine?.peer}`);

    // Select the proxied client in the tree, as a click does.
    const shown = nextShown(finesse);
    await vscode.commands.executeCommand('workbench.view.extension.finesse');
    await finesse.sessions.treeView.reveal(theirs!, { select: true, focus: true });
    const result = await shown;
    assert.equal(result.session, proxied.session);
    assert.equal(result.filter, `session:${proxied.session}`);
    assert.equal(result.rows, framesOf(finesse.store, proxied.session).length, 'the panel lists that session only');
    if (probe.available()) {
      const rows = await probe.webviewRows(1);
      assert.ok(rows.ok, `panel rows: ${JSON.stringify(rows.texts)}`);
    }

    // The title button shows every session again.
    const all = nextShown(finesse);
    await vscode.commands.executeCommand('finesse.showAllSessions');
    assert.equal((await all).rows, finesse.store.size);
  });

  it('Import HAR opens in a viewer of its own: the live capture and its filter stay as they were; the import is listed once, with its frames once', async () => {
    const har = join(extension().extensionPath, 'test', 'fixtures', 'chrome-devtools.har');
    const entry = (
      JSON.parse(readFileSync(har, 'utf8')) as {
        log: { entries: { request: { url: string }; _webSocketMessages?: unknown[] }[] };
      }
    ).log.entries.find((e) => e.request.url.startsWith('wss://finesse.lab.example'));
    const messages = entry?._webSocketMessages?.length ?? 0;
    assert.ok(messages > 0, 'the fixture has the WebSocket entry');
    // The user's own filter on the live panel: one live session.
    const live = finesse.sessions.entries().find((e) => e.frames > 0 && e.kind === 'connect');
    assert.ok(live, JSON.stringify(finesse.sessions.entries()));
    const filtered = await vscode.commands.executeCommand<Shown>('finesse.showSession', live.id);
    const sessionsBefore = [...finesse.store.sessions.keys()];
    const lastBefore = finesse.store.lastId;
    let refiltered = 0;
    const watch = finesse.onDidShowSession(() => refiltered++);
    let imported: { path: string; session: string; frames: number; total: number; store: FrameStore };
    try {
      imported = await vscode.commands.executeCommand('finesse.importHar', { path: har, entry: 'finesse.lab.example' });
    } finally {
      watch.dispose();
    }

    // The live capture: no frame and no session of the HAR, its filter untouched.
    assert.equal(refiltered, 0, `the live panel's filter (${filtered.filter}) was changed`);
    assert.deepEqual([...finesse.store.sessions.keys()], sessionsBefore, 'no session added to the live capture');
    const added = [...finesse.store].filter((f) => f.id > lastBefore);
    assert.deepEqual(
      added.filter((f) => !sessionsBefore.includes(f.session)),
      [],
      'frames added meanwhile are live ones',
    );
    assert.ok(!finesse.sessions.entries().some((e) => e.kind === 'har'), 'not among the live sessions');

    // Its own viewer, its own store, each message once.
    assert.equal(activeTabLabel(), 'chrome-devtools.har');
    assert.ok(viewerTab(har), 'the HAR is open in the session viewer');
    assert.notEqual(imported.store, finesse.store);
    const frames = [...imported.store].filter((f) => f.session === imported.session);
    assert.equal(imported.frames, messages);
    assert.equal(frames.length, messages);
    assert.equal(new Set(frames.map((f) => `${f.t} ${f.dir} ${f.raw}`)).size, messages, 'no message twice');
    const listed = finesse.sessions.viewers().filter((e) => e.peer === har);
    assert.equal(listed.length, 1, JSON.stringify(finesse.sessions.viewers()));
    assert.equal(listed[0].state, 'imported HAR');
    assert.equal(listed[0].frames, imported.total);
    assert.deepEqual(
      listed[0].sessions?.filter((e) => e.id === imported.session).map((e) => e.frames),
      [messages],
    );

    // Importing it again shows the same viewer, not a second copy.
    await vscode.commands.executeCommand('finesse.importHar', { path: har, entry: 'finesse.lab.example' });
    assert.equal(finesse.sessions.viewers().filter((e) => e.peer === har).length, 1);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('a file opened in a session viewer is listed with its sessions; selecting it reveals the viewer; closing removes it', async () => {
    const path = join(extension().extensionPath, 'test', 'fixtures', 'v0.finesse-session');
    // The workbench must have drawn the file's entry before the tree can select it: watch the
    // view hand its children to the workbench.
    await vscode.commands.executeCommand('workbench.view.extension.finesse');
    const view = finesse.sessions as unknown as { getChildren(e?: Entry): Entry[] };
    const own = view.getChildren;
    let listed!: () => void;
    const drawn = new Promise<void>((resolve) => (listed = resolve));
    view.getChildren = function (e?: Entry) {
      const children = own.call(this, e);
      if (!e && children.some((c) => c.peer === path)) listed();
      return children;
    };
    const opened = await vscode.commands.executeCommand<{ frames: number }>('finesse.openSession', { path });
    const file = finesse.sessions.viewers().find((e) => e.peer === path);
    assert.ok(file, `the view lists no opened file: ${JSON.stringify(finesse.sessions.viewers())}`);
    assert.equal(file.label, 'v0.finesse-session');
    assert.equal(file.kind, 'file');
    assert.equal(file.state, 'opened file');
    assert.equal(file.frames, opened.frames);
    assert.ok(file.sessions?.length, 'its sessions are listed under it');
    assert.equal(
      file.sessions.reduce((n, s) => n + s.frames, 0),
      opened.frames,
      'its sessions hold its frames',
    );
    assert.ok(!finesse.sessions.entries().some((e) => e.viewer), 'the live sessions stay apart from the file');

    // Another editor in front (the Frames panel), then select the file in the tree, as a click does.
    await vscode.commands.executeCommand('finesse.showAllSessions');
    const tabs = () => `active tab: ${activeTabLabel()}`;
    if (activeTabLabel() === 'v0.finesse-session')
      await next(vscode.window.tabGroups.onDidChangeTabs, () => activeTabLabel() !== 'v0.finesse-session', tabs);
    await vscode.commands.executeCommand('workbench.view.extension.finesse');
    await drawn;
    view.getChildren = own;
    const revealed = next(
      finesse.sessions.onDidRevealViewer,
      (v) => v.path === path && !v.session,
      () =>
        `selecting the file did not reveal its viewer; selected: ${JSON.stringify(finesse.sessions.treeView.selection.map((e) => [e.id, e.viewer]))}`,
    );
    await finesse.sessions.treeView.reveal(file, { select: true, focus: true });
    await revealed;
    const active = () => vscode.window.tabGroups.activeTabGroup.activeTab;
    if (active() !== viewerTab(path))
      await next(vscode.window.tabGroups.onDidChangeTabs, () => active() === viewerTab(path), tabs);
    assert.ok(active()?.input instanceof vscode.TabInputCustom, tabs());

    // Closing the viewer removes the file from the view.
    const gone = next(
      finesse.sessions.onDidChangeTreeData,
      () => !finesse.sessions.viewers().some((e) => e.peer === path),
      () => `still listed: ${JSON.stringify(finesse.sessions.viewers())}`,
    );
    await vscode.window.tabGroups.close(viewerTab(path)!);
    await gone;
  });

  it('prefills the Connect domain with what the server announces, not the URL host', async () => {
    assert.match(url, /^ws:\/\/127\.0\.0\.1:/);
    assert.equal(await suggestDomain(url), 'finesse.lab.example');
  });
});
