import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { finesseJson, frameView } from '../../../../src/core/capture/frameView';
import type { FrameKind } from '../../../../src/core/capture/frame';
import { eventMessage, userUpdate } from '../../../../src/core/finesse/builders';
import { hubPublish, relayedUpdate } from '../../../support/hubFrames';

const store = new FrameStore(100);
const frame = (raw: string, kind: FrameKind = 'stanza') => store.append({ session: 's', dir: 'in', kind, raw });

describe('frameView', () => {
  it('parses a stanza into element and summary', () => {
    const v = frameView(frame('<iq type="result" id="b1"/>'));
    assert.equal(v.error, undefined);
    assert.equal(v.element?.name, 'iq');
    assert.deepEqual(v.summary, { name: 'iq', type: 'result', id: 'b1' });
    assert.equal(v.finesse, undefined);
  });

  it('decodes a Finesse notification and labels it', () => {
    const raw = eventMessage({
      from: 'pubsub.finesse.test',
      to: 'agent1@finesse.test',
      node: '/finesse/api/User/agent1',
      itemId: 'i',
      updateXml: userUpdate({ id: 'agent1', loginName: 'agent1' }, 'READY', { requestId: 'r1' }),
    });
    const v = frameView(frame(raw));
    assert.equal(v.finesse?.state, 'READY');
    assert.equal(v.finesseLabel, 'User agent1 PUT → READY');
    assert.deepEqual(finesseJson(v.finesse!), {
      node: '/finesse/api/User/agent1',
      event: 'PUT',
      requestId: 'r1',
      source: '/finesse/api/User/agent1',
      kind: 'user',
      state: 'READY',
    });
  });

  it('reports the parse error of a malformed stanza', () => {
    assert.match(frameView(frame('<message><body></message>')).error ?? '', /mismatched/i);
  });

  it('calls non-XML text malformed but not whitespace, and leaves other kinds alone', () => {
    assert.equal(frameView(frame('hello', 'text')).error, 'Not an XML element');
    assert.deepEqual(frameView(frame(' ', 'text')), {});
    assert.deepEqual(frameView(frame('', 'ping')), {});
    assert.deepEqual(frameView(frame('1000 bye', 'closeframe')), {});
    assert.deepEqual(frameView(frame('AAEC', 'binary')), {});
  });

  it('parses once per text and again after an edit', () => {
    const f = frame('<presence/>');
    const first = frameView(f);
    assert.equal(frameView(f), first, 'cached');
    store.update(f.id, { raw: '<presence type="unavailable"/>' });
    const second = frameView(f);
    assert.notEqual(second, first);
    assert.equal(second.summary?.type, 'unavailable');
  });

  it('keeps only present fields in the finesse JSON', () => {
    assert.deepEqual(finesseJson({ node: 'n', xml: '' }), { node: 'n' });
  });
});

describe('frameView of hub frames', () => {
  const agent = { id: '1001', loginName: 'agent1001' };
  const hub = (raw: string) => store.append({ session: 'desktop', dir: 'in', kind: 'hub', raw });

  it('reads the record and decodes the Update it relays as an XMPP one is decoded', () => {
    const node = '/finesse/api/User/1001';
    const v = frameView(hub(relayedUpdate(node, userUpdate(agent, 'READY', { requestId: 'r7' }), { causedBy: 12 })));
    assert.equal(v.error, undefined);
    assert.equal(v.hub?.topic, 'finesse.api.User.1001');
    assert.equal(v.hub?.from, 'desktop');
    assert.deepEqual(v.hub?.to, ['1 Sample Gadget', '2 Team Gadget']);
    assert.equal(v.hub?.causedBy, 12);
    assert.equal(v.finesseLabel, 'User 1001 PUT → READY');
    assert.deepEqual(finesseJson(v.finesse!), {
      node,
      event: 'PUT',
      requestId: 'r7',
      source: node,
      kind: 'user',
      state: 'READY',
    });
  });

  it('decodes a URI-encoded node and says when the relayed Update does not parse', () => {
    const content = '/finesse/api/User/a%20b<Update><event>PUT</event>';
    const v = frameView(hub(hubPublish('finesse.api.User.a b', 'desktop', [], { content, object: {} })));
    assert.equal(v.finesse?.node, '/finesse/api/User/a b');
    assert.ok(v.finesse?.error, 'the broken Update is reported on the decoded Update');
    assert.equal(v.error, undefined, 'the hub record itself is fine');
  });

  it('labels Finesse requests and answers that are not Updates, and leaves a gadget’s own payload alone', () => {
    const subscribe = hubPublish('finesse.info.requests', '2 Team Gadget', ['desktop'], {
      type: 'SubscribeNodeReq',
      data: { node: '/finesse/api/Team/7/Users' },
      invokeID: 'abc',
    });
    assert.deepEqual(frameView(hub(subscribe)).hubLabel, { label: 'SubscribeNodeReq Team 7 Users' });
    const failed = hubPublish('finesse.info.responses.abc', 'desktop', ['2 Team Gadget'], {
      error: { errorType: 'Not Found', errorMessage: 'no such team' },
    });
    assert.deepEqual(frameView(hub(failed)).hubLabel, { label: 'error · Not Found — no such team', error: true });
    assert.deepEqual(
      frameView(hub(hubPublish('finesse.info.connection', 'desktop', [], { status: 'connected' }))).hubLabel,
      {
        label: 'connection connected',
      },
    );
    const own = frameView(hub(hubPublish('my.topic', '3 Team', [], { anything: [1, 2] })));
    assert.equal(own.finesse, undefined);
    assert.equal(own.hubLabel, undefined);
    assert.deepEqual(own.hub?.payload, { anything: [1, 2] });
  });

  it('calls text that is no hub record an error, but not a record the store kept only the start of', () => {
    assert.match(frameView(hub('{"topic": 1}')).error ?? '', /Not a hub record/);
    assert.match(frameView(hub('not json')).error ?? '', /Not a hub record/);
    const cut = store.append({
      session: 'desktop',
      dir: 'in',
      kind: 'hub',
      raw: '{"topic":"a.b","fr',
      flags: { truncated: true },
    });
    assert.deepEqual(frameView(cut), {});
  });
});
