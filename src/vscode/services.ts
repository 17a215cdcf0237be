/**
 * What every feature of the thin VS Code layer receives from activate(): the one FrameStore all
 * views read, the live-session registry, the output channel. Features register themselves with
 * `register(services): vscode.Disposable[]` from src/vscode/<feature>/index.ts.
 */
import type * as vscode from 'vscode';
import type { FrameStore } from '../core/capture/frameStore';
import type { LiveSessionRegistry } from '../core/capture/liveSession';

export interface Services {
  context: vscode.ExtensionContext;
  store: FrameStore;
  live: LiveSessionRegistry;
  log: vscode.LogOutputChannel;
}
