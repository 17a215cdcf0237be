/**
 * The read-only viewer of a saved session: a CustomReadonlyEditor for `*.finesse-session` (and,
 * on request, `*.har`) that reads the file into a FrameStore of its own and shows it with the
 * frames panel's FramesView (filter, detail, stanza tree), read-only. A damaged file opens with
 * what is readable and a warning naming the bad lines; a file that is no session at all shows
 * why, in the editor and as an error — it never takes the extension down.
 */
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { FrameStore } from '../../core/capture/frameStore';
import type { LineError } from '../../core/recording/format';
import { HarError, importHar, listWebSockets, parseHar } from '../../core/recording/har';
import { relinkHubCause } from '../../core/recording/hubLinks';
import { recordingKind } from '../../core/recording/open';
import { RecordedFrames, SessionReader } from '../../core/recording/reader';
import { escapeXml } from '../../core/xmpp/xml';
import { FramesView } from '../panel/framesView';
import type { Services } from '../services';
import { pickHarEntry } from './pick';
import { setActiveTimelineSource, TimelineSource } from '../timeline/sources';
import { addOpenViewer, withSessionTerm } from '../sessionsView/openViewers';

/** Frames a viewer holds; a longer file shows its last frames and says so. */
const VIEWER_CAPACITY = 1_000_000;

/** WebSocket entries Import HAR chose for a HAR about to open, by URI (taken when it opens). */
const chosenEntries = new Map<string, number | string>();

/** The next viewer of this HAR shows this WebSocket entry instead of asking which. */
export function chooseHarEntry(uri: vscode.Uri, entry: number | string | undefined): () => void {
  const key = uri.toString();
  if (entry === undefined) chosenEntries.delete(key);
  else chosenEntries.set(key, entry);
  return () => chosenEntries.delete(key);
}

export class SessionDocument implements vscode.CustomDocument {
  readonly store = new FrameStore(VIEWER_CAPACITY);
  /** A HAR: the session of its WebSocket entry (its REST calls, if any, are a session beside it). */
  harSession: string | undefined;
  frames = 0;
  errors: LineError[] = [];
  errorCount = 0;
  truncated = false;
  /** Why the file could not be opened at all. */
  failure: string | undefined;

  private readonly disposeListeners: (() => void)[] = [];

  constructor(readonly uri: vscode.Uri) {}

  get name(): string {
    return basename(this.uri.path);
  }

  onDispose(listener: () => void): void {
    this.disposeListeners.push(listener);
  }

  dispose(): void {
    this.store.clear();
    for (const l of this.disposeListeners.splice(0)) l();
  }
}

/** Reads a file into a document: streamed from disk for file: URIs, through workspace.fs otherwise. */
async function loadDocument(uri: vscode.Uri, token?: vscode.CancellationToken): Promise<SessionDocument> {
  const doc = new SessionDocument(uri);
  try {
    const kind =
      uri.scheme === 'file'
        ? await recordingKind(uri.fsPath)
        : uri.path.toLowerCase().endsWith('.har')
          ? 'har'
          : 'session';
    if (kind === 'har') await loadHar(doc);
    else await loadSessionFile(doc, token);
  } catch (e) {
    doc.failure = (e as Error).message;
  }
  return doc;
}

async function loadSessionFile(doc: SessionDocument, token?: vscode.CancellationToken): Promise<void> {
  const input =
    doc.uri.scheme === 'file' ? undefined : Readable.from([Buffer.from(await vscode.workspace.fs.readFile(doc.uri))]);
  const reader = input ? new SessionReader(input) : SessionReader.fromFile(doc.uri.fsPath);
  const { store } = doc;
  const recorded = new RecordedFrames(store);
  for await (const frame of reader.frames()) {
    if (token?.isCancellationRequested) break;
    if (!store.sessions.has(frame.session))
      store.openSession({
        ...(reader.sessions.get(frame.session) ?? { id: frame.session, label: frame.session, started: frame.t }),
      });
    recorded.append(frame);
    doc.frames++;
  }
  for (const info of reader.sessions.values()) {
    const held = store.sessions.get(info.id);
    if (held) Object.assign(held, info);
  }
  doc.errors = reader.errors;
  doc.errorCount = reader.errorCount;
  doc.truncated = reader.truncated;
}

async function loadHar(doc: SessionDocument): Promise<void> {
  const har = parseHar(Buffer.from(await vscode.workspace.fs.readFile(doc.uri)).toString('utf8'));
  const sockets = listWebSockets(har);
  let entry: number | string | undefined = chosenEntries.get(doc.uri.toString());
  chosenEntries.delete(doc.uri.toString());
  if (entry === undefined && sockets.length > 1) {
    entry = await pickHarEntry(sockets, doc.name);
    if (entry === undefined) throw new HarError('no WebSocket entry was chosen');
  }
  const imported = importHar(har, { entry, rest: true });
  doc.harSession = imported.session.id;
  doc.store.openSession(imported.session);
  if (imported.restSession) doc.store.openSession(imported.restSession);
  if (imported.hubSession) doc.store.openSession(imported.hubSession);
  // The store numbers frames itself: a response keeps pointing at its request's new id.
  const ids = new Map<number, number>();
  for (const f of imported.frames)
    ids.set(
      f.id,
      doc.store.append({
        session: f.session,
        dir: f.dir,
        t: f.t,
        kind: f.kind,
        // A hub frame names the frame it relays by id: the store's ids now.
        raw: f.kind === 'hub' ? relinkHubCause(f.raw, (old) => ids.get(old)) : f.raw,
        bytes: f.bytes,
        answers: f.answers === undefined ? undefined : ids.get(f.answers),
      }).id,
    );
  doc.frames = imported.frames.length;
  doc.errors = imported.warnings.map((w) => ({ line: w.message, message: `message ${w.message}: ${w.text}` }));
  doc.errorCount = doc.errors.length;
}

/** The warning that names the bad lines (all of them go to the log). */
function badLinesMessage(doc: SessionDocument): string | undefined {
  if (!doc.errorCount) return undefined;
  const shown = doc.errors.slice(0, 3).map((e) => `line ${e.line}: ${e.message}`);
  const more = doc.errorCount - shown.length;
  return `${doc.name}: ${doc.errorCount} bad line${doc.errorCount === 1 ? '' : 's'} skipped, ${doc.frames} frames read — ${shown.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}

export class SessionEditorProvider implements vscode.CustomReadonlyEditorProvider<SessionDocument> {
  constructor(private readonly services: Services) {}

  async openCustomDocument(
    uri: vscode.Uri,
    _context: vscode.CustomDocumentOpenContext,
    token: vscode.CancellationToken,
  ): Promise<SessionDocument> {
    const doc = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Reading ${basename(uri.path)}` },
      () => loadDocument(uri, token),
    );
    this.report(doc);
    return doc;
  }

  async resolveCustomEditor(doc: SessionDocument, panel: vscode.WebviewPanel): Promise<void> {
    if (doc.failure) {
      panel.webview.options = { enableScripts: false };
      panel.webview.html = failurePage(doc);
      return;
    }
    const view = new FramesView(panel.webview, this.services.context.extensionUri, doc.store, {
      readOnly: true,
      log: this.services.log,
      selection: this.services.selection,
    });
    panel.onDidDispose(() => view.dispose());
    // Finesse: Show Timeline draws this capture while its viewer is the active editor.
    const source: TimelineSource = {
      store: doc.store,
      title: doc.name,
      reveal: (id) => (panel.reveal(undefined, false), view.reveal(id)),
    };
    setActiveTimelineSource(source, panel.active);
    panel.onDidChangeViewState(() => setActiveTimelineSource(source, panel.active));
    panel.onDidDispose(() => setActiveTimelineSource(source, false));
    // The Sessions view lists the file while this editor is open.
    const { host } = view;
    const unlist = addOpenViewer({
      name: doc.name,
      path: doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString(),
      store: doc.store,
      opened: Date.now(),
      reveal: () => panel.reveal(undefined, false),
      showSession: async (id) => {
        panel.reveal(undefined, false);
        host.setFilter({ ...host.index.filterSpec, text: withSessionTerm(host.index.filterSpec.text, id) });
        await host.index.whenIdle();
        return host.index.total;
      },
    });
    panel.onDidDispose(unlist);
  }

  private report(doc: SessionDocument): void {
    const { log } = this.services;
    if (doc.failure) {
      log.error(`${doc.uri.fsPath}: ${doc.failure}`);
      void vscode.window.showErrorMessage(`Finesse: cannot open ${doc.name}: ${doc.failure}`);
      return;
    }
    log.info(`opened ${doc.uri.fsPath}: ${doc.frames} frames${doc.errorCount ? `, ${doc.errorCount} bad lines` : ''}`);
    for (const e of doc.errors) log.warn(`${doc.uri.fsPath}:${e.line}: ${e.message}`);
    const message = badLinesMessage(doc);
    if (message) void vscode.window.showWarningMessage(`Finesse: ${message}`);
    else if (doc.truncated)
      void vscode.window.showWarningMessage(
        `Finesse: ${doc.name} ends without its end record (it was cut short); ${doc.frames} frames were read.`,
      );
    if (doc.store.size < doc.frames)
      void vscode.window.showWarningMessage(
        `Finesse: ${doc.name} has ${doc.frames} frames; the viewer shows the last ${doc.store.size}.`,
      );
  }
}

function failurePage(doc: SessionDocument): string {
  const text = escapeXml(`Cannot open ${doc.name}: ${doc.failure ?? ''}`);
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"></head><body><p style="padding:1em;color:var(--vscode-errorForeground)">${text}</p></body></html>`;
}
