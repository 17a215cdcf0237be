// The built timeline webview (dist/timeline.js, media/timeline.css, the real HTML and CSP) in
// headless Chromium, drawing what the real TimelineHost builds from a real FrameStore.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { agentDay, CaptureWriter, dayCall } from '../support/agentDay';
import { FrameStore } from '../../src/core/capture/frameStore';
import { TimelineHarness, TimelinePage } from './timelineHarness';

interface Shown {
  agent: string;
  states: { state: string; x: number; width: number; frame: number }[];
  dialogs: { id: string; steps: string; x: number; right: number }[];
  marks: { kind: string; x: number; label: string; frame: number }[];
}

/**
 * What the picture shows, lane by lane, read from the DOM and its layout. A lane's states are
 * one path per state, so its spans are read the way a user finds them: the pointer sweeps the
 * state band left to right (pointer events, 2 px apart) and the outline the view draws over the
 * span under it gives each span's state, frame and extent.
 */
function shown(page: Page): Promise<Shown[]> {
  // No named helpers inside: the function runs in the page, without the test runner's helpers.
  return page.$$eval('g.lane', (lanes) =>
    lanes.map((lane) => {
      const states: { state: string; x: number; width: number; frame: number }[] = [];
      const band = lane.querySelector('path.state')?.getBoundingClientRect();
      const svg = lane.closest('svg')!.getBoundingClientRect();
      if (band) {
        const y = band.top + band.height / 2;
        for (let x = svg.left + 121; x < svg.right - 12; x += 2) {
          const target = document.elementFromPoint(x, y);
          if (!target || !target.matches('path.state')) continue;
          target.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true }));
          const outline = lane.querySelector('rect.span-hover');
          if (!outline) continue;
          const frame = Number(outline.getAttribute('data-frame'));
          if (states.length && states[states.length - 1].frame === frame) continue;
          const r = outline.getBoundingClientRect();
          // The outline has the span's x and width (its box leaves the stroke out).
          states.push({ state: outline.getAttribute('data-state') ?? '', x: r.left, width: r.width, frame });
        }
        lane.closest('svg')!.dispatchEvent(new MouseEvent('mouseleave'));
      }
      return {
        agent: lane.getAttribute('data-agent') ?? '',
        states,
        dialogs: [...lane.querySelectorAll('rect.dialog')].map((g) => {
          const r = g.getBoundingClientRect();
          return {
            id: g.getAttribute('data-dialog') ?? '',
            steps: g.getAttribute('data-steps') ?? '',
            x: r.left,
            right: r.right,
          };
        }),
        marks: [...lane.querySelectorAll('path.mark')].map((p) => {
          const r = p.getBoundingClientRect();
          return {
            kind: p.getAttribute('class') ?? '',
            x: r.left + r.width / 2,
            label: p.getAttribute('data-label') ?? '',
            frame: Number(p.getAttribute('data-frame')),
          };
        }),
      };
    }),
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
    // Kept for the serializer: a saved capture's picture does not come back after a reload.
    assert.deepEqual(await view.page.evaluate(() => (window as unknown as { __tlState: unknown }).__tlState), {
      live: false,
    });
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
      assert.ok(
        Math.abs(a1.states[i - 1].x + a1.states[i - 1].width - a1.states[i].x) < 1.5,
        `each state ends where the next begins: ${JSON.stringify(a1.states)}`,
      );
      assert.notEqual(a1.states[i].frame, a1.states[i - 1].frame);
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
    assert.match(
      rest.find((m) => m.label.includes('400'))!.label,
      /^PUT User\/agent1 → 400 · apiErrors Invalid State in \d+ ms$/,
    );
    assert.ok(errors[0].x > at('TALKING').x && errors[0].x < at('WORK_READY').x);
    assert.equal(await view.page.textContent('.tl-title'), 'day.finesse-session');
    assert.deepEqual(await view.cspViolations(), []);
  });

  it('hovering shows the Update as text, clicking selects its frame', async () => {
    const day = agentDay();
    view = await harness.open(day.store);
    await view.delivered((m) => m.type === 'model');
    const talking = view.page.locator('g.lane[data-agent="agent1"] path.state[data-state="TALKING"]');
    await talking.hover();
    await view.page.waitForSelector('.tl-tooltip:not([hidden])');
    const tip = await view.page.textContent('.tl-tooltip');
    assert.match(tip!, /User agent1 PUT → TALKING/);
    assert.match(tip!, /<state>TALKING<\/state>/);
    assert.equal(
      await view.page.$$eval('.tl-tooltip *', (els) => els.filter((e) => e.tagName === 'STATE').length),
      0,
      'the Update is text, not markup',
    );
    const frame = Number(await view.page.getAttribute('g.lane[data-agent="agent1"] rect.span-hover', 'data-frame'));
    assert.equal(
      frame,
      [...day.store].find(
        (f) =>
          f.raw.includes('TALKING') &&
          f.raw.includes('/finesse/api/User/agent1&quot;') === false &&
          f.raw.includes('node="/finesse/api/User/agent1"'),
      )!.id,
    );
    await talking.click();
    assert.deepEqual(view.selected, [frame]);
  });

  it('follows a live capture: a new state appears at the end', async () => {
    // A morning that ended a minute ago: the live picture runs to now.
    const day = agentDay(new CaptureWriter(new FrameStore(), Date.now() - 5 * 60_000));
    view = await harness.open(day.store, { live: true });
    const first = await view.delivered((m) => m.type === 'model');
    const before = first.type === 'model' ? first.model.lanes[0].states.length : 0;
    day.wait(10);
    day.state({ id: 'agent1', loginName: 'agent1' }, 'NOT_READY');
    await view.delivered((m) => m.type === 'model' && m.model.lanes[0].states.length === before + 1);
    const states = (await shown(view.page))[0].states;
    assert.equal(states.at(-1)!.state, 'NOT_READY');
    assert.ok(states.at(-1)!.x > states.at(-2)!.x);
    assert.deepEqual(await view.page.evaluate(() => (window as unknown as { __tlState: unknown }).__tlState), {
      live: true,
    });
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
