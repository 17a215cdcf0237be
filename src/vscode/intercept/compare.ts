/**
 * "Compare with Original": VS Code's diff editor with the text a frame had when it was captured
 * on the left and what it is now (edited, or rewritten by a replace rule) on the right, both in
 * the same form (compareTexts: pretty-printed, a Finesse Update decoded, when both sides allow it),
 * so the change reads as XML and only the change differs.
 * The two sides are read-only documents under `finesse-compare:`, made from the store on demand.
 */
import * as vscode from 'vscode';
import type { FrameStore } from '../../core/capture/frameStore';
import { compareTexts } from '../../core/intercept/compareTexts';
import { redact } from '../../core/xmpp/sasl';

export const COMPARE_SCHEME = 'finesse-compare';

type Side = 'original' | 'edited';

function compareUri(frameId: number, side: Side): vscode.Uri {
  return vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/${frameId}/${side}.xml` });
}

export class CompareDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly store: FrameStore) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const m = /^\/(\d+)\/(original|edited)\.xml$/.exec(uri.path);
    const frame = m ? this.store.get(Number(m[1])) : undefined;
    if (!m || !frame) return '';
    // Credentials stay masked here as in the panel (SASL payloads); both sides in the same form.
    const [original, edited] = compareTexts(redact(frame.original ?? frame.raw), redact(frame.raw), frame.kind);
    return m[2] === 'original' ? original : edited;
  }
}

/** Opens the diff; throws when the frame is gone or was never changed. */
export async function compareWithOriginal(store: FrameStore, frameId: number): Promise<void> {
  const frame = store.get(frameId);
  if (!frame) throw new Error(`frame #${frameId} is no longer in the capture`);
  if (frame.original === undefined) throw new Error(`frame #${frameId} was not edited: there is nothing to compare`);
  await vscode.commands.executeCommand(
    'vscode.diff',
    compareUri(frameId, 'original'),
    compareUri(frameId, 'edited'),
    `Frame #${frameId}: original ↔ edited`,
    { preview: true },
  );
}
