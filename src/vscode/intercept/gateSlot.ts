/**
 * The gate every proxy the extension starts should be given (`gate: interceptGate`). It is a
 * fixed object so proxies can hold it from the start, while the Interceptor behind it is loaded
 * on first use of intercept; until then (and after it is unplugged) every frame passes at the
 * cost of one property read.
 */
import type { Frame } from '../../core/capture/frame';
import type { FrameGate, GateDecision } from '../../core/intercept/gate';

class GateSlot implements FrameGate {
  target: FrameGate | undefined;

  admit(frame: Frame, send: (raw: string) => void): GateDecision {
    return this.target ? this.target.admit(frame, send) : 'pass';
  }
}

export const interceptGate = new GateSlot();
