/**
 * A running gadget desktop as the VS Code layer holds it: the core's GadgetDesktop (local or in
 * front of a lab), where its page and gadget files are, and a way to stop what was started for
 * it, and only that (a local Finesse the user started stays up).
 */
import type { GadgetDesktop } from '../../core/desktop/gadgetDesktop';

export type DesktopLike = Pick<GadgetDesktop, 'gadgets' | 'reloadGadget' | 'on' | 'off'>;

export interface RunningDesktop {
  desktop: DesktopLike;
  /** The desktop page. */
  url: string;
  /** The origin gadgets are served from (the local Finesse, or the lab desktop's listener). */
  origin: string;
  /** The folder served at /3rdpartygadget/files/. */
  folder: string;
  /** Where it runs, for messages: "the local Finesse", "agent1@lab.example.com". */
  label: string;
  /** Stops what was started for this desktop. */
  stop(): Promise<void>;
}
