import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { FrameStore } from '../../../src/core/capture/frameStore';
import { FrameLines } from '../../../src/cli/output';
import { sampleEvents } from '../../support/finesseSamples';

/** A Finesse event as a desktop receives it: a line costs far more than capturing its frame. */
const agentEvent = sampleEvents[0];

/** A stdout stand-in whose reader can be stopped: writes stay pending until `go`. */
function slowStdout() {
  const lines: string[] = [];
  const pending: (() => void)[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let reading = true;
  let writes = 0;
  const out = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) {
      writes++;
      const take = () => {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        for (const w of waiters.filter((w) => lines.length >= w.count)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
        done();
      };
      if (reading) setImmediate(take);
      else pending.push(take);
    },
  });
  return {
    out,
    lines,
    /** Writes made so far (each one a system call on a real pipe). */
    writes: () => writes,
    stop: () => (reading = false),
    go: () => {
      reading = true;
      for (const t of pending.splice(0)) t();
    },
    /** Resolves once `count` lines have been read. */
    until: (count: number) =>
      new Promise<void>((resolve) => (lines.length >= count ? resolve() : waiters.push({ count, resolve }))),
  };
}

const append = (store: FrameStore, i: number) =>
  store.append({ session: 's', dir: 'in', kind: 'stanza', raw: `<message id="m${i}"/>` });

describe('FrameLines (CLI JSON lines)', () => {
  it('prints every frame once, in order, in batched writes, and flushes on close', async () => {
    const store = new FrameStore(1000);
    const stdout = slowStdout();
    const lines = new FrameLines(store, stdout.out, { chunkBytes: 300 });
    for (let i = 0; i < 50; i++) append(store, i);
    await once(store, 'append');
    for (let i = 50; i < 60; i++) append(store, i);
    await lines.close();
    await new Promise((r) => stdout.out.end(r));
    assert.deepEqual(
      stdout.lines.map((l) => JSON.parse(l).id),
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    assert.equal(lines.printed, 60);
    assert.equal(lines.skipped, 0);
  });

  it('holds nothing for a reader that stops: frames the store evicted meanwhile are counted, not queued', async () => {
    const store = new FrameStore(1000);
    const stdout = slowStdout();
    const skipped: number[] = [];
    const lines = new FrameLines(store, stdout.out, { chunkBytes: 200, onSkipped: (n) => skipped.push(n) });
    stdout.stop();
    for (let i = 0; i < 3000; i++) append(store, i);
    await once(store, 'append');
    // The writer is waiting for 'drain' with at most one chunk handed out.
    assert.ok(stdout.out.writableLength <= 400, `${stdout.out.writableLength} bytes queued`);
    stdout.go();
    await lines.close();
    await new Promise((r) => stdout.out.end(r));
    const ids = stdout.lines.map((l) => JSON.parse(l).id as number);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
      'in order',
    );
    assert.equal(new Set(ids).size, ids.length, 'each once');
    assert.equal(ids[ids.length - 1], 3000);
    assert.equal(lines.printed + lines.skipped, 3000);
    assert.ok(lines.skipped > 0 && skipped.reduce((a, b) => a + b, 0) === lines.skipped);
  });

  it('a reader always behind is told about lost frames at most once per interval, with the total, and the rest on close', async () => {
    const store = new FrameStore(100);
    const stdout = slowStdout();
    const notices: [number, number][] = [];
    const lines = new FrameLines(store, stdout.out, {
      chunkBytes: 200,
      noticeMs: 60_000,
      onSkipped: (n, total) => notices.push([n, total]),
    });
    // Many batches, each evicting frames the writer has not reached: a new gap every time.
    for (let batch = 0; batch < 20; batch++) {
      for (let i = 0; i < 150; i++) append(store, batch * 150 + i);
      await once(store, 'append');
    }
    assert.equal(notices.length, 1, 'one notice within the interval, however many gaps');
    await lines.close();
    await new Promise((r) => stdout.out.end(r));
    assert.equal(notices.length, 2, 'what is left is told on close');
    assert.equal(notices[1][1], lines.skipped);
    assert.equal(notices[0][0] + notices[1][0], lines.skipped);
    assert.equal(lines.printed + lines.skipped, 3000);
  });

  it('prints a stream it can follow as it comes, line by line, while frames keep arriving', async () => {
    const store = new FrameStore(10_000);
    const stdout = slowStdout();
    const lines = new FrameLines(store, stdout.out);
    // An agent's events as a desktop sees them: one every few milliseconds, not a burst.
    let behind = 0;
    for (let i = 0; i < 100; i++) {
      store.append({ session: 's', dir: 'in', kind: 'stanza', raw: agentEvent });
      await new Promise((r) => setTimeout(r, 2));
      behind = Math.max(behind, store.lastId - lines.printed);
    }
    // Holding lines back as for a burst would leave them all for after the stream.
    // (A line or two may wait a turn while the event loop still looks busy from the set-up.)
    assert.ok(behind <= 3, `${behind} lines behind a stream printing can follow`);
    await lines.close();
    assert.equal(lines.printed, 100);
  });

  it('yields to forwarding while frames keep arriving, then prints the whole burst in order once it ends', async () => {
    const store = new FrameStore(10_000);
    const stdout = slowStdout();
    const lines = new FrameLines(store, stdout.out);
    // A burst: 50 frames captured on each of 120 turns of the event loop.
    let atHalf = { writes: 0, printed: 0 };
    for (let turn = 0; turn < 120; turn++) {
      for (let i = 0; i < 50; i++) store.append({ session: 's', dir: 'in', kind: 'stanza', raw: agentEvent });
      await new Promise((r) => setImmediate(r));
      if (turn === 59) atHalf = { writes: stdout.writes(), printed: lines.printed };
    }
    const duringBurst = lines.printed;
    // Printing as they come would have written most of them by now (with busyShare 1).
    assert.ok(duringBurst < 1200, `${duringBurst} of 6000 lines printed while frames kept arriving`);
    // And in its second half, the flood long recognised, what was printed went out in whole
    // chunks (~50 of these lines), not a write per turn.
    const writes = stdout.writes() - atHalf.writes;
    const printed = duringBurst - atHalf.printed;
    assert.ok(writes <= printed / 40 + 1, `${writes} writes for ${printed} lines`);
    // Quiet now: the rest goes out without any further frame to wake the writer.
    await stdout.until(6000);
    assert.deepEqual(
      stdout.lines.map((l) => JSON.parse(l).id),
      Array.from({ length: 6000 }, (_, i) => i + 1),
    );
    await lines.close();
    assert.equal(lines.skipped, 0);
  });
});
