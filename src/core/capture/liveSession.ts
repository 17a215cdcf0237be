/**
 * A live session is a connection frames can still be sent on: our own Finesse client session or
 * one proxied client/server socket pair. Intercept (resend, inject, release held frames) and the
 * UI reach live connections only through this registry, never through the transports directly.
 */
import { EventEmitter } from 'node:events';
import type { Direction, Frame, FrameFlags } from './frame';

export interface LiveSession {
  readonly id: string;
  readonly label: string;
  /**
   * Sends text on the wire in `dir` (out = towards the server, in = towards the client),
   * captures it in the store with the given flags (e.g. {injected:true}) and returns the frame.
   * Returns undefined when that side is closed.
   */
  send(dir: Direction, raw: string, flags?: FrameFlags): Frame | undefined;
  /** Directions this session can send in (own client session: only 'out'). */
  readonly directions: readonly Direction[];
}

export interface LiveSessionEvents {
  added: [LiveSession];
  removed: [LiveSession];
}

export class LiveSessionRegistry extends EventEmitter<LiveSessionEvents> {
  private sessions = new Map<string, LiveSession>();

  add(session: LiveSession): void {
    this.sessions.set(session.id, session);
    this.emit('added', session);
  }

  remove(id: string): void {
    const s = this.sessions.get(id);
    if (s) {
      this.sessions.delete(id);
      this.emit('removed', s);
    }
  }

  get(id: string): LiveSession | undefined {
    return this.sessions.get(id);
  }

  list(): LiveSession[] {
    return [...this.sessions.values()];
  }
}
