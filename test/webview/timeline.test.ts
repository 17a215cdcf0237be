// The built timeline webview (dist/timeline.js, media/timeline.css, the real HTML and CSP) in
// headless Chromium, drawing what the real TimelineHost builds from a real FrameStore.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { agentDay, dayCall } from '../support/agentDay';
import { TimelineHarness, TimelinePage } from './timelineHarness';

interface Shown {
  agent: string;
  states: { state: string; x: number; width: number; frame: number }[];
  dialogs: { id: string; steps: string; x: number; right: number }[];
  marks: { kind: string; x: number; label: string; frame: number }[];
}

/** What the picture shows, lane by lane, read from the DOM and its layout. */
function shown(page: Page): Promise<Shown[]> {
  // No named helpers inside: the function runs in the page, without the test runner's helpers.
  return page.$$eval('g.lane', (lanes) =>
    lanes.map((lane) => ({
      agent: lane.getAttribute('data-agent') ?? '',
      states: [...lane.querySelectorAll('rect.state')].map((g) => {
        const r = g.getBoundingClientRect();
        return { state: g.getAttribute('data-state') ?? '', x: r.left, width: r.width, frame: Number(g.getAttribute('data-frame')) };
      }),
      dialogs: [...lane.querySelectorAll('rect.dialog')].map((g) => {
        const r = g.getBoundingClientRect();
        return { id: g.getAttribute('data-dialog') ?? '', steps: g.getAttribute('data-steps') ?? '', x: r.left, right: r.right };
      }),
      marks: [...lane.querySelectorAll('path.mark')].map((p) => {
        const r = p.getBoundingClientRect();
        return { kind: p.getAttribute('class') ?? '', x: r.left + r.width / 2, label: p.getAttribute('data-label') ?? '', frame: Number(p.getAttribute('data-frame')) };
      }),
    })),
  );
}

describe('timeline webview', function () {
  let harness: TimelineHarness;
  let view: TimelinePage | undefined;
  before(async () => (harness = await TimelineHarness.start()));
  after(async () => harness?.close());
  afterEach(async () => {
    await view?.close();
    view = undefined;
  });

  it('shows each agent’s states and the dialog in order, with REST calls and the apiError as marks', async () => {
    const day = agentDay();
    view = await harness.open(day.store, { live: false, title: 'day.finesse-session' });
    await view.delivered((m) => m.type === 'model');
    const lanes = await shown(view.page);
    assert.deepEqual(
      lanes.map((l) => l.agent),
      ['agent1', 'agent2'],
    );
    const [a1, a2] = lanes;
    assert.deepEqual(
      a1.states.map((s) => s.state),
      ['NOT_READY', 'READY', 'RESERVED', 'TALKING', 'WORK_READY', 'READY'],
    );
    for (let i = 1; i < a1.states.length; i++) {
      assert.ok(a1.states[i].x > a1.states[i - 1].x, `${a1.states[i].state} is drawn after ${a1.states[i - 1].state}`);
      assert.ok(Math.abs(a1.states[i - 1].x + a1.states[i - 1].width - a1.states[i].x) < 1.5, 'each state ends where the next begins');
    }
    assert.deepEqual(
      a2.states.map((s) => s.state),
      ['READY', 'TALKING', 'NOT_READY'],
    );
    assert.equal(a1.dialogs.length, 1);
    const [dialog] = a1.dialogs;
    assert.equal(dialog.id, dayCall.id);
    assert.equal(dialog.steps, 'ALERTING ACTIVE DROPPED');
    const at = (state: string) => a1.states.find((s) => s.state === state)!;
    assert.ok(dialog.x >= at('READY').x && dialog.x <= at('RESERVED').x + 1, 'the dialog starts when it rings');
    assert.ok(Math.abs(dialog.right - at('WORK_READY').x) < 2, 'and ends when it is dropped');
    const rest = a1.marks.filter((m) => m.kind.includes('m-rest'));
    const errors = a1.marks.filter((m) => m.kind.includes('m-apiError'));
    assert.equal(rest.length, 6);
    assert.equal(errors.length, 1);
    assert.match(rest[1].label, /^PUT User\/agent1 → 202 · READY in \d+ ms$/);
    assert.match(rest.find((m) => m.label.includes('400'))!.label, /^PUT User\/agent1 → 400 · apiErrors Invalid State in \d+ ms$/);
    assert.ok(errors[0].x > at('TALKING').x && errors[0].x < at('WORK_READY').x);
    assert.equal(await view.page.textContent('.tl-title'), 'day.finesse-session');
    assert.deepEqual(await view.cspViolations(), []);
  });

  it('hovering shows the Update as text, clicking selects its frame', async () => {
    const day = agentDay();
    view = await harness.open(day.store);
    await view.delivered((m) => m.type === 'model');
    const talking = view.page.locator('g.lane[data-agent="agent1"] rect.state[data-state="TALKING"]');
    await talking.hover();
    await view.page.waitForSelector('.tl-tooltip:not([hidden])');
    const tip = await view.page.textContent('.tl-tooltip');
    assert.match(tip!, /User agent1 PUT → TALKING/);
    assert.match(tip!, /<state>TALKING<\/state>/);
    assert.equal(await view.page.$$eval('.tl-tooltip *', (els) => els.filter((e) => e.tagName === 'STATE').length), 0, 'the Update is text, not markup');
    await talking.click();
    const frame = Number(await view.page.getAttribute('g.lane[data-agent="agent1"] rect.state[data-state="TALKING"]', 'data-frame'));
    assert.deepEqual(view.selected, [frame]);
  });

  it('follows a live capture: a new state appears at the end', async () => {
    const day = agentDay();
    view = await harness.open(day.store, { live: true });
    await view.delivered((m) => m.type === 'model');
    const before = (await shown(view.page))[0].states.length;
    day.wait(10);
    day.state({ id: 'agent1', loginName: 'agent1' }, 'NOT_READY');
    await view.delivered((m) => m.type === 'model' && m.model.lanes[0].states.length === before + 1);
    const states = (await shown(view.page))[0].states;
    assert.equal(states.at(-1)!.state, 'NOT_READY');
    assert.ok(states.at(-1)!.x > states.at(-2)!.x);
  });

  it('says what it waits for when the capture has no agent yet', async () => {
    const day = agentDay();
    day.store.clear();
    view = await harness.open(day.store);
    await view.delivered((m) => m.type === 'model');
    assert.equal(await view.page.isVisible('.tl-empty'), true);
    assert.equal(await view.page.locator('g.lane').count(), 0);
  });
});
