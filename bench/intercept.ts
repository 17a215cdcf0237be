/**
 * Intercept and validation costs:
 * - the gate on the forwarding path: ns per admitted frame for the Interceptor with no rules and
 *   with three breakpoint rules (regex, node glob, Finesse state), against a bare pass-through
 *   gate in the same run (the proxy's cost when intercept is off);
 * - validation: first call (libxml2 wasm load + schema compile), then per-stanza p50/p99 for a
 *   presence and a Finesse Dialog notification (whose escaped Update is validated too);
 * - the held-frame editor's round trip (toEditable + fromEditable) of that notification.
 */
import { FrameStore } from '../src/core/capture/frameStore';
import type { Frame } from '../src/core/capture/frame';
import type { FrameGate } from '../src/core/intercept/gate';
import { Interceptor } from '../src/core/intercept/interceptor';
import { fromEditable, toEditable } from '../src/core/intercept/editable';
import { dialogUpdate, eventMessage, userUpdate } from '../src/core/finesse/builders';
import { validateXml } from '../src/core/validation/validator';
import { classifyText } from '../src/core/xmpp/framing';

const FRAMES = Number(process.env.BENCH_INTERCEPT_FRAMES ?? 200_000);
const agent = { id: 'agent1', loginName: 'agent1' };
const JID = 'agent1@finesse.test/desktop';

function workload(store: FrameStore): Frame[] {
  const user = eventMessage({
    from: 'pubsub.finesse.test',
    to: JID,
    node: '/finesse/api/User/agent1',
    itemId: 'i',
    updateXml: userUpdate(agent, 'READY'),
  });
  const out: Frame[] = [];
  for (let i = 0; i < FRAMES; i++) {
    const raw =
      i % 10 === 0 ? user : `<iq xmlns="jabber:client" type="get" id="p${i}"><ping xmlns="urn:xmpp:ping"/></iq>`;
    out.push(store.append({ session: 's', dir: i % 10 === 0 ? 'in' : 'out', kind: classifyText(raw), raw }));
  }
  return out;
}

function nsPerFrame(gate: FrameGate, frames: Frame[]): number {
  const send = () => undefined;
  let held = 0;
  const t0 = performance.now();
  for (const f of frames) if (gate.admit(f, send) === 'hold') held++;
  const ns = ((performance.now() - t0) * 1e6) / frames.length;
  if (held) throw new Error(`${held} frames held in a pass-only run`);
  return Math.round(ns);
}

function percentiles(samples: number[]): { p50: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] * 1000) / 1000;
  return { p50: at(0.5), p99: at(0.99) };
}

async function timeValidation(text: string, n: number): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const d = await validateXml(text);
    samples.push(performance.now() - t0);
    if (d.length) throw new Error(`benchmark stanza is not valid: ${d[0].message}`);
  }
  return percentiles(samples);
}

export async function run(): Promise<object> {
  const store = new FrameStore(FRAMES + 10);
  const frames = workload(store);
  const bare: FrameGate = { admit: () => 'pass' };
  const plain = new Interceptor(store, undefined, { holdTimeoutMs: 0 });
  const ruled = new Interceptor(store, undefined, { holdTimeoutMs: 0 });
  // Rules that parse (node/state) but never match this workload, so nothing is held.
  ruled.setBreakpoints([
    { match: 'urn:xmpp:bogus' },
    { node: '/finesse/api/Team/*/Users' },
    { direction: 'in', state: 'TALKING' },
  ]);
  nsPerFrame(bare, frames); // warm-up
  nsPerFrame(plain, frames);
  const gate = {
    frames: FRAMES,
    bareNs: nsPerFrame(bare, frames),
    interceptorNoRulesNs: nsPerFrame(plain, frames),
    interceptor3RulesNs: nsPerFrame(ruled, frames),
  };

  const presence = '<presence xmlns="jabber:client"><show>dnd</show><status>On a call</status></presence>';
  const dialog = eventMessage({
    from: 'pubsub.finesse.test',
    to: JID,
    node: '/finesse/api/User/agent1/Dialogs',
    itemId: 'i',
    updateXml: dialogUpdate(agent, { id: '16777236', from: '1000', to: '2000' }, 'ACTIVE', 'PUT'),
  });
  const t0 = performance.now();
  await validateXml(presence);
  const firstValidationMs = Math.round(performance.now() - t0);
  const presenceMs = await timeValidation(presence, 500);
  const dialogMs = await timeValidation(dialog, 500);

  const rounds = 2000;
  const t1 = performance.now();
  for (let i = 0; i < rounds; i++) {
    const back = fromEditable(toEditable(dialog));
    if (!back.ok || back.raw !== dialog) throw new Error('editor round trip changed the stanza');
  }
  const editorRoundTripUs = Math.round(((performance.now() - t1) * 1000) / rounds);
  return { gate, validation: { firstValidationMs, presenceMs, dialogNotificationMs: dialogMs }, editorRoundTripUs };
}
