/**
 * The timeline at 10,000 state changes (target: drawn in < 200 ms):
 *  - build: TimelineBuilder over the store in the host (10 agents × 1,000 User Updates, with a
 *    call every 10 changes), against a plain loop reading every frame's raw text;
 *  - draw: the built timeline webview (real HTML/CSP, dist/timeline.js) in headless Chromium
 *    (a lane's states are one path per state, a subpath per span):
 *    the model message handled and laid out (dispatch → render → forced layout), first draw on a
 *    fresh page, median of ROUNDS (split into script and layout); the same over a one-lane,
 *    ten-state model is the baseline.
 * Env: BENCH_TIMELINE_CHANGES (default 10000), BENCH_TIMELINE_ROUNDS (default 5).
 */
import { FrameStore } from '../src/core/capture/frameStore';
import { Agent, Call, dialogUpdate, eventMessage, UserState, userUpdate } from '../src/core/finesse/builders';
import { nodes } from '../src/core/finesse/nodes';
import { TimelineBuilder, TimelineModel } from '../src/core/finesse/timeline';
import { TimelineHarness } from '../test/webview/timelineHarness';

const CHANGES = Number(process.env.BENCH_TIMELINE_CHANGES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_TIMELINE_ROUNDS ?? 5);
const AGENTS = 10;
const CYCLE: UserState[] = [
  'NOT_READY',
  'READY',
  'RESERVED',
  'TALKING',
  'WORK_READY',
  'READY',
  'NOT_READY',
  'READY',
  'TALKING',
  'WORK',
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => Math.round(x * 10) / 10;

function dayStore(changes: number): FrameStore {
  const store = new FrameStore(changes * 3);
  const agents: Agent[] = Array.from({ length: AGENTS }, (_, i) => ({
    id: `agent${i + 1}`,
    loginName: `agent${i + 1}`,
  }));
  let t = Date.UTC(2026, 11, 1, 8, 0, 0);
  for (let i = 0; i < changes; i++) {
    const agent = agents[i % AGENTS];
    const state = CYCLE[Math.floor(i / AGENTS) % CYCLE.length];
    t += 250 + (i % 7) * 90;
    const event = (node: string, updateXml: string) =>
      store.append({
        session: 'ws',
        dir: 'in',
        kind: 'stanza',
        raw: eventMessage({
          from: 'pubsub.finesse.test',
          to: `${agent.id}@finesse.test/desktop`,
          node,
          itemId: `i${i}`,
          updateXml,
        }),
        t,
      });
    event(nodes.user(agent.id), userUpdate(agent, state, { t }));
    const call: Call = { id: String(16_777_216 + i), from: '+1 919 555 0142', to: '1001' };
    if (state === 'RESERVED') event(nodes.userDialogs(agent.id), dialogUpdate(agent, call, 'ALERTING', 'POST', { t }));
    if (state === 'WORK_READY')
      event(
        nodes.userDialogs(agent.id),
        dialogUpdate(agent, { ...call, id: String(16_777_216 + i - 2 * AGENTS) }, 'DROPPED', 'PUT', { t }),
      );
  }
  return store;
}

export async function run(): Promise<object> {
  const store = dayStore(CHANGES);
  // Host: building the model (every User/Dialogs Update parsed once).
  const scan: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    let n = 0;
    for (const f of store) n += f.raw.length;
    scan.push(performance.now() - t0 + (n < 0 ? 1 : 0));
  }
  let t0 = performance.now();
  const builder = new TimelineBuilder();
  builder.add(store);
  const model = builder.model();
  const buildCold = performance.now() - t0;
  t0 = performance.now();
  const again = new TimelineBuilder();
  again.add(store);
  again.model();
  const buildWarm = performance.now() - t0;
  const states = model.lanes.reduce((n, l) => n + l.states.length, 0);
  const dialogs = model.lanes.reduce((n, l) => n + l.dialogs.length, 0);
  const small: TimelineModel = {
    ...model,
    lanes: [{ ...model.lanes[0], states: model.lanes[0].states.slice(0, 10), dialogs: [], marks: [] }],
  };

  const harness = await TimelineHarness.start();
  let split = { js: [] as number[], layout: [] as number[] };
  const draw = async (m: TimelineModel) => {
    split = { js: [], layout: [] };
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const view = await harness.open(new FrameStore(), { now: () => m.end, viewport: { width: 1400, height: 900 } });
      await view.delivered((x) => x.type === 'model');
      const took = await view.page.evaluate(
        (data) => {
          const start = performance.now();
          window.dispatchEvent(new MessageEvent('message', { data }));
          const js = performance.now();
          document.body.getBoundingClientRect();
          (document.querySelector('svg.timeline') as SVGSVGElement).getBBox();
          const end = performance.now();
          (window as unknown as { __split: number[] }).__split = [js - start, end - js];
          return end - start;
        },
        { type: 'model', model: m, live: false, liveCapture: false, title: 'bench' } as never,
      );
      // One subpath per state span.
      const drawn = await view.page.$$eval('path.state', (paths) =>
        paths.reduce((n, p) => n + (p.getAttribute('d')?.split('M').length ?? 1) - 1, 0),
      );
      if (drawn !== m.lanes.reduce((n, l) => n + l.states.length, 0)) throw new Error(`drew ${drawn} states`);
      times.push(took);
      const [js, layout] = (await view.page.evaluate('window.__split')) as number[];
      split.js.push(js);
      split.layout.push(layout);
      await view.close();
    }
    return times;
  };
  let base: number[];
  let big: number[];
  try {
    base = await draw(small);
    big = await draw(model);
  } finally {
    await harness.close();
  }
  return {
    stateChanges: states,
    dialogs,
    frames: store.size,
    hostBuildMs: { cold: ms(buildCold), warm: ms(buildWarm), baselineRawScanMs: ms(median(scan)) },
    drawMs: {
      median: ms(median(big)),
      max: ms(Math.max(...big)),
      scriptMs: ms(median(split.js)),
      layoutMs: ms(median(split.layout)),
      baselineTenStatesMs: ms(median(base)),
      target: 200,
    },
  };
}
