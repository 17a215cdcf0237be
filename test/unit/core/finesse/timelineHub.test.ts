// Hub frames of the gadget desktop on the timeline (src/core/finesse/timeline.ts): a gadget's
// publishes and the desktop's answers are marks on the lane of the agent the desktop signed in.
import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { TimelineBuilder } from '../../../../src/core/finesse/timeline';
import { eventMessage, userUpdate } from '../../../../src/core/finesse/builders';
import { nodes } from '../../../../src/core/finesse/nodes';
import { hubPublish, relayedUpdate } from '../../../support/hubFrames';

const T0 = 1_767_000_000_000; // a fixed capture time: nothing here reads the clock
const agent = { id: '1001', loginName: 'agent1001' };

describe('TimelineBuilder hub marks', () => {
  it('marks gadget publishes on the agent’s lane, those before the first relayed User Update too, and not the relays', () => {
    const store = new FrameStore();
    const hub = (t: number, raw: string, dir: 'in' | 'out' = 'out') =>
      store.append({ session: 'desktop-hub', dir, kind: 'hub', t: T0 + t, raw });
    const early = hub(
      1,
      hubPublish('finesse.info.requests', '2 Team Gadget', ['desktop'], { type: 'ConnectionInfoReq', data: {} }),
    );
    const update = userUpdate(agent, 'READY', { t: T0 });
    const xmpp = store.append({
      session: 'desktop-xmpp',
      dir: 'in',
      kind: 'stanza',
      t: T0 + 5,
      raw: eventMessage({
        from: 'pubsub.finesse.test',
        to: 'a@finesse.test/desktop',
        node: nodes.user('1001'),
        itemId: 'i',
        updateXml: update,
      }),
    });
    hub(6, relayedUpdate(nodes.user('1001'), update, { causedBy: xmpp.id }), 'in');
    const own = hub(9, hubPublish('acme.wallboard', '3 Wallboard', [], { n: 1 }));
    const model = new TimelineBuilder();
    model.add(store);
    const { lanes, start, end } = model.model();
    assert.deepEqual(
      lanes.map((l) => l.agent),
      ['1001'],
    );
    const [lane] = lanes;
    assert.deepEqual(
      lane.marks.map((m) => [m.kind, m.frame, m.label]),
      [
        ['hub', early.id, 'hub finesse.info.requests · 2 Team Gadget · ConnectionInfoReq'],
        ['hub', own.id, 'hub acme.wallboard · 3 Wallboard'],
      ],
    );
    assert.deepEqual(
      lane.states.map((s) => [s.state, s.frame]),
      [['READY', xmpp.id]],
      'the state comes from the XMPP Update once, not again from its relay',
    );
    assert.deepEqual([start, end], [T0 + 1, T0 + 9]);
  });

  it('draws nothing for a session whose agent no relayed User Update named', () => {
    const store = new FrameStore();
    store.append({ session: 'h', dir: 'out', kind: 'hub', t: T0, raw: hubPublish('a.b', '1 G', [], 1) });
    const model = new TimelineBuilder();
    model.add(store);
    assert.deepEqual(model.model().lanes, []);
  });
});
