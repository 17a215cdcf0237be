/**
 * Sessions: Save Session, Open Session (the read-only session viewer, a custom editor for
 * `*.finesse-session`), Import HAR, Export HAR, Replay Session (+ Replay: Next Push, Stop
 * Replay). Only command and editor registrations happen at activation; the reader, writer, HAR
 * code, replay server and the viewer load on first use.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { HAR_VIEW_TYPE, SESSION_VIEW_TYPE } from './ids';
import type { Replays } from './replays';
import type { SessionDocument } from './sessionEditor';

export function register(services: Services): vscode.Disposable[] {
  const commands = () => import('./commands');
  const replayModule = () => import('./replays');
  let replays: Replays | undefined;
  const getReplays = async () => (replays ??= new (await replayModule()).Replays(services));

  /**
   * Errors become one notification. Called with an argument (tests, scripts, explorer menus
   * hand a Uri) the command also rejects, so the caller learns it failed.
   */
  const command = (id: string, fn: (arg?: unknown) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, async (arg?: unknown) => {
      try {
        return await fn(arg);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        services.log.error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(`Finesse: ${message}`);
        if (arg !== undefined) throw e;
        return undefined;
      }
    });

  // Open viewer documents by URI, so Open Session can say what it read.
  const opened = new Map<string, SessionDocument>();
  // The provider object must exist at activation; what it does is loaded when a file opens.
  const provider: vscode.CustomReadonlyEditorProvider<SessionDocument> = {
    async openCustomDocument(uri, context, token) {
      const { SessionEditorProvider } = await import('./sessionEditor');
      const doc = await new SessionEditorProvider(services).openCustomDocument(uri, context, token);
      opened.set(uri.toString(), doc);
      doc.onDispose(() => opened.delete(uri.toString()));
      return doc;
    },
    async resolveCustomEditor(doc, panel) {
      const { SessionEditorProvider } = await import('./sessionEditor');
      return new SessionEditorProvider(services).resolveCustomEditor(doc, panel);
    },
  };

  // Save Session and Export HAR are offered only while the capture holds frames: the context key
  // changes only when the store goes from empty to not, or back.
  let hasFrames: boolean | undefined;
  const onStoreSize = () => {
    const now = services.store.size > 0;
    if (now === hasFrames) return;
    hasFrames = now;
    void vscode.commands.executeCommand('setContext', 'finesse.hasFrames', now);
  };
  services.store.on('append', onStoreSize);
  services.store.on('clear', onStoreSize);
  services.store.on('evict', onStoreSize);
  onStoreSize();
  const unwatchStore = {
    dispose: () => services.store.off('append', onStoreSize).off('clear', onStoreSize).off('evict', onStoreSize),
  };

  return [
    unwatchStore,
    command('finesse.saveSession', async (arg) => (await commands()).saveSession(services, arg)),
    command('finesse.openSession', async (arg) =>
      (await commands()).openSession(services, arg, (uri) => opened.get(uri.toString())),
    ),
    command('finesse.importHar', async (arg) =>
      (await commands()).importHarCommand(services, arg, (uri) => opened.get(uri.toString())),
    ),
    command('finesse.exportHar', async (arg) => (await commands()).exportHar(services, arg)),
    command('finesse.replaySession', async (arg) =>
      (await replayModule()).replaySession(services, await getReplays(), arg),
    ),
    command('finesse.replayStep', async () => {
      const released = replays?.list.reduce((n, r) => n + r.server.step(), 0) ?? 0;
      if (!released) vscode.window.setStatusBarMessage('Finesse: no replayed push is waiting', 3000);
      return released;
    }),
    command('finesse.stopReplay', async () => {
      const n = replays?.list.length ?? 0;
      await replays?.stopAll();
      return n;
    }),
    vscode.window.registerCustomEditorProvider(SESSION_VIEW_TYPE, provider, {
      supportsMultipleEditorsPerDocument: true,
    }),
    vscode.window.registerCustomEditorProvider(HAR_VIEW_TYPE, provider, { supportsMultipleEditorsPerDocument: true }),
    { dispose: () => replays?.dispose() },
  ];
}
