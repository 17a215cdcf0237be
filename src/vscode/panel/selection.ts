/**
 * The frame selected in whichever frames view the user touched last (the live panel or a saved
 * session's viewer). The Stanza tree shows it. No vscode import: FramesView and the tree both
 * talk to the one instance activate() creates (`services.selection`).
 */
import { EventEmitter } from 'node:events';
import type { Frame } from '../../core/capture/frame';

export class StanzaSelection extends EventEmitter<{ change: [Frame | undefined] }> {
  private current: Frame | undefined;
  private owner: unknown;

  get frame(): Frame | undefined {
    return this.current;
  }

  set(frame: Frame | undefined, owner: unknown): void {
    this.owner = owner;
    if (frame === this.current) return;
    this.current = frame;
    this.emit('change', frame);
  }

  /** A view closed: forget its selection if it is the one shown. */
  release(owner: unknown): void {
    if (this.owner === owner) this.set(undefined, undefined);
  }
}
