import assert from 'node:assert/strict';
import { formatHubFrame } from '../../../../src/core/hub/hubFrame';
import { clientLogLine } from '../../../../src/vscode/gadget/clientLogging';

describe('finesse.js client logging on the hub → the gadget’s log line', () => {
  it('reads the line a gadget published on finesse.clientLogging.*, with its mid and title', () => {
    const raw = formatHubFrame({
      topic: 'finesse.clientLogging.SampleGadget',
      from: '2 Sample Gadget',
      to: [],
      payload: '10:01:02.345: SampleGadget : state READY',
    });
    assert.deepEqual(clientLogLine({ raw }), {
      mid: '2',
      title: 'Sample Gadget',
      level: 'info',
      text: '10:01:02.345: SampleGadget : state READY',
      via: 'clientLogging',
    });
  });

  it('leaves every other topic and a broken record alone', () => {
    const update = formatHubFrame({
      topic: 'finesse.api.User.1001',
      from: 'desktop',
      to: ['1 A'],
      payload: { content: '' },
    });
    assert.equal(clientLogLine({ raw: update }), undefined);
    assert.equal(clientLogLine({ raw: '{"topic":"finesse.clientLogging.x",' }), undefined);
  });

  it('writes a payload that is not text as JSON', () => {
    const raw = formatHubFrame({ topic: 'finesse.clientLogging.G', from: 'desktop', to: [], payload: { a: 1 } });
    assert.equal(clientLogLine({ raw })?.text, '{"a":1}');
    assert.equal(clientLogLine({ raw })?.title, 'desktop');
  });
});
