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

/**
 * Imports one WebSocket entry of a HAR (Chrome/Edge DevTools, or our export) into the frames
 * panel as a session of its own; asks which entry when there are several and none was given.
 */
export async function importHarCommand(
  services: Services,
  arg?: unknown,
): Promise<{ session: string; frames: number } | undefined> {
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
  let imported;
  try {
    imported = importHar(har, { entry, rest: true });
  } catch (e) {
    if (e instanceof HarChoiceError) throw new Error(`${basename(path)}: ${e.message}`);
    throw e;
  }
  const { store, log } = services;
  // Ids of a HAR are not unique across imports: each import is a session of its own.
  const id = `${imported.session.id}-${Date.now().toString(36)}`;
  store.openSession({ ...imported.session, id, label: `HAR ${basename(path)}: ${imported.session.label}` });
  // The HAR's Finesse REST calls (if any) come as a session of their own beside the WebSocket's.
  const restId = imported.restSession ? `${imported.restSession.id}-${Date.now().toString(36)}` : undefined;
  if (imported.restSession && restId)
    store.openSession({
      ...imported.restSession,
      id: restId,
      label: `HAR ${basename(path)}: ${imported.restSession.label}`,
    });
  const ids = new Map<number, number>();
  for (const f of imported.frames) {
    const answers = f.answers === undefined ? undefined : ids.get(f.answers);
    ids.set(
      f.id,
      store.append({
        session: f.kind === 'http' && restId ? restId : id,
        dir: f.dir,
        t: f.t,
        kind: f.kind,
        raw: f.raw,
        bytes: f.bytes,
        answers,
      }).id,
    );
  }
  store.endSession(id);
  if (restId) store.endSession(restId);
  for (const w of imported.warnings) log.warn(`${basename(path)}: message ${w.message}: ${w.text}`);
  if (imported.warnings.length)
    void vscode.window.showWarningMessage(
      `Finesse: ${imported.warnings.length} message(s) of ${basename(path)} could not be imported (see the Finesse log).`,
    );
  // Shown as its own session: its old times never sit among live frames in one list.
  await vscode.commands.executeCommand('finesse.showSession', id);
  // frames of the WebSocket session; the REST calls are in a session of their own.
  return { session: id, frames: imported.frames.filter((f) => f.kind !== 'http').length };
}
