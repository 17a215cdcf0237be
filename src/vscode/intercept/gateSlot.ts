/**
 * The gate every proxy and session the extension starts is given (`services.interceptGate`). It
 * is a fixed object so they can hold it from the start, while the Interceptor behind it is
 * loaded on first use of intercept; until then (and after it is unplugged) every frame passes
 * at the cost of one property read. activate() creates the one instance.
 */
import type { Frame } from '../../core/capture/frame';
import type { FrameGate, GateDecision } from '../../core/intercept/gate';

export class GateSlot implements FrameGate {
  target: FrameGate | undefined;

  admit(frame: Frame, send: (raw: string) => void): GateDecision {
    return this.target ? this.target.admit(frame, send) : 'pass';
  }
}
