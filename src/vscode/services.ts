/**
 * What every feature of the thin VS Code layer receives from activate(): the one FrameStore all
 * views read, the live-session registry, the output channel, and the few objects features share
 * (the intercept gate, the panel's hooks, the selected frame). Features register themselves with
 * `register(services): vscode.Disposable[]` from src/vscode/<feature>/index.ts. Everything shared
 * lives here, created once per activation, never in a module-level variable.
 */
import type * as vscode from 'vscode';
import type { FrameStore } from '../core/capture/frameStore';
import type { LiveSessionRegistry } from '../core/capture/liveSession';
import type { GateSlot } from './intercept/gateSlot';
import type { PanelHookSlot } from './panel/hooks';
import type { StanzaSelection } from './panel/selection';

export interface Services {
  context: vscode.ExtensionContext;
  store: FrameStore;
  live: LiveSessionRegistry;
  log: vscode.LogOutputChannel;
  /** The gate every proxy and session is given; intercept plugs its Interceptor in behind it. */
  interceptGate: GateSlot;
  /** What intercept adds to the live Frames panel (detail actions, Pause toggles). */
  panelHooks: PanelHookSlot;
  /** The frame selected in the frames view touched last; the Stanza tree shows it. */
  selection: StanzaSelection;
}
