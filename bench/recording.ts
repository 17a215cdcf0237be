/**
 * Session files at scale: BENCH_RECORDING_FRAMES (default 1,000,000) Finesse-shaped frames are
 * streamed to a .finesse-session file by SessionWriter and read back by SessionReader, never
 * held in memory together. Baseline in the same run: the same lines written with plain stream
 * writes (JSON.stringify, no redaction) and read with plain readline + JSON.parse (no checks).
 * Peak RSS is sampled during each phase: it stays flat whatever the frame count.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Frame } from '../src/core/capture/frame';
import { eventMessage, userUpdate } from '../src/core/finesse/builders';
import { SessionReader } from '../src/core/recording/reader';
import { saveSession } from '../src/core/recording/writer';

const FRAMES = Number(process.env.BENCH_RECORDING_FRAMES ?? 1_000_000);
const JID = 'agent1@finesse.test/desktop';

/** A realistic mix: every 10th frame a Finesse event (~1.4 kB), the rest short iqs/presence. */
function* frames(): Generator<Frame> {
  const event = eventMessage({
    from: 'pubsub.finesse.test',
    to: JID,
    node: '/finesse/api/User/agent1',
    itemId: 'i',
    updateXml: userUpdate({ id: 'agent1', loginName: 'agent1' }, 'READY', { t: 0 }),
  });
  for (let i = 1; i <= FRAMES; i++) {
    const raw =
      i % 10 === 0
        ? event
        : i % 2
          ? `<iq type="get" id="p${i}" xmlns="jabber:client"><ping xmlns="urn:xmpp:ping"/></iq>`
          : `<iq type="result" id="p${i - 1}" to="${JID}" xmlns="jabber:client"/>`;
    yield {
      id: i,
      session: 's1',
      dir: i % 2 ? 'out' : 'in',
      t: 1.7e12 + i * 0.25,
      kind: 'stanza',
      raw,
      bytes: raw.length,
      flags: {},
    };
  }
}

function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return {
    stop() {
      clearInterval(timer);
      return Math.round(Math.max(peak, process.memoryUsage().rss) / 1048576);
    },
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; peakRssMB: number; value: T }> {
  global.gc?.();
  const sampler = rssSampler();
  const t0 = performance.now();
  const value = await fn();
  return { ms: Math.round(performance.now() - t0), peakRssMB: sampler.stop(), value };
}

export async function run(): Promise<object> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-recording-'));
  try {
    const file = join(dir, 'bench.finesse-session');
    const plain = join(dir, 'plain.jsonl');
    const rssStartMB = Math.round(process.memoryUsage().rss / 1048576);

    const baselineWrite = await timed(async () => {
      const out = createWriteStream(plain);
      let chunk: string[] = [];
      for (const f of frames()) {
        chunk.push(JSON.stringify(f));
        if (chunk.length === 500) {
          if (!out.write(chunk.join('\n') + '\n')) await once(out, 'drain');
          chunk = [];
        }
      }
      out.end(chunk.length ? chunk.join('\n') + '\n' : '');
      await once(out, 'finish');
    });
    const write = await timed(() => saveSession(file, frames()));

    const baselineRead = await timed(async () => {
      let n = 0;
      for await (const line of createInterface({ input: createReadStream(plain), crlfDelay: Infinity }))
        if (JSON.parse(line).id) n++;
      return n;
    });
    const read = await timed(async () => {
      const reader = SessionReader.fromFile(file);
      let n = 0;
      for await (const f of reader.frames()) if (f.id) n++;
      if (reader.errorCount) throw new Error(`${reader.errorCount} bad lines`);
      return n;
    });
    if (read.value !== FRAMES) throw new Error(`read ${read.value} of ${FRAMES} frames`);
    const perSec = (ms: number) => Math.round((FRAMES / ms) * 1000);
    return {
      frames: FRAMES,
      fileMB: Math.round(statSync(file).size / 1048576),
      writeMs: write.ms,
      writeFramesPerSec: perSec(write.ms),
      baselineWriteMs: baselineWrite.ms,
      writeVsBaseline: Math.round((baselineWrite.ms / write.ms) * 100) / 100,
      readMs: read.ms,
      readFramesPerSec: perSec(read.ms),
      baselineReadMs: baselineRead.ms,
      readVsBaseline: Math.round((baselineRead.ms / read.ms) * 100) / 100,
      rssStartMB,
      peakRssWriteMB: write.peakRssMB,
      peakRssReadMB: read.peakRssMB,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
