/**
 * The held-frame editor's documents: an in-memory file system under `finesse-frame:` so each
 * editable frame is a real editor tab (XML language, undo, save, diff) with a stable URI:
 *   finesse-frame:/held/12.xml                     a held frame, sent with Forward
 *   finesse-frame:/resend/12.xml                   a copy of captured frame 12 to resend
 *   finesse-frame:/inject/3.xml?session=…&dir=out  a new stanza for a live session
 * Saving keeps the text here (nothing is sent until Send); Send reads the editor's text.
 */
import * as vscode from 'vscode';
import type { Direction } from '../../core/capture/frame';

export const SCHEME = 'finesse-frame';

export type FrameDocTarget =
  | { kind: 'held'; frameId: number }
  | { kind: 'resend'; frameId: number }
  | { kind: 'inject'; n: number; session: string; dir: Direction };

export function frameUri(target: FrameDocTarget): vscode.Uri {
  if (target.kind === 'inject') {
    const query = new URLSearchParams({ session: target.session, dir: target.dir }).toString();
    return vscode.Uri.from({ scheme: SCHEME, path: `/inject/${target.n}.xml`, query });
  }
  return vscode.Uri.from({ scheme: SCHEME, path: `/${target.kind}/${target.frameId}.xml` });
}

export function parseFrameUri(uri: vscode.Uri): FrameDocTarget | undefined {
  if (uri.scheme !== SCHEME) return undefined;
  const m = /^\/(held|resend|inject)\/(\d+)\.xml$/.exec(uri.path);
  if (!m) return undefined;
  const n = Number(m[2]);
  if (m[1] === 'inject') {
    const q = new URLSearchParams(uri.query);
    const dir = q.get('dir');
    const session = q.get('session');
    if (!session || (dir !== 'in' && dir !== 'out')) return undefined;
    return { kind: 'inject', n, session, dir };
  }
  return m[1] === 'held' ? { kind: 'held', frameId: n } : { kind: 'resend', frameId: n };
}

export class FrameFileSystem implements vscode.FileSystemProvider {
  private readonly files = new Map<string, { data: Uint8Array; ctime: number; mtime: number }>();
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;

  /** `initial` gives the text of a document opened for the first time (undefined: no such file). */
  constructor(private readonly initial: (target: FrameDocTarget) => string | undefined) {}

  /** Sets a document's text (e.g. an inject template before it opens). */
  set(uri: vscode.Uri, text: string): void {
    const now = Date.now();
    const prev = this.files.get(uri.toString());
    this.files.set(uri.toString(), { data: new TextEncoder().encode(text), ctime: prev?.ctime ?? now, mtime: now });
    if (prev) this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  forget(uri: vscode.Uri): void {
    this.files.delete(uri.toString());
  }

  private entry(uri: vscode.Uri) {
    const hit = this.files.get(uri.toString());
    if (hit) return hit;
    const target = parseFrameUri(uri);
    const text = target && this.initial(target);
    if (text === undefined) throw vscode.FileSystemError.FileNotFound(uri);
    const now = Date.now();
    const entry = { data: new TextEncoder().encode(text), ctime: now, mtime: now };
    this.files.set(uri.toString(), entry);
    return entry;
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    if (!/\.xml$/.test(uri.path)) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    const e = this.entry(uri);
    return { type: vscode.FileType.File, ctime: e.ctime, mtime: e.mtime, size: e.data.byteLength };
  }

  readFile(uri: vscode.Uri): Uint8Array {
    return this.entry(uri).data;
  }

  writeFile(uri: vscode.Uri, content: Uint8Array): void {
    if (!parseFrameUri(uri)) throw vscode.FileSystemError.NoPermissions(uri);
    const now = Date.now();
    const prev = this.files.get(uri.toString());
    this.files.set(uri.toString(), { data: content, ctime: prev?.ctime ?? now, mtime: now });
    this.changed.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    this.forget(uri);
  }

  rename(oldUri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(oldUri);
  }
}
