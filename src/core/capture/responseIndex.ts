/**
 * Which response frame answers which REST request frame, for filter keys that describe a whole
 * call (`status:4xx` lists the request too, `req:ID` the response too). A response names its
 * request (`answers`); the request, captured first, cannot name its response, so this follows
 * the store's appends and remembers the way back. Bounded by the store: entries for evicted
 * requests are dropped as the front moves.
 */
import type { Frame } from './frame';
import type { FrameStore } from './frameStore';
import type { FrameLinks } from './filter';

export class ResponseIndex implements FrameLinks {
  /** Request frame id → response frame id, in the order responses were captured. */
  private readonly responses = new Map<number, number>();

  constructor(private readonly store: FrameStore) {
    this.add(store);
    store.on('append', this.add);
    store.on('clear', this.onClear);
  }

  get(id: number): Frame | undefined {
    return this.store.get(id);
  }

  responseTo(id: number): Frame | undefined {
    const response = this.responses.get(id);
    return response === undefined ? undefined : this.store.get(response);
  }

  dispose(): void {
    this.store.off('append', this.add);
    this.store.off('clear', this.onClear);
  }

  private readonly add = (frames: Iterable<Frame>): void => {
    for (const f of frames) if (f.answers !== undefined) this.responses.set(f.answers, f.id);
    const first = this.store.firstId;
    for (const [request] of this.responses) {
      if (request >= first) break;
      this.responses.delete(request);
    }
  };

  private readonly onClear = (): void => this.responses.clear();
}
