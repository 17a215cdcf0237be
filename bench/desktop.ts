/**
 * The gadget desktop (targets, issue 31 and docs/ARCHITECTURE.md "Gadget desktop"): a probe gadget of
 * our own on the local Finesse's desktop in headless Chromium, the agent signed in.
 *  - delivery: an Update's XMPP frame arrives at the desktop (its `t` in the store) until the
 *    probe's hub callback runs (`performance.timeOrigin + performance.now()` in the gadget frame),
 *    p50/p95 over ROUNDS state changes made through REST (target p50 <= 2 ms). Baseline,
 *    interleaved one for one: Node sends its clock over a bare WebSocket to a page of its own
 *    (the floor of "Node -> Chromium" on this machine). The two clocks' offset is measured
 *    (page clock read over CDP, midpoint of the round trip with the least delay) and printed.
 *  - flood: the probe publishes 1,000 hub messages/s for 10 s (`{n}`, n = 0, 1, …), itself
 *    subscribed: every one must be a hub frame in the store, in order, and every one delivered
 *    back to the probe in order (counts and the first gap or inversion printed).
 *  - render: GET /gadgets/ifr for a spec against GET of the spec's html saved as a plain file in
 *    the same served folder, interleaved; added ms p50 (target <= 50 ms).
 * Env: BENCH_DESKTOP_ROUNDS (default 200), BENCH_DESKTOP_RATE (1000), BENCH_DESKTOP_SECONDS (10).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Frame as PageFrame, Page } from 'playwright-core';
import { WebSocketServer, type WebSocket } from 'ws';
import { FrameStore } from '../src/core/capture/frameStore';
import type { Frame } from '../src/core/capture/frame';
import { now } from '../src/core/capture/frame';
import { parseHubFrame } from '../src/core/hub/hubFrame';
import { idleScenario } from '../src/core/simulator/scenario';
import { FinesseSimulator } from '../src/core/simulator/simulator';
import { launchChromium } from '../test/support/chromium';

const ROUNDS = Number(process.env.BENCH_DESKTOP_ROUNDS ?? 200);
const RATE = Number(process.env.BENCH_DESKTOP_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_DESKTOP_SECONDS ?? 10);
const RENDER_ROUNDS = Number(process.env.BENCH_DESKTOP_RENDER_ROUNDS ?? 200);
const SAMPLE = resolve(__dirname, '../../shared/finesse-samples/LearningSampleGadget-10.5.1');

const ms = (x: number) => Math.round(x * 100) / 100;
function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
const spread = (xs: number[]) => ({
  p50: ms(pct(xs, 0.5)),
  p95: ms(pct(xs, 0.95)),
  min: ms(Math.min(...xs)),
  max: ms(Math.max(...xs)),
});

/**
 * With BENCH_DESKTOP_BREAKDOWN=1, timestamps along the way (bench instrumentation, in every frame
 * before any of its scripts): the desktop page's WebSocket message carrying a User Update to a
 * gadget, and the gadget frame's message event that brings it.
 */
const BREAKDOWN_SCRIPT = `(() => {
  const stamp = () => performance.timeOrigin + performance.now();
  const isUserUpdate = (text) => text.includes('"finesse.api.User.agent1"') && text.includes('"deliver"');
  window.ffdWsIn = [];
  window.ffdWsAll = [];
  window.ffdMsgIn = [];
  const W = window.WebSocket;
  window.WebSocket = class extends W {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const text = String(e.data);
        window.ffdWsAll.push([stamp(), text.slice(0, 60)]);
        if (isUserUpdate(text)) window.ffdWsIn.push(stamp());
      });
    }
  };
  window.addEventListener('message', (e) => {
    const d = e.data;
    if (d && d.type === 'deliver' && d.topic === 'finesse.api.User.agent1') window.ffdMsgIn.push(stamp());
  }, true);
})()`;

const PROBE_HTML = '<p>probe: <span id="status"></span></p>';

/** The probe: records each User Update's arrival time, and floods the hub on request. */
const PROBE_JS = `window.ffdDeliveries = [];
window.ffdFloodSeen = [];
gadgets.HubSettings.onConnect = function () {
  gadgets.Hub.subscribe('finesse.api.User.agent1', function (topic, data) {
    window.ffdDeliveries.push(performance.timeOrigin + performance.now());
  });
  gadgets.Hub.subscribe('bench.flood', function (topic, data) {
    window.ffdFloodSeen.push(data.n);
  });
  document.getElementById('status').textContent = 'connected';
};
window.ffdFlood = function (rate, seconds) {
  return new Promise(function (done) {
    var total = rate * seconds, sent = 0, t0 = performance.now();
    function tick() {
      var due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
      while (sent < due) gadgets.Hub.publish('bench.flood', { n: sent++ });
      if (sent < total) setTimeout(tick, 1);
      else done({ sent: sent, ms: performance.now() - t0 });
    }
    tick();
  });
};`;

function writeProbe(dir: string): void {
  const d = join(dir, 'Probe');
  mkdirSync(d);
  writeFileSync(
    join(d, 'Probe.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>
<Module><ModulePrefs title="Probe"><Require feature="pubsub-2"/><Require feature="dynamic-height"/></ModulePrefs>
<Content type="html"><![CDATA[${PROBE_HTML}<script src="probe.js"></script>]]></Content></Module>`,
  );
  writeFileSync(join(d, 'probe.js'), PROBE_JS);
}

/**
 * The spec rendered in the render figures (Cisco's Learning Sample Gadget when it is beside the
 * repository, else the probe), with its folder, and its html saved beside it as a plain file. Two
 * levels down, so the desktop's layout does not make a tab of it.
 */
function writeRenderSpec(dir: string): { spec: string; html: string; name: string } {
  const d = join(dir, 'render', 'spec');
  mkdirSync(d, { recursive: true });
  const fromSample = existsSync(join(SAMPLE, 'SampleGadget_Final.xml'));
  if (fromSample) cpSync(SAMPLE, d, { recursive: true });
  else writeFileSync(join(d, 'probe.js'), PROBE_JS);
  const xml = fromSample
    ? readFileSync(join(SAMPLE, 'SampleGadget_Final.xml'), 'utf8')
    : readFileSync(join(dir, 'Probe', 'Probe.xml'), 'utf8');
  const m = /<Content[^>]*>\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*<\/Content>/.exec(xml);
  if (!m) throw new Error('the render spec has no CDATA content');
  writeFileSync(join(d, 'Spec.xml'), xml);
  writeFileSync(join(d, 'spec.html'), m[1]);
  return {
    spec: '/3rdpartygadget/files/render/spec/Spec.xml',
    html: '/3rdpartygadget/files/render/spec/spec.html',
    name: fromSample ? 'SampleGadget_Final.xml' : 'Probe.xml',
  };
}

function hubFrames(store: FrameStore, after: number, topic: string): Frame[] {
  const out: Frame[] = [];
  for (let id = after + 1; id <= store.lastId; id++) {
    const f = store.get(id);
    if (f?.kind === 'hub' && parseHubFrame(f.raw)?.topic === topic) out.push(f);
  }
  return out;
}

/** Page clock minus Node clock, from the round trip with the least delay. */
async function clockOffset(frame: PageFrame): Promise<{ offsetMs: number; rttMs: number }> {
  let best = { offsetMs: 0, rttMs: Infinity };
  for (let i = 0; i < 30; i++) {
    const a = now();
    const p = (await frame.evaluate('performance.timeOrigin + performance.now()')) as number;
    const b = now();
    if (b - a < best.rttMs) best = { offsetMs: p - (a + b) / 2, rttMs: b - a };
  }
  return { offsetMs: ms(best.offsetMs), rttMs: ms(best.rttMs) };
}

/** A bare WebSocket from Node to a page of its own: the baseline one-hop latency. */
async function bareSocket(page: Page) {
  const http = createServer((_req, res) => res.end('<!doctype html><title>ws</title>'));
  const wss = new WebSocketServer({ server: http });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as AddressInfo).port;
  const connected = new Promise<WebSocket>((r) => wss.once('connection', r));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.evaluate(`new Promise((ok) => {
    window.ffdBare = [];
    const ws = new WebSocket('ws://127.0.0.1:${port}/');
    ws.onmessage = (e) => window.ffdBare.push(performance.timeOrigin + performance.now() - Number(e.data));
    ws.onopen = ok;
  })`);
  const ws = await connected;
  return {
    async sample(n: number): Promise<void> {
      ws.send(String(now()));
      await page.waitForFunction(`window.ffdBare.length >= ${n}`, undefined, { polling: 1 });
    },
    async values(): Promise<number[]> {
      return (await page.evaluate('window.ffdBare')) as number[];
    },
    async close() {
      ws.close();
      wss.close();
      await new Promise((r) => http.close(r));
    },
  };
}

export async function run(): Promise<object> {
  const dir = mkdtempSync(join(tmpdir(), 'ffd-bench-desktop-'));
  writeProbe(dir);
  const render = writeRenderSpec(dir);
  const store = new FrameStore(200_000);
  const sim = new FinesseSimulator({ serve: dir, store, desktop: {}, scenario: idleScenario() });
  await sim.listen();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const breakdown = process.env.BENCH_DESKTOP_BREAKDOWN === '1';
    if (breakdown) await page.addInitScript(BREAKDOWN_SCRIPT);
    await page.goto(sim.desktop!.url!);
    await page.locator('#agent-state').filter({ hasText: 'Not Ready' }).waitFor({ timeout: 30_000 });
    const probe = sim.desktop!.gadgets().find((g) => g.title === 'Probe');
    if (!probe) throw new Error('the probe gadget is not on the desktop');
    await page.click('#tab_Probe');
    await page
      .frameLocator(`#finesse_gadget_${probe.mid}`)
      .locator('#status')
      .filter({ hasText: 'connected' })
      .waitFor({ state: 'attached', timeout: 20_000 });
    const frame = page.frames().find((f) => f.url().includes('Probe.xml'))!;
    const label = `${probe.mid} Probe`;

    // --- delivery, interleaved with the bare WebSocket baseline.
    const basePage = await browser.newPage();
    const bare = await bareSocket(basePage);
    const offset = await clockOffset(frame);
    const rest = `${sim.endpoints!.rest}User/agent1`;
    const auth = `Basic ${Buffer.from('agent1:agent1').toString('base64')}`;
    const start = store.lastId;
    for (let i = 0; i < ROUNDS; i++) {
      const state = i % 2 === 0 ? 'READY' : 'NOT_READY';
      const res = await fetch(rest, {
        method: 'PUT',
        headers: { Authorization: auth, 'Content-Type': 'application/xml' },
        body: `<User><state>${state}</state></User>`,
      });
      if (res.status !== 202) throw new Error(`PUT ${state}: ${res.status} ${await res.text()}`);
      await frame.waitForFunction(`window.ffdDeliveries.length >= ${i + 1}`, undefined, { polling: 1 });
      await bare.sample(i + 1);
    }
    const arrived = (await frame.evaluate('window.ffdDeliveries')) as number[];
    const relays = hubFrames(store, start, 'finesse.api.User.agent1').filter((f) =>
      parseHubFrame(f.raw)!.to.includes(label),
    );
    if (relays.length !== arrived.length)
      throw new Error(`${relays.length} User Updates published to the probe, ${arrived.length} callbacks`);
    const total: number[] = [];
    const toHub: number[] = [];
    for (let i = 0; i < relays.length; i++) {
      const xmpp = store.get(parseHubFrame(relays[i].raw)!.causedBy!);
      if (!xmpp || xmpp.kind !== 'stanza') throw new Error(`hub frame ${relays[i].id} relays no XMPP frame`);
      total.push(arrived[i] - xmpp.t);
      toHub.push(relays[i].t - xmpp.t);
    }
    let steps: object | undefined;
    if (breakdown) {
      const wsIn = (await page.evaluate('window.ffdWsIn')) as number[];
      const msgIn = (await frame.evaluate('window.ffdMsgIn')) as number[];
      const d = (xs: number[], ys: number[]) => spread(xs.slice(-ys.length).map((x, i) => ys[i] - x));
      steps = {
        hubFrameToPageWs: d(
          relays.map((f) => f.t),
          wsIn.slice(-relays.length),
        ),
        pageWsToGadgetMessage: d(wsIn.slice(-relays.length), msgIn.slice(-relays.length)),
        gadgetMessageToCallback: d(msgIn.slice(-relays.length), arrived),
        pageWsMessages: ((await page.evaluate('window.ffdWsAll')) as [number, string][]).slice(-12),
      };
    }
    const bareMs = await bare.values();
    await bare.close();
    await basePage.close();
    const deliveryP50 = pct(total, 0.5);
    const delivery = {
      rounds: total.length,
      frameToCallbackMs: spread(total),
      frameToHubFrameMs: spread(toHub),
      bareWebSocketMs: spread(bareMs),
      ratioToBare: ms(deliveryP50 / pct(bareMs, 0.5)),
      steps,
      pageClockMinusNodeMs: offset.offsetMs,
      clockReadRttMs: offset.rttMs,
      target: 'p50 <= 2 ms',
      met: deliveryP50 <= 2,
    };

    // --- flood: RATE hub messages/s for SECONDS from the probe, all captured in order.
    const floodStart = store.lastId;
    const cpu0 = process.cpuUsage();
    const sent = (await frame.evaluate(`window.ffdFlood(${RATE}, ${SECONDS})`)) as { sent: number; ms: number };
    const expected = sent.sent;
    const deadline = Date.now() + 30_000;
    let captured = hubFrames(store, floodStart, 'bench.flood');
    while (captured.length < expected && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      captured = hubFrames(store, floodStart, 'bench.flood');
    }
    await frame
      .waitForFunction(`window.ffdFloodSeen.length >= ${expected}`, undefined, { timeout: 30_000 })
      .catch(() => undefined);
    const cpu = process.cpuUsage(cpu0);
    const ns = captured.map((f) => {
      const m = parseHubFrame(f.raw)!;
      if (m.from !== label) throw new Error(`flood frame ${f.id} is from ${m.from}`);
      return (m.payload as { n: number }).n;
    });
    const firstBreak = (xs: number[]) => {
      for (let i = 0; i < xs.length; i++) if (xs[i] !== i) return { at: i, got: xs[i] };
      return null;
    };
    const seen = (await frame.evaluate('window.ffdFloodSeen')) as number[];
    const spanMs = captured.length > 1 ? captured[captured.length - 1].t - captured[0].t : NaN;
    const flood = {
      offeredPerSecond: RATE,
      seconds: SECONDS,
      published: expected,
      publishLoopMs: Math.round(sent.ms),
      captured: captured.length,
      capturedInOrder: firstBreak(ns) === null && ns.length === expected,
      firstCaptureBreak: firstBreak(ns),
      deliveredBack: seen.length,
      deliveredInOrder: firstBreak(seen) === null && seen.length === expected,
      capturedPerSecond: Math.round((captured.length / spanMs) * 1000),
      hostCpuMsPerSecond: Math.round((cpu.user + cpu.system) / 1000 / (spanMs / 1000)),
      met: captured.length === expected && firstBreak(ns) === null,
    };

    // --- render: /gadgets/ifr against the same html as a plain file, interleaved.
    const ifrUrl = `${sim.origin}/gadgets/ifr?mid=90&url=${encodeURIComponent(render.spec)}`;
    const fileUrl = `${sim.origin}${render.html}`;
    const get = async (url: string) => {
      const t0 = performance.now();
      const res = await fetch(url);
      const body = await res.text();
      if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${body.slice(0, 200)}`);
      return { ms: performance.now() - t0, bytes: body.length };
    };
    for (let i = 0; i < 10; i++) await Promise.all([get(ifrUrl), get(fileUrl)]); // warm up
    const ifr: number[] = [];
    const file: number[] = [];
    const added: number[] = [];
    let ifrBytes = 0;
    let fileBytes = 0;
    for (let i = 0; i < RENDER_ROUNDS; i++) {
      // Alternate which goes first, so neither always meets a warmer server.
      let a, b;
      if (i % 2) {
        a = await get(ifrUrl);
        b = await get(fileUrl);
      } else {
        b = await get(fileUrl);
        a = await get(ifrUrl);
      }
      ifr.push(a.ms);
      file.push(b.ms);
      added.push(a.ms - b.ms);
      ifrBytes = a.bytes;
      fileBytes = b.bytes;
    }
    const renderFigures = {
      spec: render.name,
      ifrMs: spread(ifr),
      plainFileMs: spread(file),
      addedMs: spread(added),
      ratioToFile: ms(pct(ifr, 0.5) / pct(file, 0.5)),
      ifrBytes,
      fileBytes,
      target: 'added p50 <= 50 ms',
      met: pct(added, 0.5) <= 50,
    };
    const failures = [
      !delivery.met && `delivery p50 ${ms(deliveryP50)} ms > 2 ms`,
      !flood.met && `flood: ${flood.captured}/${expected} captured, in order ${flood.capturedInOrder}`,
      !renderFigures.met && `render adds ${renderFigures.addedMs.p50} ms > 50 ms`,
    ].filter((x): x is string => !!x);
    return { delivery, flood, render: renderFigures, failures };
  } finally {
    await browser.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
