// Held rows in the frames panel (built webview in Chromium, real FramesHost, real Interceptor as
// the gate): a row held by a breakpoint says which, whether the rest passes or how many frames
// wait behind it, and the rows behind it say behind which; a frame forwarded out of order is
// marked REORDERED.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { FrameStore } from '../../src/core/capture/frameStore';
import type { Frame } from '../../src/core/capture/frame';
import { Interceptor } from '../../src/core/intercept/interceptor';
import { dialogUpdate, eventMessage, userUpdate } from '../../src/core/finesse/builders';
import { nodes } from '../../src/core/finesse/nodes';
import { classifyText } from '../../src/core/xmpp/framing';
import type { FrameActions } from '../../src/protocol/actions';
import { holdNote } from '../../src/vscode/intercept/holdNotes';
import { panelSuite } from './harness';

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const agent = { id: 'agent1', loginName: 'agent1' };
const notify = (node: string, updateXml: string, itemId: string) =>
  eventMessage({ from: 'pubsub.finesse.test', to: 'agent1@finesse.test/desktop', node, itemId, updateXml });
const callGone = () =>
  notify(
    nodes.userDialogs('agent1'),
    dialogUpdate(agent, { id: '16777236', from: '1001', to: '6001' }, 'DROPPED', 'DELETE', { t: T0 }),
    'd1',
  );
const userChange = (n: number) =>
  notify(nodes.user('agent1'), userUpdate(agent, n % 2 ? 'READY' : 'NOT_READY', { t: T0 + n * 1000 }), `u${n}`);

/** The intercept hooks the extension gives the panel, over a real Interceptor. */
function interceptActions(gate: Interceptor): FrameActions {
  return {
    perform: () => undefined,
    available: (f) => (gate.isHeld(f.id) ? ['forward', 'drop', 'edit'] : []),
    holdNote: (id) => holdNote(gate, id),
    heldIds: () => gate.held().map((h) => h.frame.id),
    onDidChange(listener) {
      gate.on('changed', listener);
      return { dispose: () => gate.off('changed', listener) };
    },
  };
}

const noteOf = (page: Page, id: number) => page.textContent(`.fx-row[data-id="${id}"] .fx-hold`);
const waitNote = (page: Page, id: number, text: string) =>
  page.waitForFunction(
    ([id, text]) => document.querySelector(`.fx-row[data-id="${id}"] .fx-hold`)?.textContent === text,
    [id, text] as const,
  );

describe('frames panel: held rows say why and what waits behind them (Chromium)', function () {
  const suite = panelSuite();
  let store: FrameStore;
  let gate: Interceptor;

  /** Captures a server frame and lets the gate decide, as the proxy does. */
  const receive = (raw: string): Frame => {
    const frame = store.append({ session: 's1', dir: 'in', kind: classifyText(raw), raw });
    gate.admit(frame, () => undefined);
    return frame;
  };

  beforeEach(() => {
    store = new FrameStore();
    gate = new Interceptor(store, undefined, { holdTimeoutMs: 0 });
  });
  afterEach(() => gate.dispose());

  it('hold in order: the held row counts the frames behind it, and they say behind which', async () => {
    gate.setBreakpoints([{ id: 'b1', filter: 'event:DELETE', rest: 'wait' }]);
    const { page } = await suite.open(store, { actions: interceptActions(gate) });
    const head = receive(callGone());
    const behind = [1, 2, 3].map((n) => receive(userChange(n)));
    await waitNote(page, head.id, 'b1 · 3 waiting behind');
    for (const f of behind) assert.equal(await noteOf(page, f.id), `waits behind b1 #${head.id}`);
    assert.match(
      (await page.getAttribute(`.fx-row[data-id="${head.id}"] .fx-hold`, 'title')) ?? '',
      /3 later frames of its session and direction wait behind it, in order/,
    );
    gate.forward(head.id);
    await waitNote(page, behind[2].id, '');
    assert.equal(await page.$$eval('.fx-badge-reordered', (els) => els.length), 0, 'nothing went out of order');
  });

  it('a held row counts down to its automatic forward; selected, its clock stops and the countdown goes', async () => {
    gate.setHoldTimeout(60_000);
    gate.setBreakpoints([{ id: 'b1', filter: 'event:DELETE' }]);
    const panel = await suite.open(store, { actions: interceptActions(gate) });
    const { page } = panel;
    const held = receive(callGone());
    const counting = (id: number) =>
      page.waitForFunction((id) => {
        const text = document.querySelector(`.fx-row[data-id="${id}"] .fx-hold`)?.textContent ?? '';
        return /^b1 · the rest passes · auto-forward in \d+ s$/.test(text) ? text : undefined;
      }, id);
    const first = Number(/in (\d+) s/.exec(String(await (await counting(held.id)).jsonValue()))?.[1]);
    assert.ok(first > 50 && first <= 60, `seconds left: ${first}`);
    // It ticks on the row without the host sending it again.
    await page.waitForFunction(
      ([id, first]) =>
        Number(/in (\d+) s/.exec(document.querySelector(`.fx-row[data-id="${id}"] .fx-hold`)?.textContent ?? '')?.[1]) <
        first,
      [held.id, first] as const,
    );
    // Selecting the row (the controller watches the selected frame) stops its clock.
    const selected = panel.received((m) => m.type === 'select');
    await page.click(`.fx-row[data-id="${held.id}"]`);
    const m = await selected;
    if (m.type === 'select' && m.id !== undefined) gate.watch(m.id);
    await waitNote(page, held.id, 'b1 · the rest passes');
    assert.equal(gate.heldFrame(held.id)?.deadline, undefined, 'no automatic forward while it is selected');
  });

  it('let the rest pass: the held row says so; forwarded after the rest, it is marked REORDERED', async () => {
    gate.setBreakpoints([{ id: 'b1', filter: 'event:DELETE' }]);
    const { page } = await suite.open(store, { actions: interceptActions(gate) });
    const held = receive(callGone());
    const passed = receive(userChange(1));
    await waitNote(page, held.id, 'b1 · the rest passes');
    assert.equal(await noteOf(page, passed.id), '');
    gate.forward(held.id);
    await page.waitForSelector(`.fx-row[data-id="${held.id}"] .fx-badge-reordered`);
    assert.equal(await noteOf(page, held.id), '');
  });
});
