/**
 * The one hook between a transport's forwarding path and intercept. A transport captures a
 * frame, then asks the gate (when one is set) before forwarding:
 *   'pass' → the transport sends the original bytes now (the fast path: no parsing, no await);
 *   'hold' → the gate now owns the frame and later calls `send(raw)` once (possibly edited),
 *            or never (dropped).
 * Ordering is the gate's duty: while a frame of a session+direction is held, every later frame
 * of that session+direction is held behind it.
 */
import type { Frame } from '../capture/frame';

export type GateDecision = 'pass' | 'hold';

export interface FrameGate {
  admit(frame: Frame, send: (raw: string) => void): GateDecision;
}
