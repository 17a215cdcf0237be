/**
 * Host-side hooks a FramesView offers to other features:
 * intercept supplies FrameActions for the detail pane's Forward/Drop/Edit/Resend
 * buttons and toolbar toggles such as Pause/Resume. Types only; no vscode import.
 */
import type { Frame } from '../core/capture/frame';
import type { FrameAction, HoldNote, ToolbarToggle } from './messages';

export interface FrameActions {
  perform(action: FrameAction, frameId: number): void | Promise<void>;
  /**
   * Actions that apply to this frame now (e.g. forward/drop only while it is held). Without
   * it every action is offered for every frame.
   */
  available?(frame: Frame): FrameAction[];
  /** Fires when availability changed (a frame was held or released), to refresh the detail pane. */
  onDidChange?(listener: () => void): { dispose(): void };
  /** What a held frame's row says (why it is held, what waits behind it); undefined when not held. */
  holdNote?(frameId: number): HoldNote | undefined;
  /** The frames that have a hold note now (their rows are sent again when onDidChange fires). */
  heldIds?(): number[];
}

/** Toolbar toggles a feature adds to the panel's toolbar. */
export interface ToolbarSource {
  toggles(): ToolbarToggle[];
  toggle(id: string): void | Promise<void>;
  /** Fires when toggles or their state changed. */
  onDidChange(listener: () => void): { dispose(): void };
}
