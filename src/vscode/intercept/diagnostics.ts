/**
 * Schema and protocol diagnostics for frame editor tabs, recomputed as the user types (debounced,
 * stale results dropped by document version). libxml2 loads on the first editor opened. A hub
 * frame's tab is checked as JSON and as a hub record instead.
 */
import * as vscode from 'vscode';
import type { Diagnostic as FrameDiagnostic } from '../../core/validation/diagnostic';
import { withoutCascade } from '../../core/intercept/editorDiagnostics';
import { SCHEME } from './frameDocuments';

const DEBOUNCE_MS = 200;

async function validateText(text: string, hub: boolean): Promise<FrameDiagnostic[]> {
  if (hub) {
    const { validateHubText } = await import('../../core/validation/hubRecord');
    return validateHubText(text);
  }
  const { validateXml } = await import('../../core/validation/validator');
  return withoutCascade(await validateXml(text));
}

/** A hub frame's tab holds its JSON record (FrameEditors opens it as JSON); no stanza starts with `{`. */
function isHubText(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'json' || /^\s*\{/.test(doc.getText());
}

function toVscode(d: FrameDiagnostic): vscode.Diagnostic {
  const range = new vscode.Range(
    d.line - 1,
    d.column - 1,
    d.endLine - 1,
    Math.max(d.endColumn - 1, d.line === d.endLine ? d.column : 0),
  );
  const severity =
    d.severity === 'error'
      ? vscode.DiagnosticSeverity.Error
      : d.severity === 'warning'
        ? vscode.DiagnosticSeverity.Warning
        : vscode.DiagnosticSeverity.Information;
  const out = new vscode.Diagnostic(range, d.message, severity);
  out.source = SOURCE_LABEL[d.source];
  if (d.code) out.code = d.code;
  return out;
}

const SOURCE_LABEL: Record<FrameDiagnostic['source'], string> = {
  xml: 'XML',
  xsd: 'XSD',
  rfc6120: 'RFC 6120',
  rfc7395: 'RFC 7395',
  xep0060: 'XEP-0060',
  finesse: 'Finesse',
  json: 'JSON',
  hub: 'Hub record',
};

function isOpenInTab(uri: vscode.Uri): boolean {
  return vscode.window.tabGroups.all.some((g) =>
    g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString()),
  );
}

export class FrameDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('finesse');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Frame tabs closed (sent, dropped or closed by the user): their entries left Problems. */
  private readonly retired = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => {
        this.retired.delete(d.uri.toString());
        this.schedule(d, 0);
      }),
      // A frame's tab closing takes its Problems entries with it (its document may live on).
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        for (const tab of e.closed)
          if (
            tab.input instanceof vscode.TabInputText &&
            tab.input.uri.scheme === SCHEME &&
            !isOpenInTab(tab.input.uri)
          )
            this.forget(tab.input.uri);
        for (const tab of e.opened)
          if (tab.input instanceof vscode.TabInputText && this.retired.delete(tab.input.uri.toString())) {
            const uri = tab.input.uri;
            const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
            if (doc) this.schedule(doc, 0);
          }
      }),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme !== SCHEME) return;
        clearTimeout(this.timers.get(d.uri.toString()));
        this.collection.delete(d.uri);
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** Validates now and returns the result (Send uses it). */
  async validate(doc: vscode.TextDocument): Promise<FrameDiagnostic[]> {
    const version = doc.version;
    const result = await validateText(doc.getText(), isHubText(doc));
    if (doc.version === version && !doc.isClosed && !this.retired.has(doc.uri.toString()))
      this.collection.set(doc.uri, result.map(toVscode));
    return result;
  }

  /** The frame's tab is gone (sent, dropped, closed): its entries leave Problems now. */
  forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.retired.add(key);
    this.collection.delete(uri);
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (doc.uri.scheme !== SCHEME) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.validate(doc).catch((e) => this.log.error('validation failed:', e instanceof Error ? e : String(e)));
      }, delay),
    );
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}
