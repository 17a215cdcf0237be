/**
 * Intercept in VS Code: Finesse: Pause / Resume / Forward / Drop / Edit / Resend / Inject, the
 * held-frame editor with live schema diagnostics, the panel's intercept buttons and Pause
 * toggles, the status bar. Only the controller and the commands are set up at activation; the
 * interceptor, the editor and libxml2 load on first use.
 *
 * Proxies and sessions started by the extension are given `services.interceptGate` (./gateSlot)
 * as their gate; the controller plugs the Interceptor in behind it.
 */
import * as vscode from 'vscode';
import type { Direction, Frame } from '../../core/capture/frame';
import type { TemplateName } from '../../core/intercept/templates';
import type { Services } from '../services';
import { arrow, InterceptController } from './controller';
import type { FrameEditors } from './frameEditor';
import { COMPARE_SCHEME, CompareDocuments, compareWithOriginal } from './compare';
import { parseFrameUri, SCHEME } from './frameDocuments';
import { panelActions, pauseToolbar } from './panelActions';
import { registerBreakpointCommands } from './breakpointCommands';
import { registerRowCommands } from './rowCommands';

/** Arguments the inject command accepts (tests and keybindings pass them; users get pickers). */
interface InjectArgs {
  session?: string;
  dir?: Direction;
  template?: TemplateName;
  /** Stanza text: sent at once, without an editor. */
  raw?: string;
  node?: string;
}

export function register(services: Services): vscode.Disposable[] {
  const controller = new InterceptController(services);
  const disposables: vscode.Disposable[] = [controller];

  let editors: Promise<FrameEditors> | undefined;
  const getEditors = () =>
    (editors ??= (async () => {
      const [{ FrameEditors, FrameCodeLens }, { FrameDiagnostics }] = await Promise.all([
        import('./frameEditor'),
        import('./diagnostics'),
      ]);
      const diagnostics = new FrameDiagnostics(services.log);
      const e = new FrameEditors(controller, diagnostics);
      disposables.push(
        diagnostics,
        e,
        vscode.languages.registerCodeLensProvider({ scheme: SCHEME }, new FrameCodeLens(controller)),
      );
      return e;
    })());

  const fail = (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    services.log.error(message);
    void vscode.window.showErrorMessage(`Finesse: ${message}`);
    return undefined;
  };

  const run = {
    forward: async (id: number) => (await controller.get()).forward(id),
    drop: async (id: number) => {
      const frame = (await controller.get()).drop(id);
      // A tab editing the dropped frame has nothing left to send.
      const doc = vscode.workspace.textDocuments.find((d) => {
        const t = parseFrameUri(d.uri);
        return t?.kind === 'held' && t.frameId === id;
      });
      if (doc) await (await getEditors()).close(doc);
      return frame;
    },
    edit: async (id: number) => (await getEditors()).edit(id),
    resend: async (id: number) => (await controller.get()).resend(id),
    resendOriginal: async (id: number) => (await controller.get()).resendOriginal(id),
    compare: (id: number) => compareWithOriginal(services.store, id),
  };
  const hooks = services.panelHooks.set({ actions: panelActions(controller, run), toolbar: pauseToolbar(controller) });
  disposables.push({ dispose: () => hooks.dispose() });

  /** A frame id from a command argument: a number, {frameId}, a frame tab URI, or a pick. */
  const frameArg = async (arg: unknown, heldOnly: boolean, verb: string): Promise<number | undefined> => {
    if (typeof arg === 'number') return arg;
    if (arg && typeof arg === 'object' && typeof (arg as { frameId?: unknown }).frameId === 'number')
      return (arg as { frameId: number }).frameId;
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    const target = uri && parseFrameUri(uri);
    if (target && target.kind !== 'inject') return target.frameId;
    const held = controller.current?.held() ?? [];
    // From the command palette: the frame selected in the panel, when it fits.
    const selected = services.selection.frame;
    if (selected && (!heldOnly || controller.current?.isHeld(selected.id))) return selected.id;
    if (heldOnly && !held.length) {
      void vscode.window.showInformationMessage('Finesse: no frame is held.');
      return undefined;
    }
    const frames: Frame[] = heldOnly ? held.map((h) => h.frame) : [...services.store].slice(-200).reverse();
    const pick = await vscode.window.showQuickPick(
      frames.map((f) => ({ label: `#${f.id} ${arrow(f.dir)}`, description: f.raw.slice(0, 120), id: f.id })),
      { placeHolder: `Frame to ${verb}` },
    );
    return pick?.id;
  };

  const dirArg = async (arg: unknown, verb: string): Promise<Direction | 'both' | undefined> => {
    if (arg === 'in' || arg === 'out' || arg === 'both') return arg;
    if (arg !== undefined) return 'both';
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'Both directions', value: 'both' as const },
        { label: 'Client → server', value: 'out' as const },
        { label: 'Server → client', value: 'in' as const },
      ],
      { placeHolder: `${verb} which direction?` },
    );
    return pick?.value;
  };

  const command = (id: string, fn: (...args: unknown[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (e) {
        return fail(e);
      }
    });

  disposables.push(
    command('finesse.pause', async (arg) => {
      const dir = await dirArg(arg, 'Pause');
      if (dir) (await controller.get()).pause(dir);
      return controller.current?.paused;
    }),
    command('finesse.resume', async (arg) => {
      const interceptor = await controller.get();
      interceptor.resume(arg === 'in' || arg === 'out' ? arg : 'both');
      return interceptor.paused;
    }),
    command('finesse.forwardFrame', async (arg) => {
      const id = await frameArg(arg, true, 'forward');
      return id === undefined ? undefined : (await run.forward(id)).id;
    }),
    command('finesse.dropFrame', async (arg) => {
      const id = await frameArg(arg, true, 'drop');
      return id === undefined ? undefined : (await run.drop(id)).id;
    }),
    command('finesse.editFrame', async (arg) => {
      const id = await frameArg(arg, false, 'edit');
      if (id === undefined) return undefined;
      return (await run.edit(id)).document.uri.toString();
    }),
    command('finesse.resendFrame', async (arg) => {
      const id = await frameArg(arg, false, 'resend');
      if (id === undefined) return undefined;
      const raw =
        arg && typeof arg === 'object' && typeof (arg as { raw?: unknown }).raw === 'string'
          ? (arg as { raw: string }).raw
          : undefined;
      return (await controller.get()).resend(id, { raw }).id;
    }),
    command('finesse.injectStanza', async (arg) => inject((arg ?? {}) as InjectArgs)),
    command(
      'finesse.sendFrame',
      async (uri) => (await (await getEditors()).send(uri instanceof vscode.Uri ? uri : undefined))?.id,
    ),
    command('finesse.revertFrame', async (uri) =>
      (await getEditors()).revert(uri instanceof vscode.Uri ? uri : undefined),
    ),
    command('finesse.resendOriginal', async (arg) => {
      const id = await frameArg(arg, false, 'resend as first captured');
      return id === undefined ? undefined : (await run.resendOriginal(id)).id;
    }),
    command('finesse.editAndResend', async (arg) => {
      const id = await frameArg(arg, false, 'edit and resend');
      return id === undefined ? undefined : (await (await getEditors()).editCopy(id)).document.uri.toString();
    }),
    command('finesse.compareWithOriginal', async (arg) => {
      const id = await frameArg(arg, false, 'compare with its original');
      if (id !== undefined) await run.compare(id);
      return id;
    }),
    ...registerRowCommands(services, command, (arg, verb) => frameArg(arg, false, verb)),
    ...registerBreakpointCommands(controller, command, (arg, verb) => frameArg(arg, false, verb)),
  );
  const onSelection = (frame: Frame | undefined) => {
    void vscode.commands.executeCommand('setContext', 'finesse.frameSelected', !!frame);
    void vscode.commands.executeCommand('setContext', 'finesse.selectedFrameEdited', frame?.original !== undefined);
  };
  services.selection.on('change', onSelection);
  disposables.push({ dispose: () => services.selection.off('change', onSelection) });
  disposables.push(
    vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, new CompareDocuments(services.store)),
  );

  async function inject(args: InjectArgs): Promise<number | string | undefined> {
    const sessions = services.live.list();
    let session = args.session;
    if (!session) {
      if (!sessions.length)
        throw new Error('no live session to inject into (connect, or start the proxy and connect a client)');
      session =
        sessions.length === 1
          ? sessions[0].id
          : (
              await vscode.window.showQuickPick(
                sessions.map((s) => ({ label: s.label, description: s.id, id: s.id })),
                { placeHolder: 'Inject into which session?' },
              )
            )?.id;
      if (!session) return undefined;
    }
    const interceptor = await controller.get();
    if (args.raw !== undefined) return interceptor.inject(session, args.dir ?? 'out', args.raw).id;
    const { buildTemplate, TEMPLATE_LABELS, TEMPLATE_NAMES } = await import('../../core/intercept/templates');
    const { sessionIdentity } = await import('../../core/intercept/sessionJid');
    const live = services.live.get(session);
    let name = args.template;
    if (!name) {
      const choices = TEMPLATE_NAMES.map((n) => ({ label: TEMPLATE_LABELS[n], name: n }));
      name = (await vscode.window.showQuickPick(choices, { placeHolder: 'Stanza to inject' }))?.name;
      if (!name) return undefined;
    }
    const template = buildTemplate(name, { ...sessionIdentity(services.store, session), node: args.node });
    const dir = args.dir ?? template.dir;
    if (live && !live.directions.includes(dir)) throw new Error(`${live.label} cannot send ${arrow(dir)}`);
    const { toEditable } = await import('../../core/intercept/editable');
    const editor = await (await getEditors()).compose(session, dir, toEditable(template.raw));
    return editor.document.uri.toString();
  }

  return disposables;
}
