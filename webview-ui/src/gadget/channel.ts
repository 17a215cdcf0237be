/**
 * The gadget frame's side of src/protocol/gadgetHub.ts: messages to the container page
 * (window.parent, same origin) tagged with the gadget's module id, and the container's messages
 * to this frame, accepted only from the parent on this origin.
 */
import { isToGadget, type FromGadget, type ToGadget } from '../../../src/protocol/gadgetHub';

type Untagged<T> = T extends unknown ? Omit<T, 'ffd' | 'mid'> : never;
type Outgoing = Untagged<FromGadget>;

export interface Channel {
  /** Whether a container page holds this frame (false when the frame is opened on its own). */
  readonly contained: boolean;
  send(msg: Outgoing): void;
  on(handler: (msg: ToGadget) => void): void;
}

export function channel(mid: string): Channel {
  const parent = window.parent;
  const contained = parent !== window;
  const handlers: ((msg: ToGadget) => void)[] = [];
  window.addEventListener('message', (event) => {
    if (event.source !== parent || event.origin !== location.origin || !isToGadget(event.data)) return;
    for (const h of handlers) h(event.data);
  });
  return {
    contained,
    send(msg) {
      if (!contained) return;
      try {
        parent.postMessage({ ffd: 1, mid, ...msg }, location.origin);
      } catch {
        // Data that cannot be cloned was already turned into JSON by the caller; anything else
        // (a parent on another origin) has no one to hear it.
      }
    },
    on(handler) {
      handlers.push(handler);
    },
  };
}
