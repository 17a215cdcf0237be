/**
 * Editing frames in real editor tabs: a held frame (Send forwards the edit), a captured frame to
 * resend, or a new stanza to inject. The tab shows the stanza pretty-printed, with a Finesse
 * Update decoded inline; Send turns it back into wire text (Update re-escaped), validates it and
 * asks before sending anything with errors. Revert puts the captured text back. A hub frame opens
 * as its JSON record, indented, and is sent as the compact record.
 */
import * as vscode from 'vscode';
import type { Direction, Frame, FrameKind } from '../../core/capture/frame';
import { escapesUpdates, fromEditable, toEditable } from '../../core/intercept/editable';
import { hasErrors } from '../../core/validation/diagnostic';
import type { InterceptController } from './controller';
import { arrow } from './controller';
import type { FrameDiagnostics } from './diagnostics';
import { FrameDocTarget, FrameFileSystem, frameUri, parseFrameUri, SCHEME } from './frameDocuments';

export class FrameEditors implements vscode.Disposable {
  readonly fs: FrameFileSystem;
  private injectSeq = 0;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly controller: InterceptController,
    private readonly diagnostics: FrameDiagnostics,
  ) {
    this.fs = new FrameFileSystem((t) => this.initialText(t));
    this.subscriptions.push(
      vscode.workspace.registerFileSystemProvider(SCHEME, this.fs, { isCaseSensitive: true }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        // A closed tab starts from the captured text next time.
        if (d.uri.scheme !== SCHEME) return;
        this.fs.forget(d.uri);
        this.editEnded(d.uri);
      }),
      // A closed tab ends the edit at once (its document may outlive it for a while).
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        for (const tab of e.closed)
          if (tab.input instanceof vscode.TabInputText && !this.isOpenInTab(tab.input.uri))
            this.editEnded(tab.input.uri);
      }),
    );
  }

  private isOpenInTab(uri: vscode.Uri): boolean {
    return vscode.window.tabGroups.all.some((g) =>
      g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString()),
    );
  }

  /** The held frame's tab is gone without Send: its hold clock runs again. */
  private editEnded(uri: vscode.Uri): void {
    const target = parseFrameUri(uri);
    if (target?.kind === 'held') this.controller.current?.endEdit(target.frameId);
  }

  private get store() {
    return this.controller.services.store;
  }

  /** What a frame tab shows when it opens: the held text (as a replace rule left it) or the capture. */
  private initialText(target: FrameDocTarget): string | undefined {
    if (target.kind === 'inject') return undefined;
    const frame = this.store.get(target.frameId);
    if (!frame) return undefined;
    const pending = target.kind === 'held' ? this.controller.current?.heldFrame(frame.id)?.pending : undefined;
    return toEditable(pending ?? frame.raw, frame.kind);
  }

  /** Opens the held frame's tab, or a resend tab for a frame that is not held. */
  async edit(frameId: number): Promise<vscode.TextEditor> {
    const frame = this.store.get(frameId);
    if (!frame) throw new Error(`frame #${frameId} is no longer in the capture`);
    const interceptor = this.controller.current;
    const held = interceptor?.isHeld(frameId) ?? false;
    // An open editor stops the frame's hold clock: the timeout never sends it unedited.
    if (held) interceptor?.beginEdit(frameId);
    return this.open(frameUri({ kind: held ? 'held' : 'resend', frameId }));
  }

  /** Opens a resend tab with the frame as the row shows it, held or not ("Edit and Resend"). */
  async editCopy(frameId: number): Promise<vscode.TextEditor> {
    if (!this.store.get(frameId)) throw new Error(`frame #${frameId} is no longer in the capture`);
    return this.open(frameUri({ kind: 'resend', frameId }));
  }

  /** Opens a tab with a new stanza for a live session. */
  async compose(session: string, dir: Direction, text: string): Promise<vscode.TextEditor> {
    const uri = frameUri({ kind: 'inject', n: ++this.injectSeq, session, dir });
    this.fs.set(uri, text);
    return this.open(uri);
  }

  private async open(uri: vscode.Uri): Promise<vscode.TextEditor> {
    let doc = await vscode.workspace.openTextDocument(uri);
    const target = parseFrameUri(uri);
    const hub = target !== undefined && target.kind !== 'inject' && this.store.get(target.frameId)?.kind === 'hub';
    const language = hub ? 'json' : 'xml';
    if (doc.languageId !== language) doc = await vscode.languages.setTextDocumentLanguage(doc, language);
    return vscode.window.showTextDocument(doc, { preview: false });
  }

  /** The frame document a command is about: the given URI, or the active editor's. */
  document(uri?: vscode.Uri): vscode.TextDocument | undefined {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!target || target.scheme !== SCHEME) return undefined;
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString());
  }

  /**
   * Send: held → forward (edited, or the original bytes when untouched); resend → a copy on the
   * frame's session; inject → a new stanza. Returns the frame sent, or undefined if cancelled.
   */
  async send(uri?: vscode.Uri): Promise<Frame | undefined> {
    const doc = this.document(uri);
    const target = doc && parseFrameUri(doc.uri);
    if (!doc || !target) throw new Error('no Finesse frame editor is active');
    const text = doc.getText();
    const frame = target.kind === 'inject' ? undefined : this.store.get(target.frameId);
    const diagnostics = await this.diagnostics.validate(doc);
    if (hasErrors(diagnostics)) {
      const errors = diagnostics.filter((d) => d.severity === 'error');
      const first = errors[0];
      const what = frame?.kind === 'hub' ? 'hub message' : 'stanza';
      const choice = await vscode.window.showWarningMessage(
        `The ${what} has ${errors.length} error${errors.length > 1 ? 's' : ''}.`,
        { modal: true, detail: `Line ${first.line}: ${first.message}\n\nSend it anyway?` },
        'Send Anyway',
      );
      if (choice !== 'Send Anyway') return undefined;
    }
    const interceptor = await this.controller.get();
    if (target.kind !== 'inject' && !frame) throw new Error(`frame #${target.frameId} is no longer in the capture`);
    const original = frame ? (frame.original ?? frame.raw) : undefined;
    const wire = this.wireText(text, original, frame?.kind);

    let sent: Frame;
    if (target.kind === 'held') {
      if (!interceptor.isHeld(target.frameId)) {
        const choice = await vscode.window.showWarningMessage(
          `Frame #${target.frameId} is no longer held (it was forwarded, dropped or its connection closed). Send the edit as a new frame?`,
          { modal: true },
          'Resend Edit',
        );
        if (choice !== 'Resend Edit') return undefined;
        sent = interceptor.resend(target.frameId, { raw: wire });
      } else {
        const untouched =
          text ===
          toEditable(this.controller.current?.heldFrame(target.frameId)?.pending ?? (frame as Frame).raw, frame?.kind);
        sent = untouched ? interceptor.forward(target.frameId) : interceptor.forward(target.frameId, wire);
      }
    } else if (target.kind === 'resend') {
      sent = interceptor.resend(target.frameId, { raw: wire });
    } else {
      sent = interceptor.inject(target.session, target.dir, wire);
    }
    await this.close(doc);
    this.diagnostics.forget(doc.uri);
    vscode.window.setStatusBarMessage(`$(check) Frame #${sent.id} sent ${arrow(sent.dir)}`, 3000);
    return sent;
  }

  /** Wire text for the editor text: compact, Update re-escaped as the original carried it. */
  private wireText(text: string, original: string | undefined, kind: FrameKind | undefined): string {
    const wire = fromEditable(text, {
      escapeUpdates: original === undefined ? true : escapesUpdates(original),
      kind,
    });
    // Malformed text the user chose to send anyway goes out as typed.
    return wire.ok ? wire.raw : text.trim();
  }

  /** Puts the captured text (before any edit or replace rule) back into the tab. */
  async revert(uri?: vscode.Uri): Promise<void> {
    const doc = this.document(uri);
    const target = doc && parseFrameUri(doc.uri);
    if (!doc || !target || target.kind === 'inject') return;
    const frame = this.store.get(target.frameId);
    if (!frame) return;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(
      doc.uri,
      new vscode.Range(0, 0, doc.lineCount, 0),
      toEditable(frame.original ?? frame.raw, frame.kind),
    );
    await vscode.workspace.applyEdit(edit);
  }

  /** Closes a frame tab without a save prompt (its text has been sent or dropped). */
  async close(doc: vscode.TextDocument): Promise<void> {
    if (doc.isDirty) await doc.save();
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        if (tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === doc.uri.toString())
          await vscode.window.tabGroups.close(tab);
      }
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

/** Send / Revert / Drop above the first line of every frame tab. */
export class FrameCodeLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly controller: InterceptController) {
    controller.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const target = parseFrameUri(doc.uri);
    if (!target) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const lens = (title: string, command: string, args: unknown[] = [doc.uri], tooltip?: string) =>
      new vscode.CodeLens(top, { title, command, arguments: args, tooltip });
    if (target.kind === 'inject') {
      return [
        lens(`$(send) Send ${arrow(target.dir)}`, 'finesse.sendFrame'),
        lens(`new stanza for ${this.label(target.session)}`, '', []),
      ];
    }
    const frame = this.controller.services.store.get(target.frameId);
    const dir = frame ? arrow(frame.dir) : '';
    if (target.kind === 'held') {
      const held = this.controller.current?.heldFrame(target.frameId);
      if (!held)
        return [
          lens(`$(warning) frame #${target.frameId} is no longer held`, ''),
          lens('$(send) Resend Edit', 'finesse.sendFrame'),
        ];
      return [
        lens(
          '$(debug-continue) Send',
          'finesse.sendFrame',
          [doc.uri],
          `Forward frame #${target.frameId} ${dir} with this text`,
        ),
        lens('$(discard) Revert', 'finesse.revertFrame'),
        lens('$(trash) Drop', 'finesse.dropFrame', [target.frameId]),
        lens(
          `held #${target.frameId} · ${dir} · ${held.editing ? 'held while this tab is open (no auto-forward)' : held.deadline ? `auto-forward in ${Math.max(0, Math.round((held.deadline - Date.now()) / 1000))} s` : 'no auto-forward'}`,
          '',
          [],
        ),
      ];
    }
    return [
      lens('$(send) Resend', 'finesse.sendFrame', [doc.uri], `Send this as a new frame ${dir}`),
      lens('$(discard) Revert', 'finesse.revertFrame'),
      lens(`copy of #${target.frameId} · ${dir}`, '', []),
    ];
  }

  private label(session: string): string {
    return this.controller.services.live.get(session)?.label ?? session;
  }
}
