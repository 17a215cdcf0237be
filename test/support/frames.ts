/**
 * Waiting on a FrameStore: the first frame (already captured or still to come) that matches,
 * and the next state of a session. Tests wait on these events, never on time.
 */
import type { Frame } from '../../src/core/capture/frame';
import type { FrameStore } from '../../src/core/capture/frameStore';

/** The first frame with id > `afterId` that matches; frames already in the store count. */
export function waitForFrame(store: FrameStore, match: (frame: Frame) => boolean, afterId = 0): Promise<Frame> {
  for (const f of store) if (f.id > afterId && match(f)) return Promise.resolve(f);
  return new Promise((resolve) => {
    const onAppend = (frames: Frame[]) => {
      const hit = frames.find((f) => f.id > afterId && match(f));
      if (!hit) return;
      store.off('append', onAppend);
      resolve(hit);
    };
    store.on('append', onAppend);
  });
}

/** What a session's `state` event carries besides the state (FinesseSession's StateInfo). */
export interface StateInfo {
  error?: Error;
  attempt?: number;
  delayMs?: number;
}

type Listener = (...args: any[]) => void;

/** Resolves with the next `state` event whose state is one of `states`. */
export function nextState<S extends string>(
  emitter: { on(e: 'state', l: Listener): unknown; off(e: 'state', l: Listener): unknown },
  ...states: S[]
): Promise<{ state: S; info: StateInfo }> {
  return new Promise((resolve) => {
    const listener = (state: S, info: StateInfo) => {
      if (!states.includes(state)) return;
      emitter.off('state', listener);
      resolve({ state, info });
    };
    emitter.on('state', listener);
  });
}
