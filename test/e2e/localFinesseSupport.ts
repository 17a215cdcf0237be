/**
 * Shared parts of the local-Finesse tests: a REST client with Basic auth (Node's fetch), a log of
 * the Finesse Updates a client received that tests wait on (events, never time), and a checker
 * that validates every Update the simulator publishes against schemas/ as it goes.
 */
import assert from 'node:assert/strict';
import { decodeUpdateText, FinesseUpdate } from '../../src/core/finesse/update';
import { eventMessage } from '../../src/core/finesse/builders';
import { validateXml } from '../../src/core/validation/validator';
import { formatDiagnostic } from '../../src/core/validation/diagnostic';
import type { FinesseSimulator } from '../../src/core/simulator/simulator';

export interface RestAnswer {
  status: number;
  text: string;
}

export function restClient(base: string, user: string, password: string) {
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return async (method: string, path: string, body?: string, requestId?: string): Promise<RestAnswer> => {
    const headers: Record<string, string> = { Authorization: auth };
    if (body) headers['Content-Type'] = 'application/xml';
    if (requestId) headers.requestId = requestId;
    const res = await fetch(new URL(path, base), { method, headers, body });
    return { status: res.status, text: await res.text() };
  };
}

/** Updates in arrival order; `next` waits for the first matching one after the last taken. */
export class UpdateLog {
  readonly all: FinesseUpdate[] = [];
  private cursor = 0;
  private waiters: { match: (u: FinesseUpdate) => boolean; resolve: (u: FinesseUpdate) => void }[] = [];

  push(node: string, text: string): void {
    const u = decodeUpdateText(text, node);
    this.all.push(u);
    this.drain();
  }

  /** The next Update (from the cursor on) that matches; earlier non-matching ones are skipped. */
  next(match: (u: FinesseUpdate) => boolean): Promise<FinesseUpdate> {
    return new Promise((resolve) => {
      this.waiters.push({ match, resolve });
      this.drain();
    });
  }

  private drain(): void {
    while (this.waiters.length) {
      const w = this.waiters[0];
      const i = this.all.findIndex((u, k) => k >= this.cursor && w.match(u));
      if (i < 0) return;
      this.cursor = i + 1;
      this.waiters.shift();
      w.resolve(this.all[i]);
    }
  }
}

export const is =
  (node: string, state: string, requestId?: string) =>
  (u: FinesseUpdate): boolean =>
    u.node === node && u.state === state && (requestId === undefined || u.requestId === requestId);

/** Validates every Update the simulator sends, as the event message a client receives. */
export function validateUpdates(sim: FinesseSimulator): { check(): Promise<number> } {
  const pending: Promise<string[]>[] = [];
  sim.on('update', (d) => {
    const stanza = eventMessage({
      from: sim.pubsubJid,
      to: `agent1@${sim.domain}/check`,
      node: d.node,
      itemId: 'check',
      updateXml: d.updateXml,
    });
    pending.push(
      validateXml(stanza).then((diags) =>
        diags.filter((x) => x.severity === 'error').map((x) => `${d.node}: ${formatDiagnostic(x)}\n${d.updateXml}`),
      ),
    );
  });
  return {
    async check() {
      const problems = (await Promise.all(pending)).flat();
      assert.deepEqual(problems, [], 'every Update the simulator sent validates against schemas/');
      return pending.length;
    },
  };
}

export const dialogIdOf = (u: FinesseUpdate): string => /<id>([^<]+)<\/id>/.exec(u.xml)?.[1] ?? '';
