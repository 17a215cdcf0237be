// What intercept adds to the live Frames panel (src/vscode/panel/hooks.ts): one PanelHookSlot per
// activation, so a second extension host (or a test) never sees another one's buttons.
import assert from 'node:assert/strict';
import type { FrameActions, ToolbarSource } from '../../../../src/protocol/actions';
import { PanelHookSlot, type PanelHooks } from '../../../../src/vscode/panel/hooks';

const actions: FrameActions = { perform: () => undefined };
const otherActions: FrameActions = { perform: () => undefined };
const toolbar: ToolbarSource = {
  toggles: () => [],
  toggle: () => undefined,
  onDidChange: () => ({ dispose: () => undefined }),
};

describe('PanelHookSlot', () => {
  it('starts empty and tells listeners of every change', () => {
    const slot = new PanelHookSlot();
    assert.deepEqual(slot.current, {});
    const seen: PanelHooks[] = [];
    const sub = slot.onChange((h) => seen.push(h));
    slot.set({ actions, toolbar });
    assert.equal(slot.current.actions, actions);
    assert.equal(slot.current.toolbar, toolbar);
    sub.dispose();
    slot.set({});
    assert.equal(seen.length, 1, 'a disposed listener hears nothing more');
    assert.equal(seen[0].actions, actions);
  });

  it('disposing hooks removes them, unless others replaced them since', () => {
    const slot = new PanelHookSlot();
    const first = slot.set({ actions });
    first.dispose();
    assert.deepEqual(slot.current, {});
    const second = slot.set({ actions });
    slot.set({ actions: otherActions });
    second.dispose();
    assert.equal(slot.current.actions, otherActions);
  });

  it('keeps each instance to itself', () => {
    const a = new PanelHookSlot();
    const b = new PanelHookSlot();
    a.set({ actions });
    assert.deepEqual(b.current, {});
  });
});
