// Debugging a gadget inside the editor, as its developer does: a gadget in the workspace,
// Finesse: Debug Gadget on its spec, a breakpoint in its .js hit when it runs (the child js-debug
// session stops at that file and line, with the gadget's variables), its console.log in its log,
// a saved change reloading only its frame, an uncaught error as a Problem on its line, and
// stopping the session stopping the browser and the local Finesse it started.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { api, diagnosticsOf, extension, FinesseApi, waitForFrame } from './helpers';

interface WrittenLine {
  title: string;
  level: string;
  text: string;
}

interface GadgetApi extends FinesseApi {
  gadgets: {
    onDidWriteLog: vscode.Event<WrittenLine>;
    desktopOf(sessionId: string): { url: string; origin: string } | undefined;
  };
}

interface DapMessage {
  type: string;
  event?: string;
  body?: { threadId?: number; output?: string; reason?: string };
}

interface StackFrame {
  id: number;
  line: number;
  source?: { path?: string };
}

/** Resolves with the first item of `seen` (now or later) that matches. */
function first<T>(seen: T[], on: vscode.Event<T>, match: (t: T) => boolean, what: string, ms = 45_000): Promise<T> {
  const hit = seen.find(match);
  if (hit) return Promise.resolve(hit);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`${what}: not within ${ms} ms; seen:\n  ${seen.map((s) => JSON.stringify(s)).join('\n  ')}`));
    }, ms);
    const sub = on((t) => {
      if (!match(t)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(t);
    });
  });
}

describe('Finesse: Debug Gadget', function () {
  this.timeout(120_000);
  let finesse: GadgetApi;
  let folder: string;
  let spec: string;
  let js: string;
  let original: string;
  const lines: WrittenLine[] = [];
  const lineEvents = new vscode.EventEmitter<WrittenLine>();
  const stops: { session: vscode.DebugSession; threadId: number }[] = [];
  const stopEvents = new vscode.EventEmitter<{ session: vscode.DebugSession; threadId: number }>();
  const consoleOutput: string[] = [];
  const consoleEvents = new vscode.EventEmitter<string>();
  const subscriptions: vscode.Disposable[] = [];
  let parent: vscode.DebugSession | undefined;
  /** The browser page's session (the one that stopped): evaluates in the desktop page. */
  let page: vscode.DebugSession | undefined;

  /** The line (1-based) of the first line of `text` holding `needle`. */
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

  const evaluate = async (expression: string): Promise<string> => {
    assert.ok(page, 'the page session is known');
    const r = (await page.customRequest('evaluate', { expression, context: 'repl' })) as { result: string };
    return r.result;
  };

  /** The text of #greeting in the gadget's frame, read in the desktop page. */
  const GREETING = `Array.from(document.querySelectorAll('iframe')).map(function (f) { var d = f.contentDocument; var g = d && d.getElementById('greeting'); return g ? g.textContent : ''; }).join('')`;

  before(async () => {
    finesse = (await api()) as GadgetApi;
    const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(ws, 'the test workspace has a folder');
    folder = ws;
    const fixture = join(extension().extensionPath, 'test/vscode/fixtures/hello-gadget');
    mkdirSync(join(folder, 'HelloGadget'), { recursive: true });
    spec = join(folder, 'HelloGadget', 'HelloGadget.xml');
    js = join(folder, 'HelloGadget', 'HelloGadget.js');
    copyFileSync(join(fixture, 'HelloGadget.xml'), spec);
    copyFileSync(join(fixture, 'HelloGadget.js'), js);
    original = readFileSync(js, 'utf8');
    subscriptions.push(
      finesse.gadgets.onDidWriteLog((l) => {
        lines.push(l);
        lineEvents.fire(l);
      }),
      vscode.debug.registerDebugAdapterTrackerFactory('pwa-chrome', {
        createDebugAdapterTracker: (session) => ({
          onDidSendMessage: (m: DapMessage) => {
            if (m.type !== 'event') return;
            if (m.event === 'stopped' && m.body?.threadId !== undefined) {
              const stop = { session, threadId: m.body.threadId };
              stops.push(stop);
              stopEvents.fire(stop);
            }
            if (m.event === 'output' && m.body?.output) {
              consoleOutput.push(m.body.output);
              consoleEvents.fire(m.body.output);
            }
          },
        }),
      }),
      vscode.debug.onDidStartDebugSession((s) => {
        if (s.type === 'finesse-gadget') parent = s;
      }),
    );
  });

  after(async () => {
    if (parent) await vscode.debug.stopDebugging(parent);
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    for (const s of subscriptions) s.dispose();
    await vscode.commands.executeCommand('finesse.stopSimulator');
    writeFileSync(js, original); // the next suites run the gadget as it was
  });

  it('a breakpoint in the gadget’s .js is hit when it runs: the session stops at that file and line, with its variables', async () => {
    const line = lineOf(original, "getElementById('greeting')");
    vscode.debug.addBreakpoints([
      new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.file(js), new vscode.Position(line - 1, 0))),
    ]);
    const started = await vscode.commands.executeCommand<boolean>('finesse.debugGadget', vscode.Uri.file(spec));
    assert.equal(started, true, 'Debug Gadget started a debug session');
    assert.equal(parent?.type, 'finesse-gadget');
    const stop = await first(stops, stopEvents.event, () => true, 'a stop in the browser');
    page = stop.session;
    assert.equal(page.parentSession !== undefined, true, 'the browser session is a child session');
    const trace = (await stop.session.customRequest('stackTrace', { threadId: stop.threadId, levels: 1 })) as {
      stackFrames: StackFrame[];
    };
    const top = trace.stackFrames[0];
    // In a remote window (code-server) js-debug names the file by its vscode-remote: URI.
    const path = top.source?.path ?? '';
    assert.equal(
      /^[a-z][\w+.-]*:\/\//i.test(path) ? vscode.Uri.parse(path).path : path,
      js,
      'stopped in the workspace file',
    );
    assert.equal(top.line, line, 'stopped at the breakpoint line');
    const { scopes } = (await stop.session.customRequest('scopes', { frameId: top.id })) as {
      scopes: { name: string; variablesReference: number }[];
    };
    const local = scopes.find((s) => /local/i.test(s.name));
    assert.ok(local, `a Local scope: ${scopes.map((s) => s.name).join(', ')}`);
    const { variables } = (await stop.session.customRequest('variables', {
      variablesReference: local.variablesReference,
    })) as { variables: { name: string; value: string }[] };
    assert.equal(variables.find((v) => v.name === 'agent')?.value, "'agent1'", JSON.stringify(variables));
    // Step Over: the next stop is the next line of the same file.
    const before = stops.length;
    await stop.session.customRequest('next', { threadId: stop.threadId });
    const step = await first(stops.slice(before), stopEvents.event, () => true, 'the stop after Step Over');
    const stepped = (await step.session.customRequest('stackTrace', { threadId: step.threadId, levels: 1 })) as {
      stackFrames: StackFrame[];
    };
    assert.equal(stepped.stackFrames[0].line, line + 1, 'Step Over went to the next line');
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await step.session.customRequest('continue', { threadId: step.threadId });
  });

  it('the gadget’s console.log reaches its log channel and the Debug Console', async () => {
    const want = 'rendered: Hello from the gadget for agent1';
    const written = await first(lines, lineEvents.event, (l) => l.text.includes(want), 'the log line');
    assert.equal(written.title, 'Hello Gadget');
    await first(consoleOutput, consoleEvents.event, (o) => o.includes(want), 'the Debug Console line');
  });

  it('a saved change reloads only the gadget’s frame, and the change shows', async () => {
    assert.equal(await evaluate(GREETING), "'Hello from the gadget'");
    // A mark on the desktop page: still there after the reload, so only the gadget's frame reloaded.
    await evaluate('window.__desktopMark = 42');
    const doc = await vscode.workspace.openTextDocument(js);
    const edit = new vscode.WorkspaceEdit();
    const at = original.indexOf('Hello from the gadget');
    edit.replace(
      doc.uri,
      new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'Hello from the gadget'.length)),
      'Changed and saved',
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save(), 'saved');
    await first(
      lines,
      lineEvents.event,
      (l) => l.text.includes('rendered: Changed and saved for agent1'),
      'the reloaded gadget’s line',
    );
    assert.equal(await evaluate(GREETING), "'Changed and saved'");
    assert.equal(await evaluate('window.__desktopMark'), '42', 'the desktop page was not reloaded');
  });

  it('an uncaught error of the gadget is a Problem on its file and line', async () => {
    const doc = await vscode.workspace.openTextDocument(js);
    const text = doc.getText();
    const at = text.indexOf('render();');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.positionAt(at), "throw new Error('broken on purpose');\n");
    assert.ok(await vscode.workspace.applyEdit(edit));
    const line = lineOf(doc.getText(), 'broken on purpose');
    assert.ok(await doc.save());
    const problems = await diagnosticsOf(vscode.Uri.file(js), (d) =>
      d.some((p) => p.message.includes('broken on purpose')),
    );
    const problem = problems.find((p) => p.message.includes('broken on purpose'));
    assert.equal(problem?.range.start.line, line - 1, 'the Problem is on the throwing line');
    assert.equal(problem?.severity, vscode.DiagnosticSeverity.Error);
    // Back as it was: saving clears the Problem (the reloaded gadget reports again if it still fails).
    const undo = new vscode.WorkspaceEdit();
    undo.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), original);
    assert.ok(await vscode.workspace.applyEdit(undo));
    assert.ok(await doc.save());
    await diagnosticsOf(vscode.Uri.file(js), (d) => d.length === 0);
  });

  it('a spec that no longer parses shows as a Problem on its line once saved, and renders again when fixed', async () => {
    const doc = await vscode.workspace.openTextDocument(spec);
    const good = doc.getText();
    const at = good.lastIndexOf('</Module>');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + '</Module>'.length)), '</Modul>');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save());
    const problems = await diagnosticsOf(vscode.Uri.file(spec), (d) => d.length > 0);
    assert.equal(problems[0].severity, vscode.DiagnosticSeverity.Error, problems[0].message);
    assert.equal(
      problems[0].range.start.line,
      doc.positionAt(at).line,
      `the Problem is on the broken end tag's line: ${problems[0].message}`,
    );
    // Fixed and saved: the Problem goes and the gadget renders again.
    const fix = new vscode.WorkspaceEdit();
    fix.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), good);
    assert.ok(await vscode.workspace.applyEdit(fix));
    const seen = lines.length;
    assert.ok(await doc.save());
    await diagnosticsOf(vscode.Uri.file(spec), (d) => d.length === 0);
    await first(
      lines.slice(seen),
      lineEvents.event,
      (l) => l.text.startsWith('rendered: '),
      'the gadget rendered again',
    );
  });

  it('the desktop’s XMPP, hub and REST frames are in the store of the Frames panel it opens', async () => {
    // The desktop's own notification connection binds the resource the Finesse desktop binds.
    await waitForFrame(finesse.store, (f) => f.dir === 'out' && f.raw.includes('<resource>desktop</resource>'));
    await waitForFrame(finesse.store, (f) => f.kind === 'hub');
    await waitForFrame(finesse.store, (f) => f.kind === 'http');
    const framesTab = () =>
      vscode.window.tabGroups.all.some((g) =>
        g.tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('finesse.frames')),
      );
    if (!framesTab())
      await new Promise<void>((resolve) => {
        const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
          if (!framesTab()) return;
          sub.dispose();
          resolve();
        });
      });
    assert.ok(framesTab(), 'the Frames panel opened beside the gadget');
  });

  it('stopping the session stops the browser and the local Finesse it started', async () => {
    assert.ok(parent, 'the finesse-gadget session');
    const desktop = finesse.gadgets.desktopOf(parent.id);
    assert.ok(desktop, 'the session has its desktop');
    const ended = new Promise<void>((resolve) => {
      const sub = vscode.debug.onDidTerminateDebugSession((s) => {
        if (s.id !== page?.id) return;
        sub.dispose();
        resolve();
      });
    });
    await vscode.debug.stopDebugging(parent);
    await ended;
    parent = undefined;
    await assert.rejects(fetch(`${desktop.origin}/finesse/api/SystemInfo`), 'the local Finesse is stopped');
  });
});

describe('Finesse: Open Gadget Desktop', function () {
  this.timeout(60_000);
  after(() => vscode.commands.executeCommand('finesse.stopSimulator'));

  it('starts the local Finesse with the desktop serving the workspace folder, once', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder);
    const opened = await vscode.commands.executeCommand<{ url: string }>('finesse.openGadgetDesktop', {
      folder,
      openIn: 'none',
    });
    assert.match(opened.url, /^http:\/\/127\.0\.0\.1:\d+\/desktop\/$/);
    const page = await fetch(opened.url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    const gadget = await fetch(new URL('/3rdpartygadget/files/HelloGadget/HelloGadget.js', opened.url));
    assert.equal(gadget.status, 200, 'the workspace folder is served');
    assert.match(await gadget.text(), /function render/);
    const again = await vscode.commands.executeCommand<{ url: string }>('finesse.openGadgetDesktop', {
      folder,
      openIn: 'none',
    });
    assert.equal(again.url, opened.url, 'a second open shows the running desktop');
  });

  it('refuses, saying why, while the local Finesse runs without the desktop', async () => {
    await vscode.commands.executeCommand('finesse.stopSimulator');
    await vscode.commands.executeCommand('finesse.startSimulator', { scenario: 'idle' });
    await assert.rejects(
      Promise.resolve(
        vscode.commands.executeCommand('finesse.openGadgetDesktop', {
          folder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
          openIn: 'none',
        }),
      ),
      /without the gadget desktop: stop it/,
    );
  });
});

describe('Finesse: Debug Gadget against a lab server (a Connect profile)', function () {
  this.timeout(120_000);
  let finesse: GadgetApi;
  let lab: { listening: string; rest: string; domain: string };
  let session: vscode.DebugSession | undefined;
  let saved: unknown;

  before(async () => {
    finesse = (await api()) as GadgetApi;
    // The local Finesse stands in for the lab server: its own simulator, no desktop of its own.
    lab = await vscode.commands.executeCommand('finesse.startSimulator', { scenario: 'idle' });
    // A Connect profile for it, and its password where Connect keeps it (secret storage).
    const profile = { url: lab.listening, domain: lab.domain, user: 'agent1' };
    const config = vscode.workspace.getConfiguration('finesse');
    saved = config.inspect('profiles')?.globalValue;
    await config.update('profiles', [profile], vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('finesse.connect', { ...profile, password: 'agent1' });
    await vscode.commands.executeCommand('finesse.disconnect');
  });
  after(async () => {
    if (session) await vscode.debug.stopDebugging(session);
    await vscode.workspace.getConfiguration('finesse').update('profiles', saved, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('finesse.stopSimulator');
  });

  it('runs the workspace’s gadget on a desktop signed in to the lab, and stopping leaves the lab up', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const lines: WrittenLine[] = [];
    const events = new vscode.EventEmitter<WrittenLine>();
    const sub = finesse.gadgets.onDidWriteLog((l) => {
      lines.push(l);
      events.fire(l);
    });
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const s = vscode.debug.onDidStartDebugSession((d) => {
        if (d.type !== 'finesse-gadget') return;
        s.dispose();
        resolve(d);
      });
    });
    try {
      const ok = await vscode.debug.startDebugging(folder, {
        type: 'finesse-gadget',
        request: 'launch',
        name: 'Debug Finesse Gadget (lab)',
        gadgetFolder: folder.uri.fsPath,
        profile: `agent1@${lab.domain}`,
        extension: '1001',
      });
      assert.equal(ok, true);
      session = await started;
      await first(
        lines,
        events.event,
        (l) => l.text.includes('rendered: Hello from the gadget for agent1'),
        'the gadget ran',
      );
    } finally {
      sub.dispose();
    }
    const desktop = finesse.gadgets.desktopOf(session.id);
    assert.ok(desktop, 'the session has its desktop');
    assert.notEqual(desktop.origin, new URL(lab.rest).origin, 'the desktop runs on a listener of its own');
    // The desktop's REST went to the lab through its forwarder, captured.
    await waitForFrame(finesse.store, (f) => f.kind === 'http' && f.raw.includes('/finesse/api/'));
    await vscode.debug.stopDebugging(session);
    session = undefined;
    await assert.rejects(fetch(desktop.url), 'the desktop listener is closed');
    assert.equal((await fetch(`${lab.rest}SystemInfo`)).status, 200, 'the lab server is still up');
  });
});

describe("Finesse: Debug Gadget on Cisco's Learning Sample Gadget (finesse.js from the gadget's folder)", function () {
  this.timeout(120_000);
  // Cisco's sample and its finesse-10.5.1.js never enter the repository: read from beside it.
  const SAMPLE = join(extension().extensionPath, '..', 'shared', 'finesse-samples', 'LearningSampleGadget-10.5.1');
  let session: vscode.DebugSession | undefined;
  const subs: vscode.Disposable[] = [];
  const lines: WrittenLine[] = [];
  const lineEvents = new vscode.EventEmitter<WrittenLine>();
  before(async () => {
    const finesse = (await api()) as GadgetApi;
    subs.push(
      finesse.gadgets.onDidWriteLog((l) => {
        lines.push(l);
        lineEvents.fire(l);
      }),
    );
  });
  after(async () => {
    if (session) await vscode.debug.stopDebugging(session);
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    for (const s of subs) s.dispose();
  });

  it('stops in the sample’s render() with the agent’s state that finesse.js read from the desktop', async function () {
    if (!existsSync(SAMPLE)) this.skip();
    const ws = vscode.workspace.workspaceFolders?.[0];
    assert.ok(ws);
    const folder = join(ws.uri.fsPath, 'LearningSample');
    mkdirSync(folder, { recursive: true });
    for (const f of [
      'SampleGadget_Final.xml',
      'SampleGadget_Final.js',
      'SampleGadget_Final.css',
      'finesse-10.5.1.js',
      'jquery-1.9.1.min.js',
    ])
      copyFileSync(join(SAMPLE, f), join(folder, f));
    const js = join(folder, 'SampleGadget_Final.js');
    const line =
      readFileSync(js, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('$("#userState").text(currentState)')) + 1;
    assert.ok(line > 0, 'the sample has the line');
    vscode.debug.addBreakpoints([
      new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.file(js), new vscode.Position(line - 1, 0))),
    ]);
    const stopped = new Promise<{ session: vscode.DebugSession; threadId: number }>((resolve) => {
      subs.push(
        vscode.debug.registerDebugAdapterTrackerFactory('pwa-chrome', {
          createDebugAdapterTracker: (s) => ({
            onDidSendMessage: (m: DapMessage) => {
              if (m.type === 'event' && m.event === 'stopped' && m.body?.threadId !== undefined)
                resolve({ session: s, threadId: m.body.threadId });
            },
          }),
        }),
      );
    });
    subs.push(
      vscode.debug.onDidStartDebugSession((s) => {
        if (s.type === 'finesse-gadget') session = s;
      }),
    );
    assert.ok(
      await vscode.debug.startDebugging(ws, {
        type: 'finesse-gadget',
        request: 'launch',
        name: 'Debug the Learning Sample Gadget',
        gadgetFolder: folder,
      }),
    );
    const stop = await stopped;
    const trace = (await stop.session.customRequest('stackTrace', { threadId: stop.threadId, levels: 1 })) as {
      stackFrames: StackFrame[];
    };
    const top = trace.stackFrames[0];
    const path = top.source?.path ?? '';
    assert.equal(/^[a-z][\w+.-]*:\/\//i.test(path) ? vscode.Uri.parse(path).path : path, js);
    assert.equal(top.line, line);
    const state = (await stop.session.customRequest('evaluate', {
      expression: 'currentState + " " + user.getId()',
      frameId: top.id,
      context: 'watch',
    })) as { result: string };
    assert.equal(state.result, "'NOT_READY agent1'", 'the desktop signed agent1 in, NOT_READY');
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await stop.session.customRequest('continue', { threadId: stop.threadId });
    // finesse.js's ClientLogger (console and hub topic finesse.clientLogging.*) reaches the log.
    await first(
      lines,
      lineEvents.event,
      (l) => l.text.includes('LearningSampleGadget : ') && l.title === 'Sample Gadget',
      'a ClientLogger line',
    );
  });
});

describe('Two gadget debug sessions on one local Finesse', function () {
  this.timeout(120_000);
  const sessions: vscode.DebugSession[] = [];
  after(async () => {
    for (const s of sessions) await vscode.debug.stopDebugging(s);
    await vscode.commands.executeCommand('finesse.stopSimulator');
  });

  it('share it, and it stops with the last of them', async () => {
    const finesse = (await api()) as GadgetApi;
    const ws = vscode.workspace.workspaceFolders?.[0];
    assert.ok(ws);
    const started: vscode.DebugSession[] = [];
    const startedEvents = new vscode.EventEmitter<vscode.DebugSession>();
    const sub = vscode.debug.onDidStartDebugSession((s) => {
      if (s.type !== 'finesse-gadget') return;
      started.push(s);
      startedEvents.fire(s);
    });
    const config = (name: string) => ({ type: 'finesse-gadget', request: 'launch', name, gadgetFolder: ws.uri.fsPath });
    try {
      // Started together: one local Finesse for both.
      const oks = await Promise.all([
        vscode.debug.startDebugging(ws, config('first')),
        vscode.debug.startDebugging(ws, config('second')),
      ]);
      assert.deepEqual(oks, [true, true]);
      await first(started, startedEvents.event, () => started.length === 2, 'both sessions', 30_000);
    } finally {
      sub.dispose();
    }
    sessions.push(...started);
    const [a, b] = started.map((s) => finesse.gadgets.desktopOf(s.id));
    assert.ok(a && b, 'both sessions have their desktop');
    assert.equal(a.origin, b.origin, 'on the same local Finesse');
    const ended = (s: vscode.DebugSession) =>
      new Promise<void>((resolve) => {
        const d = vscode.debug.onDidTerminateDebugSession((t) => {
          if (t.id !== s.id) return;
          d.dispose();
          resolve();
        });
      });
    const firstEnded = ended(started[0]);
    await vscode.debug.stopDebugging(started[0]);
    await firstEnded;
    assert.equal((await fetch(`${a.origin}/finesse/api/SystemInfo`)).status, 200, 'still up for the second');
    const secondEnded = ended(started[1]);
    await vscode.debug.stopDebugging(started[1]);
    await secondEnded;
    sessions.length = 0;
    // The session answers its terminate request only once what it started has stopped.
    await assert.rejects(fetch(`${a.origin}/finesse/api/SystemInfo`), 'stopped with the last session');
  });
});

describe('finesse-gadget launch configurations', () => {
  it('a gadget folder that does not exist aborts the launch', async () => {
    const missing = join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '/', 'no-such-gadgets');
    const ok = await vscode.debug.startDebugging(undefined, {
      type: 'finesse-gadget',
      request: 'launch',
      name: 'wrong folder',
      gadgetFolder: missing,
    });
    assert.equal(ok, false, 'nothing started');
    assert.equal(vscode.debug.activeDebugSession, undefined);
  });

  it('package.json offers the debugger, its snippets and the commands where a gadget developer looks', () => {
    const pkg = extension().packageJSON as {
      contributes: {
        debuggers: { type: string; initialConfigurations: unknown[]; configurationSnippets: unknown[] }[];
        menus: Record<string, { command: string; when?: string }[]>;
        walkthroughs: { id: string; steps: unknown[] }[];
      };
    };
    const dbg = pkg.contributes.debuggers.find((d) => d.type === 'finesse-gadget');
    assert.ok(dbg, 'the finesse-gadget debugger');
    assert.ok(dbg.initialConfigurations.length > 0 && dbg.configurationSnippets.length > 0);
    const explorer = pkg.contributes.menus['explorer/context'].find((m) => m.command === 'finesse.debugGadget');
    assert.match(explorer?.when ?? '', /\.xml/, 'Debug Gadget on a spec in the Explorer');
    assert.ok(pkg.contributes.walkthroughs.some((w) => w.id === 'finesse.gadgetDevelopment' && w.steps.length >= 4));
  });
});
