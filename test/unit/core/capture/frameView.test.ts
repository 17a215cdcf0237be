import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { finesseJson, frameView } from '../../../../src/core/capture/frameView';
import type { FrameKind } from '../../../../src/core/capture/frame';
import { eventMessage, userUpdate } from '../../../../src/core/finesse/builders';

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
