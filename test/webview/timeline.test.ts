// The built timeline webview (dist/timeline.js, media/timeline.css, the real HTML and CSP) in
// headless Chromium, drawing what the real TimelineHost builds from a real FrameStore.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { agentDay, CaptureWriter, DAY_START, dayCall, HOUR } from '../support/agentDay';
import { FrameStore } from '../../src/core/capture/frameStore';
import { LiveSessionRegistry } from '../../src/core/capture/liveSession';
import { nodes } from '../../src/core/finesse/nodes';
import { userUpdate } from '../../src/core/finesse/builders';
import { TimelineHarness, TimelinePage } from './timelineHarness';

interface Shown {
  agent: string;
  states: { state: string; x: number; width: number; frame: number }[];
  dialogs: { id: string; steps: string; x: number; right: number }[];
  marks: { kind: string; x: number; label: string; frame: number }[];
}

/** The window of time shown and where it lies on the page (from the svg's own attributes). */
interface Window {
  mode: string;
  from: number;
  to: number;
  /** Page x of the axis' first and last pixel. */
  r0: number;
  r1: number;
}

function windowOf(page: Page): Promise<Window> {
  return page.$eval('svg.timeline', (svg) => {
    const left = svg.getBoundingClientRect().left;
    return {
      mode: svg.getAttribute('data-mode') ?? '',
      from: Number(svg.getAttribute('data-from')),
      to: Number(svg.getAttribute('data-to')),
      r0: left + 120,
      r1: left + Number(svg.getAttribute('width')) - 12,
    };
  });
}

/** Resolves once the picture's window satisfies `pred` (zoom and pan draw on the next frame). */
async function windowBecomes(page: Page, pred: (w: Window) => boolean, what: string): Promise<Window> {
  for (;;) {
    const w = await windowOf(page);
    if (pred(w)) return w;
    await page
      .waitForFunction(
        (before) => {
          const svg = document.querySelector('svg.timeline');
          return (
            `${svg?.getAttribute('data-mode')} ${svg?.getAttribute('data-from')} ${svg?.getAttribute('data-to')}` !==
            before
          );
        },
        `${w.mode} ${w.from} ${w.to}`,
        { timeout: 10_000 },
      )
      .catch(() => {
        throw new Error(`the window never became ${what}: ${JSON.stringify(w)}`);
      });
  }
}

const msPerPx = (w: Window) => (w.to - w.from) / (w.r1 - w.r0);
const timeAt = (w: Window, x: number) => w.from + (x - w.r0) * msPerPx(w);
const xAt = (w: Window, t: number) => w.r0 + (t - w.from) / msPerPx(w);

/** A live capture's store: the desktop's session is open in it and the registry is the extension's. */
function liveStore(started: number): { store: FrameStore; connections: LiveSessionRegistry } {
  const store = new FrameStore();
  store.openSession({ id: 'ws-day', label: 'desktop', started });
  return { store, connections: new LiveSessionRegistry() };
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

  const state = (lanes: Shown[], agent: string, name: string) =>
    lanes.find((l) => l.agent === agent)!.states.find((s) => s.state === name)!;

  it('shows each agent’s states and the dialog in order, with REST calls and the apiError as marks', async () => {
    const day = agentDay();
    // Opened three days after it was saved: the picture spans the day, not the days since.
    view = await harness.open(day.store, { now: () => day.t + 72 * HOUR, title: 'day.finesse-session' });
    const model = await view.delivered((m) => m.type === 'model');
    assert.ok(model.type === 'model' && !model.live && !model.liveCapture);
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
    // The day fills the axis: its 50 s of TALKING are a wide span, not a line.
    const w = await windowOf(view.page);
    assert.equal(w.mode, 'fit');
    assert.ok(Math.abs(a1.states[0].x - w.r0) < 2, `the day starts at the axis' start: ${JSON.stringify(w)}`);
    assert.ok(state(lanes, 'agent1', 'TALKING').width > (w.r1 - w.r0) / 6, JSON.stringify(a1.states));
    assert.deepEqual(
      a2.states.map((s) => s.state),
      ['READY', 'TALKING', 'NOT_READY'],
    );
    assert.equal(a1.dialogs.length, 1);
    const [dialog] = a1.dialogs;
    assert.equal(dialog.id, dayCall.id);
    assert.equal(dialog.steps, 'ALERTING ACTIVE DROPPED');
    const at = (name: string) => state(lanes, 'agent1', name);
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
    assert.equal(await view.page.isVisible('.tl-follow'), false, 'nothing to follow in a file');
    assert.deepEqual(await view.cspViolations(), []);
  });

  it('the live capture whose sessions all ended spans its frames, hours later', async () => {
    const { store, connections } = liveStore(DAY_START);
    const day = agentDay(new CaptureWriter(store));
    store.endSession('ws-day');
    view = await harness.open(store, { now: () => day.t + 5 * HOUR, connections });
    const model = await view.delivered((m) => m.type === 'model');
    assert.ok(model.type === 'model' && !model.live && model.liveCapture);
    assert.equal(model.model.end, model.model.framesEnd, 'the picture ends with the last frame');
    assert.ok(model.model.end <= day.t);
    const lanes = await shown(view.page);
    const w = await windowOf(view.page);
    assert.equal(w.mode, 'fit');
    assert.ok(state(lanes, 'agent1', 'TALKING').width > (w.r1 - w.r0) / 6, JSON.stringify(lanes[0].states));
    // Still the live capture's panel: it comes back after a window reload.
    assert.deepEqual(await view.page.evaluate(() => (window as unknown as { __tlState: unknown }).__tlState), {
      live: true,
    });
  });

  it('hovering shows the Update as text, clicking selects its frame', async () => {
    const day = agentDay();
    view = await harness.open(day.store, { now: () => day.t + 48 * HOUR });
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
    const selected = view.nextSelect();
    await talking.click();
    assert.equal(await selected, frame);
    assert.deepEqual(view.selected, [frame]);
  });

  it('a state of a few milliseconds in a long day can still be hovered and clicked', async () => {
    const w = new CaptureWriter();
    const agent = { id: 'agent1', loginName: 'agent1' };
    w.state(agent, 'NOT_READY');
    w.wait(3600);
    const reserved = w.state(agent, 'RESERVED');
    // TALKING 5 ms later: RESERVED is a few thousandths of a pixel wide.
    w.update(nodes.user('agent1'), userUpdate(agent, 'TALKING', { t: w.t }), 5);
    w.wait(3600);
    w.state(agent, 'READY');
    view = await harness.open(w.store, { now: () => w.t + HOUR });
    await view.delivered((m) => m.type === 'model');
    const win = await windowOf(view.page);
    const at = [...w.store].find((f) => f.id === reserved)!.t;
    const x = xAt(win, at);
    const band = (await view.page.locator('g.lane[data-agent="agent1"] rect.state-band').boundingBox())!;
    const y = band.y + band.height / 2;
    const outlined = () => view!.page.getAttribute('g.lane[data-agent="agent1"] rect.span-hover', 'data-state');
    // Two pixels off still reaches it, ahead of the wide states on either side.
    await view.page.mouse.move(x + 2, y);
    await view.page.waitForSelector('.tl-tooltip:not([hidden])');
    assert.equal(await outlined(), 'RESERVED');
    assert.match((await view.page.textContent('.tl-tooltip'))!, /<state>RESERVED<\/state>/);
    const selected = view.nextSelect();
    await view.page.mouse.down();
    await view.page.mouse.up();
    assert.equal(await selected, reserved);
    assert.deepEqual(view.selected, [reserved]);
    // Further away, the wide neighbours are what the pointer is on.
    await view.page.mouse.move(x - 12, y);
    await view.page.waitForFunction(
      () => document.querySelector('rect.span-hover')?.getAttribute('data-state') === 'NOT_READY',
    );
    await view.page.mouse.move(x + 12, y);
    await view.page.waitForFunction(
      () => document.querySelector('rect.span-hover')?.getAttribute('data-state') === 'TALKING',
    );
  });

  it('a live capture far behind now: "Fit to frames" brings its states back, "Follow now" returns', async () => {
    const { store, connections } = liveStore(DAY_START);
    const day = agentDay(new CaptureWriter(store));
    // Left open overnight: the desktop's session has not ended, now is 14 hours on.
    let now = day.t + 14 * HOUR;
    view = await harness.open(store, { now: () => now, connections });
    const model = await view.delivered((m) => m.type === 'model');
    assert.ok(model.type === 'model' && model.live);
    assert.equal(model.model.end, now, 'a live picture runs to now');
    let w = await windowOf(view.page);
    assert.equal(w.mode, 'follow');
    assert.ok(w.to >= now, 'following now');
    const dayPx = (model.model.framesEnd - model.model.start) / msPerPx(w);
    assert.ok(dayPx < 5, `the morning is a sliver of the time up to now (${dayPx} px)`);
    let lanes = await shown(view.page);
    assert.equal(state(lanes, 'agent1', 'TALKING'), undefined, 'too narrow to find by sweeping');
    assert.equal(await view.page.isVisible('.tl-follow'), false, 'already following');

    await view.page.click('.tl-fit');
    w = await windowBecomes(view.page, (x) => x.mode === 'fit', 'fit');
    assert.ok(w.to < day.t + 60_000, `the window ends with the frames: ${JSON.stringify(w)}`);
    lanes = await shown(view.page);
    assert.ok(state(lanes, 'agent1', 'TALKING').width > (w.r1 - w.r0) / 6, JSON.stringify(lanes[0].states));
    assert.equal(await view.page.getAttribute('.tl-fit', 'aria-pressed'), 'true');
    assert.equal(await view.page.isVisible('.tl-follow'), true, 'a way back to following');

    // A frame arriving now: a fitted picture takes it in; then following again runs to now.
    now += 60_000;
    day.t = now;
    day.state({ id: 'agent1', loginName: 'agent1' }, 'NOT_READY');
    await view.delivered((m) => m.type === 'model' && m.model.framesEnd === day.t);
    w = await windowBecomes(view.page, (x) => x.mode === 'fit' && x.to >= day.t, 'fit to the new frame');
    await view.page.click('.tl-follow');
    w = await windowBecomes(view.page, (x) => x.mode === 'follow', 'follow');
    assert.ok(w.to >= now);
    assert.equal(await view.page.isVisible('.tl-follow'), false);

    // Once the desktop's session ends, nothing is live: the picture spans its frames.
    store.endSession('ws-day');
    const ended = await view.delivered((m) => m.type === 'model' && !m.live);
    assert.ok(ended.type === 'model' && ended.model.end === day.t);
    w = await windowBecomes(view.page, (x) => x.mode === 'fit', 'fit once ended');
    assert.equal(await view.page.isVisible('.tl-follow'), false);
    assert.deepEqual(await view.cspViolations(), []);
  });

  it('follows a live capture: a new state appears at the end, and the lasting one grows with the clock', async () => {
    const { store, connections } = liveStore(DAY_START);
    const day = agentDay(new CaptureWriter(store));
    let now = day.t + 60_000;
    view = await harness.open(store, { now: () => now, connections, tickMs: 20 });
    const first = await view.delivered((m) => m.type === 'model');
    const before = first.type === 'model' ? first.model.lanes[0].states.length : 0;
    now += 10_000;
    day.t = now;
    day.state({ id: 'agent1', loginName: 'agent1' }, 'NOT_READY');
    await view.delivered((m) => m.type === 'model' && m.model.lanes[0].states.length === before + 1);
    let states = (await shown(view.page))[0].states;
    assert.equal(states.at(-1)!.state, 'NOT_READY');
    assert.ok(states.at(-1)!.x > states.at(-2)!.x);
    const grew = states.at(-1)!.width;
    // Nothing arrives for ten minutes: the host's clock ticks and NOT_READY lasts to now.
    now += 600_000;
    await view.delivered((m) => m.type === 'now' && m.now === now);
    await windowBecomes(view.page, (w) => w.to >= now, 'up to the new now');
    states = (await shown(view.page))[0].states;
    assert.ok(states.at(-1)!.width > grew * 2, `${states.at(-1)!.width} > 2 × ${grew}`);
    // Hovering the lasting state while the clock ticks: the outline stays on it through redraws.
    const band = (await view.page.locator('g.lane[data-agent="agent1"] rect.state-band').boundingBox())!;
    await view.page.mouse.move(states.at(-1)!.x + states.at(-1)!.width / 2, band.y + band.height / 2);
    await view.page.waitForSelector('.tl-tooltip:not([hidden])');
    now += 60_000;
    await view.delivered((m) => m.type === 'now' && m.now === now);
    await windowBecomes(view.page, (w) => w.to >= now, 'redrawn up to the next now');
    assert.equal(
      await view.page.getAttribute('g.lane[data-agent="agent1"] rect.span-hover', 'data-state'),
      'NOT_READY',
    );
    assert.equal(await view.page.isVisible('.tl-tooltip'), true);
    assert.deepEqual(await view.page.evaluate(() => (window as unknown as { __tlState: unknown }).__tlState), {
      live: true,
    });
  });

  it('zooms around the pointer with the wheel, pans by dragging, and both by keyboard', async () => {
    const day = agentDay();
    view = await harness.open(day.store, { now: () => day.t + 24 * HOUR });
    await view.delivered((m) => m.type === 'model');
    const { page } = view;
    const fitted = await windowOf(page);
    const lanes = await shown(page);
    const talking = state(lanes, 'agent1', 'TALKING');
    const band = (await page.locator('g.lane[data-agent="agent1"] rect.state-band').boundingBox())!;
    const y = band.y + band.height / 2;

    // Wheel up over TALKING: a narrower window, the time under the pointer stays under it.
    const x = talking.x + talking.width / 3;
    const under = timeAt(fitted, x);
    await page.mouse.move(x, y);
    await page.mouse.wheel(0, -400);
    let w = await windowBecomes(page, (v) => v.mode === 'zoomed', 'zoomed');
    assert.ok(w.to - w.from < (fitted.to - fitted.from) / 1.5, `zoomed in: ${JSON.stringify([fitted, w])}`);
    assert.ok(Math.abs(xAt(w, under) - x) < 1.5, 'the time under the pointer stays there');
    assert.ok(state(await shown(page), 'agent1', 'TALKING').width > talking.width * 1.5);

    // Drag right by 150 px: earlier times come into view; the drag selects nothing.
    const zoomed = w;
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 1; i <= 5; i++) await page.mouse.move(x + i * 30, y);
    await page.mouse.up();
    w = await windowBecomes(page, (v) => v.from < zoomed.from, 'panned');
    assert.ok(
      Math.abs((zoomed.from - w.from) / msPerPx(zoomed) - 150) < 2,
      `moved 150 px: ${JSON.stringify([zoomed, w])}`,
    );
    assert.ok(Math.abs(w.to - w.from - (zoomed.to - zoomed.from)) < 2, 'panning keeps the zoom');
    // A hover answered by the host after the drag: a select sent at its end would be in by then.
    await page.mouse.move(x + 1, y);
    await page.waitForSelector('.tl-tooltip:not([hidden])');
    assert.deepEqual(view.selected, []);

    // Keyboard: 0 fits, + zooms in around the middle, → pans later, - zooms out, Home fits.
    await page.keyboard.press('0');
    w = await windowBecomes(page, (v) => v.mode === 'fit', 'fit');
    assert.deepEqual([w.from, w.to], [fitted.from, fitted.to]);
    await page.keyboard.press('+');
    w = await windowBecomes(page, (v) => v.mode === 'zoomed', 'zoomed by +');
    const mid = (fitted.from + fitted.to) / 2;
    assert.ok(Math.abs((w.to - w.from) * 1.5 - (fitted.to - fitted.from)) < 2);
    assert.ok(Math.abs((w.from + w.to) / 2 - mid) < 2, 'around the middle');
    const plus = w;
    await page.keyboard.press('ArrowRight');
    w = await windowBecomes(page, (v) => v.from > plus.from, 'panned by →');
    assert.ok(Math.abs((w.from - plus.from) / msPerPx(plus) - (w.r1 - w.r0) / 8) < 2);
    await page.keyboard.press('ArrowLeft');
    w = await windowBecomes(page, (v) => v.from < plus.from + 2, 'panned back by ←');
    await page.keyboard.press('-');
    w = await windowBecomes(page, (v) => v.to - v.from > (plus.to - plus.from) * 1.4, 'zoomed out by -');
    await page.keyboard.press('Home');
    w = await windowBecomes(page, (v) => v.mode === 'fit', 'fit by Home');
    // The Fit button does the same after a zoom.
    await page.mouse.move(x, y);
    await page.mouse.wheel(0, 300);
    await windowBecomes(page, (v) => v.mode === 'zoomed', 'zoomed out');
    await page.click('.tl-fit');
    w = await windowBecomes(page, (v) => v.mode === 'fit', 'fit by the button');
    assert.deepEqual([w.from, w.to], [fitted.from, fitted.to]);
    assert.deepEqual(await view.cspViolations(), []);
  });

  it('reads the axis in the locale’s clock, one form for every tick: 24-hour where the locale has it', async () => {
    // Twenty minutes around 01:00 UTC, read in UTC: the ticks are five minutes apart.
    const w = new CaptureWriter(new FrameStore(), Date.UTC(2026, 10, 30, 0, 44, 0));
    const agent = { id: 'agent1', loginName: 'agent1' };
    w.state(agent, 'LOGIN');
    w.wait(30);
    w.state(agent, 'NOT_READY');
    w.wait(600);
    w.state(agent, 'READY');
    w.wait(570);
    w.state(agent, 'NOT_READY');
    const ticks = async (locale: string) => {
      view = await harness.open(w.store, { now: () => w.t + HOUR, locale, timezoneId: 'UTC' });
      await view.delivered((m) => m.type === 'model');
      const text = await view.page.$$eval('g.axis .tick text', (els) => els.map((e) => e.textContent ?? ''));
      await view.close();
      view = undefined;
      return text;
    };
    const gb = await ticks('en-GB');
    assert.ok(gb.includes('00:45') && gb.includes('01:00'), gb.join(' '));
    for (const t of gb) assert.match(t, /^\d\d:\d\d$/, gb.join(' '));
    const de = await ticks('de-DE');
    assert.ok(de.includes('00:45') && de.includes('01:00'), de.join(' '));
    // A locale whose clock is 12-hour says AM or PM on every tick, not only on the hour.
    const us = await ticks('en-US');
    assert.ok(us.includes('12:45\u202fAM') || us.includes('12:45 AM'), us.join(' | '));
    for (const t of us) assert.match(t, /^\d{1,2}:\d\d\sAM$/, us.join(' | '));
  });

  it('has a legend key for every state it draws, in the colour it draws it', async () => {
    const day = agentDay();
    // The day's first Update is the agent signing in: LOGIN, before NOT_READY.
    const w = new CaptureWriter(day.store, day.t);
    w.state({ id: 'agent3', loginName: 'agent3' }, 'LOGIN');
    w.wait(60);
    w.state({ id: 'agent3', loginName: 'agent3' }, 'HOLD');
    w.wait(60);
    w.state({ id: 'agent3', loginName: 'agent3' }, 'WORK');
    w.wait(60);
    w.state({ id: 'agent3', loginName: 'agent3' }, 'LOGOUT');
    view = await harness.open(day.store, { now: () => w.t + HOUR });
    await view.delivered((m) => m.type === 'model');
    const drawn = await view.page.$$eval('path.state', (paths) =>
      paths.map((p) => ({ state: p.getAttribute('data-state') ?? '', fill: getComputedStyle(p).fill })),
    );
    const keys = await view.page.$$eval('.tl-key', (els) =>
      els.map((k) => ({ text: k.textContent ?? '', colour: getComputedStyle(k, '::before').backgroundColor })),
    );
    const states = new Set(drawn.map((d) => d.state));
    for (const s of ['LOGIN', 'NOT_READY', 'READY', 'RESERVED', 'TALKING', 'WORK_READY', 'HOLD', 'WORK', 'LOGOUT'])
      assert.ok(states.has(s), `${s} is drawn: ${[...states].join(' ')}`);
    for (const d of drawn) {
      const key = keys.find((k) => k.text === d.state);
      assert.ok(key, `no legend key for ${d.state}: ${keys.map((k) => k.text).join(' ')}`);
      assert.equal(key.colour, d.fill, `${d.state}: the key's colour is the span's`);
    }
    // LOGIN is not LOGOUT's grey.
    assert.notEqual(drawn.find((d) => d.state === 'LOGIN')!.fill, drawn.find((d) => d.state === 'LOGOUT')!.fill);
  });

  it('hides the tooltip when the pointer leaves the page, and when a live redraw slides the mark from under it', async () => {
    const { store, connections } = liveStore(DAY_START);
    const day = agentDay(new CaptureWriter(store));
    let now = day.t + 1000;
    view = await harness.open(store, { now: () => now, connections, tickMs: 20 });
    await view.delivered((m) => m.type === 'model');
    const { page } = view;
    const band = (await page.locator('g.lane[data-agent="agent1"] rect.state-band').boundingBox())!;
    const [, ready] = (await shown(page))[0].states;
    await page.mouse.move(ready.x + ready.width / 2, band.y + band.height / 2);
    await page.waitForSelector('.tl-tooltip:not([hidden])');
    // Out of the page (in VS Code: out of the webview, onto the workbench).
    await page.mouse.move(ready.x + ready.width / 2, -20);
    await page.waitForSelector('.tl-tooltip[hidden]', { state: 'attached' });
    assert.equal(await page.isVisible('.tl-tooltip'), false);

    // The last REST call's mark (near now, at the right), hovered; then an hour passes with the
    // pointer at rest: the picture follows now, the mark slides left and the pointer is over nothing.
    const mark = page.locator('g.lane[data-agent="agent1"] path.m-rest').last();
    const box = (await mark.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.7);
    await page.waitForSelector('.tl-tooltip:not([hidden])');
    assert.match((await page.textContent('.tl-tip-title'))!, /PUT/);
    now += HOUR;
    await view.delivered((m) => m.type === 'now' && m.now === now);
    await windowBecomes(page, (w) => w.to >= now, 'up to the new now');
    await page.waitForSelector('.tl-tooltip[hidden]', { state: 'attached' });
  });

  it('says what it waits for when the capture has no agent yet', async () => {
    const day = agentDay();
    day.store.clear();
    view = await harness.open(day.store, { now: () => day.t });
    await view.delivered((m) => m.type === 'model');
    assert.equal(await view.page.isVisible('.tl-empty'), true);
    assert.equal(await view.page.locator('g.lane').count(), 0);
  });
});
