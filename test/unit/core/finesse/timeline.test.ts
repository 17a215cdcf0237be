// The timeline model's extent: its frames, or up to now while live.
import assert from 'node:assert/strict';
import { TimelineBuilder } from '../../../../src/core/finesse/timeline';
import { agentDay, HOUR } from '../../../support/agentDay';

describe('TimelineBuilder model extent', () => {
  it('spans its own frames without now, runs to now with it, and says where its frames end', () => {
    const day = agentDay();
    const builder = new TimelineBuilder();
    builder.add(day.store);
    const saved = builder.model();
    const frames = [...day.store].map((f) => f.t);
    assert.equal(saved.start, Math.min(...frames));
    assert.ok(saved.end <= Math.max(...frames) && saved.end > saved.start);
    assert.equal(saved.framesEnd, saved.end);
    const now = day.t + 14 * HOUR;
    const live = builder.model(now);
    assert.deepEqual([live.start, live.end, live.framesEnd], [saved.start, now, saved.end]);
    // A now before the last frame (clocks differ) never cuts the picture short.
    assert.equal(builder.model(saved.start).end, saved.end);
  });

  it('an empty capture is an empty instant', () => {
    const builder = new TimelineBuilder();
    assert.deepEqual(builder.model(), { start: 0, end: 0, framesEnd: 0, lanes: [] });
    assert.deepEqual(builder.model(5), { start: 5, end: 5, framesEnd: 5, lanes: [] });
  });
});
