// Whether the timeline host draws a capture as live: read from its store and connections.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { LiveSession, LiveSessionRegistry } from '../../../../src/core/capture/liveSession';
import type { ToTimeline } from '../../../../src/protocol/timeline';
import { TimelineHost } from '../../../../src/vscode/timeline/timelineHost';
import { agentDay, CaptureWriter, DAY_START, HOUR } from '../../../support/agentDay';

type Model = Extract<ToTimeline, { type: 'model' }>;

/** A host over `store` whose posts are collected; resolves models as they come. */
function open(store: FrameStore, opts: { connections?: LiveSessionRegistry; now: () => number }) {
  const posted: ToTimeline[] = [];
  const models = new EventTarget();
  const host = new TimelineHost(store, {
    ...opts,
    noticeMs: 1,
    tickMs: 1,
    post: (m) => {
      posted.push(m);
      models.dispatchEvent(new Event(m.type));
    },
  });
  host.receive({ type: 'ready' });
  const next = async (type: ToTimeline['type']) => {
    await once(models, type);
    return posted.filter((m) => m.type === type).at(-1)!;
  };
  return { host, posted, next, first: posted[0] as Model };
}

const connection = (id: string): LiveSession => ({ id, label: id, directions: ['out'], send: () => undefined });

describe('TimelineHost liveness', () => {
  it('a file’s store (no connections) is never live, even with sessions that did not end', () => {
    const store = new FrameStore();
    store.openSession({ id: 'ws-day', label: 'desktop', started: DAY_START });
    const day = agentDay(new CaptureWriter(store));
    const { host, first } = open(store, { now: () => day.t + 72 * HOUR });
    assert.equal(first.live, false);
    assert.equal(first.liveCapture, false);
    assert.equal(first.model.end, first.model.framesEnd);
    host.dispose();
  });

  it('the live capture runs to the injected now while a session is open, and spans its frames once all ended', async () => {
    const store = new FrameStore();
    store.openSession({ id: 'ws-day', label: 'desktop', started: DAY_START });
    const day = agentDay(new CaptureWriter(store));
    let now = day.t + 14 * HOUR;
    const { host, first, next } = open(store, { connections: new LiveSessionRegistry(), now: () => now });
    assert.equal(first.live, true);
    assert.equal(first.model.end, now);
    now += 1000;
    assert.deepEqual(await next('now'), { type: 'now', now });
    store.endSession('ws-day');
    const ended = (await next('model')) as Model;
    assert.equal(ended.live, false);
    assert.equal(ended.model.end, ended.model.framesEnd);
    host.dispose();
  });

  it('an open connection makes it live even when the store has no open session', async () => {
    const store = agentDay().store;
    const connections = new LiveSessionRegistry();
    const { host, first, next } = open(store, { connections, now: () => DAY_START + HOUR });
    assert.equal(first.live, false);
    connections.add(connection('client-1'));
    assert.equal(((await next('model')) as Model).live, true);
    connections.remove('client-1');
    assert.equal(((await next('model')) as Model).live, false);
    host.dispose();
  });
});
