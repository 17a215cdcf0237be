/**
 * The cost of the one redaction every output applies to every frame (saved sessions, HAR, the
 * CLI's JSON lines, rows): nanoseconds per frame for a Finesse Update (~1.2 kB), a short iq and
 * a SASL <auth>, against JSON.stringify of the same frame record in the same run (work each
 * output does anyway), so the figure reads as "redaction adds x of the line's own cost".
 */
import type { Frame } from '../src/core/capture/frame';
import { eventMessage, userUpdate } from '../src/core/finesse/builders';
import { plainAuth, redact } from '../src/core/xmpp/sasl';

const N = Number(process.env.BENCH_REDACTION_FRAMES ?? 200_000);

function nsPer(fn: () => unknown): number {
  for (let i = 0; i < 10_000; i++) fn(); // warm up
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn();
  return Number(process.hrtime.bigint() - t) / N;
}

export async function run(): Promise<object> {
  const samples: Record<string, string> = {
    update: eventMessage({
      from: 'pubsub.finesse.test',
      to: 'agent1@finesse.test/desktop',
      node: '/finesse/api/User/agent1',
      itemId: 'i',
      updateXml: userUpdate({ id: 'agent1', loginName: 'agent1' }, 'READY', { t: 0 }),
    }),
    iq: '<iq type="result" id="p1" to="agent1@finesse.test/desktop" xmlns="jabber:client"/>',
    auth: plainAuth('agent1', 'agent1-password'),
  };
  const out: Record<string, number> = {};
  for (const [name, raw] of Object.entries(samples)) {
    const frame: Frame = {
      id: 1,
      session: 's',
      dir: 'in',
      t: 1.7e12,
      kind: 'stanza',
      raw,
      bytes: raw.length,
      flags: {},
    };
    const redactNs = nsPer(() => redact(raw));
    const jsonNs = nsPer(() => JSON.stringify(frame));
    out[`${name}RedactNs`] = Math.round(redactNs);
    out[`${name}JsonNs`] = Math.round(jsonNs);
    out[`${name}Ratio`] = Math.round((redactNs / jsonNs) * 100) / 100;
  }
  return { frames: N, ...out };
}
