/**
 * Backpressure between the two sockets of a pair: when the destination has more than
 * `highWater` bytes queued (its peer reads slowly), the source stops reading until the
 * destination drains. TCP flow control then slows the source's peer, so a slow reader never
 * makes the proxy buffer without bound.
 */
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';

/** Default bytes queued towards one peer before its source is paused. */
export const HIGH_WATER = 1024 * 1024;

export class Backpressure {
  private waiting = false;

  constructor(
    private readonly source: WebSocket,
    private readonly dest: WebSocket,
    private readonly highWater = HIGH_WATER,
  ) {}

  /** After each forward: cheap when under the mark (one getter, one compare). */
  check(): void {
    if (this.waiting || this.dest.bufferedAmount <= this.highWater) return;
    // ws exposes no 'drain'; its net/tls socket does (private field, stable across ws 8).
    const socket = (this.dest as unknown as { _socket?: Duplex })._socket;
    if (!socket || socket.destroyed) return;
    this.waiting = true;
    this.source.pause();
    socket.once('drain', this.release);
    // A destination that closes never drains; reading resumes so the source's close completes.
    socket.once('close', this.release);
  }

  get paused(): boolean {
    return this.waiting;
  }

  private release = (): void => {
    if (!this.waiting) return;
    this.waiting = false;
    const socket = (this.dest as unknown as { _socket?: Duplex })._socket;
    socket?.off('drain', this.release);
    socket?.off('close', this.release);
    this.source.resume();
  };
}
