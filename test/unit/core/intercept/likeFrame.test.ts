// "Break on frames like this": the filter written for a frame matches it and frames of the same
// shape, and not frames of another shape.
import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import type { Direction, Frame } from '../../../../src/core/capture/frame';
import { compileBreakpoint } from '../../../../src/core/intercept/breakpoints';
import { filterLike } from '../../../../src/core/intercept/likeFrame';
import { dialogUpdate, eventMessage, userUpdate } from '../../../../src/core/finesse/builders';
import { classifyText } from '../../../../src/core/xmpp/framing';

const store = new FrameStore(100);
const frame = (raw: string, dir: Direction = 'in'): Frame =>
  store.append({ session: 's', dir, kind: classifyText(raw), raw });
const agent = { id: 'agent1', loginName: 'agent1' };
const notify = (node: string, updateXml: string) =>
  frame(eventMessage({ from: 'pubsub.finesse.test', to: 'agent1@finesse.test', node, itemId: 'i', updateXml }));
const call = { id: '7', from: '1', to: '2' };

describe('filterLike', () => {
  it('a Finesse Update: direction, node and event', () => {
    const put = notify('/finesse/api/User/agent1/Dialogs', dialogUpdate(agent, call, 'ACTIVE', 'PUT'));
    assert.equal(filterLike(put), 'dir:in node:/finesse/api/User/agent1/Dialogs event:PUT');
    const rule = compileBreakpoint({ filter: filterLike(put) });
    assert.equal(rule(notify('/finesse/api/User/agent1/Dialogs', dialogUpdate(agent, call, 'HELD', 'PUT'))), true);
    assert.equal(
      rule(notify('/finesse/api/User/agent1/Dialogs', dialogUpdate(agent, call, 'ALERTING', 'POST'))),
      false,
    );
    assert.equal(rule(notify('/finesse/api/User/agent1', userUpdate(agent, 'READY'))), false);
  });

  it('a stanza: direction, element and type', () => {
    const get = frame('<iq xmlns="jabber:client" type="get" id="p1"><ping xmlns="urn:xmpp:ping"/></iq>', 'out');
    const rule = compileBreakpoint({ filter: filterLike(get) });
    assert.equal(
      rule(frame("<iq xmlns='jabber:client' id='p2' type='get'><ping xmlns='urn:xmpp:ping'/></iq>", 'out')),
      true,
    );
    assert.equal(rule(frame('<iq xmlns="jabber:client" type="set" id="s"/>', 'out')), false);
    assert.equal(rule(frame('<iqx xmlns="jabber:client" type="get"/>', 'out')), false);
    assert.equal(rule(frame('<iq xmlns="jabber:client" type="get" id="p1"/>', 'in')), false);
    const presence = frame('<presence xmlns="jabber:client"/>', 'out');
    assert.equal(filterLike(presence), 'dir:out /^<presence\\b/');
  });

  it('not XML: direction and kind', () => {
    assert.equal(filterLike(frame('hello', 'out')), 'dir:out kind:text');
  });
});
