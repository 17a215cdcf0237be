/**
 * Finesse: Save Session / Open Session / Import HAR / Export HAR. Each accepts an argument so
 * tests and scripts skip the dialogs: a Uri (explorer menus) or `{ path }` (plus `entry` for a
 * HAR import), and resolves with what it did. Saving streams the store to disk with the
 * SessionWriter; every saved or exported file has SASL payloads and configured secrets redacted.
 */
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { Frame } from '../../core/capture/frame';
import type { FrameStore } from '../../core/capture/frameStore';
import { LineError, SESSION_EXTENSION } from '../../core/recording/format';
import type { SessionDocument } from './sessionEditor';
import { HarChoiceError, importHar, listWebSockets, parseHar, writeHarFile } from '../../core/recording/har';
import { SessionWriter } from '../../core/recording/writer';
import type { Services } from '../services';
import { argPath, pickHarEntry } from './pick';
import { configuredSecrets } from './secrets';
import { HAR_VIEW_TYPE, SESSION_VIEW_TYPE } from './ids';

function stamp(): string {
  return new Date().toISOString().replace(/[:]/g, '').replace(/\..*$/, '').replace('T', '-');
}

function defaultUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder ? vscode.Uri.joinPath(folder, name) : vscode.Uri.file(name);
}

/** Saves the frames the store holds now; resolves with the file path (undefined: cancelled). */
export async function saveSession(services: Services, arg?: unknown): Promise<string | undefined> {
  const { store, log } = services;
  let path = argPath(arg);
  if (!path) {
    if (!store.size) {
      void vscode.window.showInformationMessage('Finesse: there are no frames to save yet.');
      return undefined;
    }
    const uri = await vscode.window.showSaveDialog({
      title: 'Finesse: Save Session',
      defaultUri: defaultUri(`finesse-${stamp()}${SESSION_EXTENSION}`),
      filters: { 'Finesse session': [SESSION_EXTENSION.slice(1)] },
    });
    if (!uri) return undefined;
    path = uri.fsPath;
  }
  const target = path;
  const secrets = await configuredSecrets(services);
  // A snapshot of ids: frames appended while saving belong to the next save.
  const first = store.firstId;
  const last = store.lastId;
  const sessions = [...store.sessions.values()];
  const summary = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Saving ${basename(target)}`, cancellable: false },
    async (progress) => {
      const writer = SessionWriter.toFile(target, { secrets });
      async function* frames(): AsyncGenerator<Frame> {
        for (let id = first; id <= last; id++) {
          const f = store.get(id);
          if (f) yield f;
          if ((id - first) % 20_000 === 0 && last > first)
            progress.report({ message: `${Math.round(((id - first) / (last - first + 1)) * 100)} %` });
        }
      }
      try {
        await writer.writeAll(frames(), sessions);
        return await writer.close();
      } catch (e) {
        await writer.abort();
        throw e;
      }
    },
  );
  log.info(`saved ${summary.frames} frames to ${target} (${summary.redacted} credentials redacted)`);
  void vscode.window.setStatusBarMessage(
    `$(save) Saved ${summary.frames} frames to ${basename(target)}, ${summary.redacted} credential${summary.redacted === 1 ? '' : 's'} redacted`,
    5000,
  );
  return target;
}

/** What Open Session read: for scripts and tests (the user sees the viewer and any warning). */
export interface OpenedSession {
  path: string;
  frames: number;
  errors: LineError[];
  errorCount: number;
  truncated: boolean;
  failure?: string;
}

/** Opens a session file (or a HAR) in the read-only session viewer. */
export async function openSession(
  _services: Services,
  arg: unknown,
  opened: (uri: vscode.Uri) => SessionDocument | undefined,
): Promise<OpenedSession | undefined> {
  let uri = arg instanceof vscode.Uri ? arg : argPath(arg) ? vscode.Uri.file(argPath(arg) as string) : undefined;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({
      title: 'Finesse: Open Session',
      canSelectMany: false,
      filters: { 'Finesse session or HAR': [SESSION_EXTENSION.slice(1), 'har'], 'All files': ['*'] },
    });
    uri = picked?.[0];
  }
  if (!uri) return undefined;
  await vscode.commands.executeCommand(
    'vscode.openWith',
    uri,
    uri.path.toLowerCase().endsWith('.har') ? HAR_VIEW_TYPE : SESSION_VIEW_TYPE,
  );
  const doc = opened(uri);
  if (!doc) return undefined;
  const result: OpenedSession = {
    path: uri.fsPath,
    frames: doc.frames,
    errors: doc.errors,
    errorCount: doc.errorCount,
    truncated: doc.truncated,
  };
  if (doc.failure) result.failure = doc.failure;
  return result;
}

/** Exports the store as a HAR (one WebSocket entry per session); resolves with the path. */
export async function exportHar(services: Services, arg?: unknown): Promise<string | undefined> {
  const { store, log } = services;
  let path = argPath(arg);
  if (!path) {
    if (!store.size) {
      void vscode.window.showInformationMessage('Finesse: there are no frames to export yet.');
      return undefined;
    }
    const uri = await vscode.window.showSaveDialog({
      title: 'Finesse: Export HAR',
      defaultUri: defaultUri(`finesse-${stamp()}.har`),
      filters: { HAR: ['har'] },
    });
    if (!uri) return undefined;
    path = uri.fsPath;
  }
  const written = await writeHarFile(path, [...store], [...store.sessions.values()], {
    secrets: await configuredSecrets(services),
  });
  log.info(`exported ${written.messages} frames in ${written.entries} WebSocket entries to ${path}`);
  void vscode.window.setStatusBarMessage(`$(export) Exported ${written.messages} frames to ${basename(path)}`, 5000);
  return path;
}

export interface ImportHarArgs {
  path: string;
  /** WebSocket entry: position among the HAR's WebSocket entries, or part of its URL. */
  entry?: number | string;
}

/** What Import HAR opened: for scripts and tests (the user sees the viewer). */
export interface ImportedHar {
  path: string;
  /** The session of the WebSocket entry, in the viewer's own store. */
  session: string;
  /** Frames of that session (the REST calls, if any, are a session beside it). */
  frames: number;
  /** Every frame the viewer holds. */
  total: number;
  /** Messages that could not be imported. */
  errorCount: number;
  /** The viewer's own store (callers in the extension host may read its frames). */
  store: FrameStore;
}

/**
 * Imports one WebSocket entry of a HAR (Chrome/Edge DevTools, or our export): it opens in the
 * read-only session viewer, a store of its own with its own entry in the Sessions view, as a
 * session file does. The live capture and its panel's filter stay as they are (merged into the
 * live store, an import mixed old times with live frames and the user's filter hid it). Asks
 * which entry when there are several and none was given.
 */
export async function importHarCommand(
  _services: Services,
  arg: unknown,
  opened: (uri: vscode.Uri) => SessionDocument | undefined,
): Promise<ImportedHar | undefined> {
  let path = argPath(arg);
  let entry = arg && typeof arg === 'object' && 'entry' in arg ? (arg as ImportHarArgs).entry : undefined;
  if (!path) {
    const picked = await vscode.window.showOpenDialog({
      title: 'Finesse: Import HAR',
      canSelectMany: false,
      filters: { HAR: ['har'], 'All files': ['*'] },
    });
    if (!picked?.[0]) return undefined;
    path = picked[0].fsPath;
  }
  const har = parseHar(await readFile(path, 'utf8'));
  if (entry === undefined) {
    const sockets = listWebSockets(har);
    if (sockets.length > 1) {
      entry = await pickHarEntry(sockets, basename(path));
      if (entry === undefined) return undefined;
    }
  }
  // A wrong entry is said here, not as a viewer that cannot open.
  try {
    importHar(har, { entry });
  } catch (e) {
    if (e instanceof HarChoiceError) throw new Error(`${basename(path)}: ${e.message}`);
    throw e;
  }
  const uri = vscode.Uri.file(path);
  const { chooseHarEntry } = await import('./sessionEditor');
  const unchoose = chooseHarEntry(uri, entry);
  try {
    await vscode.commands.executeCommand('vscode.openWith', uri, HAR_VIEW_TYPE);
  } finally {
    unchoose();
  }
  const doc = opened(uri);
  if (!doc) return undefined;
  if (doc.failure) throw new Error(`${basename(path)}: ${doc.failure}`);
  const session = doc.harSession ?? '';
  let frames = 0;
  for (const f of doc.store) if (f.session === session) frames++;
  return { path, session, frames, total: doc.store.size, errorCount: doc.errorCount, store: doc.store };
}
