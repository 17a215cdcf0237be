// The list row of a frame (src/core/capture/rows.ts), here for hub frames of the gadget desktop.
import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { toRow } from '../../../../src/core/capture/rows';
import { apiErrorUpdate, userUpdate } from '../../../../src/core/finesse/builders';
import { hubPublish, relayedUpdate } from '../../../support/hubFrames';

const store = new FrameStore(100);
const agent = { id: '1001', loginName: 'agent1001' };
const hub = (raw: string, dir: 'in' | 'out' = 'in') => store.append({ session: 'desktop', dir, kind: 'hub', raw });

describe('rows of hub frames', () => {
  it('say the topic, who published and who received, and label a relayed Update as an XMPP one', () => {
    const row = toRow(hub(relayedUpdate('/finesse/api/User/1001', userUpdate(agent, 'READY'), { causedBy: 7 })));
    assert.equal(row.kind, 'hub');
    assert.equal(row.summary, 'hub finesse.api.User.1001 desktop → 2 gadgets');
    assert.equal(row.label, 'User 1001 PUT → READY');
    assert.equal(row.relays, 7, 'the XMPP frame it relays, for the REST link');
    assert.equal(row.apiError, undefined);
    assert.equal(row.flags.malformed, undefined);
  });

  it('name a single receiver, say when nobody subscribed, and count the desktop apart', () => {
    assert.equal(
      toRow(hub(hubPublish('my.topic', '3 Team gadget', [], { n: 1 }), 'out')).summary,
      'hub my.topic 3 Team gadget → (no subscriber)',
    );
    assert.equal(
      toRow(hub(hubPublish('my.topic', '3 Team gadget', ['4 Wallboard'], { n: 1 }), 'out')).summary,
      'hub my.topic 3 Team gadget → 4 Wallboard',
    );
    const request = toRow(
      hub(
        hubPublish('finesse.info.requests', '3 Team gadget', ['desktop', '4 Wallboard'], {
          type: 'SubscribeNodeReq',
          data: { node: '/finesse/api/Team/7/Users' },
        }),
        'out',
      ),
    );
    assert.equal(request.summary, 'hub finesse.info.requests 3 Team gadget → desktop + 1 gadget');
    assert.equal(request.label, 'SubscribeNodeReq Team 7 Users');
  });

  it('show a relayed apiErrors Update and a failed answer in the error colour', () => {
    const relayed = toRow(hub(relayedUpdate('/finesse/api/User/1001', apiErrorUpdate(agent, 'r1'))));
    assert.equal(relayed.apiError, true);
    assert.match(relayed.label ?? '', /^apiError · Invalid State/);
    const answer = toRow(
      hub(hubPublish('finesse.info.responses.7', 'desktop', ['3 Team'], { error: { errorType: 'Not Found' } })),
    );
    assert.equal(answer.apiError, true);
    assert.equal(answer.label, 'error · Not Found');
  });

  it('mark a hub frame whose text is no hub record as malformed, with the reason', () => {
    const row = toRow(hub('{"topic":"a"'));
    assert.equal(row.flags.malformed, true);
    assert.match(row.error ?? '', /Not a hub record/);
    assert.equal(row.summary, '{"topic":"a"');
  });
});
