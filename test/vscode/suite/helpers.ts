/**
 * What the in-host tests share: the extension under test and its API, the command ids of the
 * contract, and waiting on the FrameStore's `append` events (never on sleeps).
 */
import * as vscode from 'vscode';
import type { FrameStore } from '../../../src/core/capture/frameStore';
import type { Frame } from '../../../src/core/capture/frame';
import type { LiveSessionRegistry } from '../../../src/core/capture/liveSession';

export const EXTENSION_ID = 'finesse-frames.finesse-frame-debugger';

/** The commands issue 6 adds (category "Finesse"). */
export const CORE_COMMANDS = [
  'finesse.connect',
  'finesse.disconnect',
  'finesse.startProxy',
  'finesse.stopProxy',
  'finesse.showFrames',
  'finesse.clearFrames',
];

/** What activate() returns: the services the suites drive the extension through. */
export interface FinesseApi {
  store: FrameStore;
  live: LiveSessionRegistry;
  activationMs?: number;
  connections?: { stopAll(): Promise<number> };
  proxies?: { stopAll(): Promise<number> };
}

/**
 * Between suite files (index.ts runs it after each top-level describe): stop every connection
 * and proxy, close the editors (the panel, viewers, held-frame tabs) and empty the store, so each
 * suite starts from a fresh extension state whatever ran before it.
 */
export async function resetExtension(): Promise<void> {
  const ext = vscode.extensions.getExtension<FinesseApi>(EXTENSION_ID);
  if (!ext?.isActive) return;
  await ext.exports.connections?.stopAll();
  await ext.exports.proxies?.stopAll();
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  ext.exports.store.clear();
}

export function extension(): vscode.Extension<FinesseApi> {
  const ext = vscode.extensions.getExtension<FinesseApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext;
}

export async function api(): Promise<FinesseApi> {
  const ext = extension();
  const exported = ext.isActive ? ext.exports : await ext.activate();
  if (!exported?.store) throw new Error('activate() returned no API object with a store');
  return exported;
}

/**
 * Resolves with the first frame (held now or appended later) that matches; rejects after
 * `timeoutMs` with what the store holds, so a failure says what did arrive.
 */
export function waitForFrame(store: FrameStore, match: (f: Frame) => boolean, timeoutMs = 20_000): Promise<Frame> {
  for (const f of store) if (match(f)) return Promise.resolve(f);
  return new Promise((resolve, reject) => {
    const onAppend = (frames: Frame[]) => {
      const hit = frames.find(match);
      if (!hit) return;
      clearTimeout(timer);
      store.off('append', onAppend);
      resolve(hit);
    };
    const timer = setTimeout(() => {
      store.off('append', onAppend);
      const seen = [...store].slice(-8).map((f) => `${f.id} ${f.dir} ${f.kind} ${f.raw.slice(0, 100)}`);
      reject(new Error(`no matching frame within ${timeoutMs} ms; last frames:\n  ${seen.join('\n  ')}`));
    }, timeoutMs);
    store.on('append', onAppend);
  });
}

/** Frames of one capture session. */
export function framesOf(store: FrameStore, session: string): Frame[] {
  return [...store].filter((f) => f.session === session);
}

/** Resolves when the frame's flags satisfy `test` (store 'update' events, no polling). */
export function flagged(store: FrameStore, id: number, test: (f: Frame) => boolean): Promise<Frame> {
  const now = store.get(id);
  if (now && test(now)) return Promise.resolve(now);
  return new Promise((resolve) => {
    const on = (f: Frame) => {
      if (f.id !== id || !test(f)) return;
      store.off('update', on);
      resolve(f);
    };
    store.on('update', on);
  });
}

/** The diagnostics of `uri` once they satisfy `test` (now, or at a later change). */
export function diagnosticsOf(
  uri: vscode.Uri,
  test: (d: readonly vscode.Diagnostic[]) => boolean,
): Promise<readonly vscode.Diagnostic[]> {
  const now = vscode.languages.getDiagnostics(uri);
  if (test(now)) return Promise.resolve(now);
  return new Promise((resolve) => {
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      const d = vscode.languages.getDiagnostics(uri);
      if (!test(d)) return;
      sub.dispose();
      resolve(d);
    });
  });
}
