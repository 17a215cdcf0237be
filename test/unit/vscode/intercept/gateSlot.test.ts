// The gate every proxy the extension starts holds (src/vscode/intercept/gateSlot.ts): frames pass
// until an Interceptor is plugged in, then it decides.
import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import type { FrameGate } from '../../../../src/core/intercept/gate';
import { GateSlot } from '../../../../src/vscode/intercept/gateSlot';

describe('GateSlot', () => {
  const frame = new FrameStore().append({ session: 's', dir: 'in', kind: 'stanza', raw: '<presence/>' });

  it('passes every frame while nothing is plugged in', () => {
    assert.equal(
      new GateSlot().admit(frame, () => undefined),
      'pass',
    );
  });

  it('asks the target once one is plugged in, and passes again once it is unplugged', () => {
    const slot = new GateSlot();
    const asked: number[] = [];
    const holdAll: FrameGate = { admit: (f) => (asked.push(f.id), 'hold') };
    slot.target = holdAll;
    assert.equal(
      slot.admit(frame, () => undefined),
      'hold',
    );
    assert.deepEqual(asked, [frame.id]);
    slot.target = undefined;
    assert.equal(
      slot.admit(frame, () => undefined),
      'pass',
    );
  });

  it('keeps each instance to itself', () => {
    const a = new GateSlot();
    a.target = { admit: () => 'hold' };
    assert.equal(
      new GateSlot().admit(frame, () => undefined),
      'pass',
    );
  });
});
