// SessionWriter: streams frames (given, or following a live FrameStore) as JSON lines, always
// redacting SASL payloads and configured secrets, with an end record on close.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { plainAuth } from '../../../../src/core/xmpp/sasl';
import { saveSession, SessionWriter } from '../../../../src/core/recording/writer';
import { readSessionFile, SessionReader } from '../../../../src/core/recording/reader';

/** An output that takes nothing until close(): the writer falls behind while frames arrive. */
function stuckOutput() {
  const chunks: string[] = [];
  const stuck: (() => void)[] = [];
  const out = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      stuck.push(cb);
    },
  });
  return {
    out,
    /** Closes the writer, letting the output take each write as it comes from then on. */
    async close(writer: SessionWriter) {
      const closed = writer.close();
      while (stuck.length || !chunks.join('').includes('"end"')) {
        stuck.shift()?.();
        await new Promise((r) => setImmediate(r));
      }
      return closed;
    },
    /** Every record written, parsed. */
    records: () =>
      chunks
        .join('')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { id?: number; raw?: string; sessionInfo?: { ended?: number } }),
  };
}

describe('recording/writer', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'writer-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function storeWithLogin(password: string): FrameStore {
    const store = new FrameStore();
    store.openSession({ id: 's1', label: 'agent1@finesse.test', target: 'ws://127.0.0.1:1/ws', started: 1000 });
    store.append({
      session: 's1',
      dir: 'out',
      kind: 'open',
      raw: '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test" version="1.0"/>',
    });
    store.append({ session: 's1', dir: 'out', kind: 'stanza', raw: plainAuth('agent1', password) });
    store.append({
      session: 's1',
      dir: 'in',
      kind: 'stanza',
      raw: '<success xmlns="urn:ietf:params:xml:ns:xmpp-sasl"/>',
    });
    store.append({
      session: 's1',
      dir: 'out',
      kind: 'stanza',
      raw: `<message><body>my password is ${password}</body></message>`,
      flags: { injected: true },
    });
    return store;
  }

  it('writes a header, one line per frame and an end record; SASL and secrets redacted', async () => {
    const file = join(dir, 'a.finesse-session');
    const store = storeWithLogin('pw-Secret-42');
    const summary = await saveSession(file, store, {
      sessions: [...store.sessions.values()],
      secrets: ['pw-Secret-42'],
    });
    assert.deepEqual(summary, { frames: 4, lost: 0, redacted: 2 });
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes('pw-Secret-42'));
    assert.ok(!text.includes(Buffer.from('\0agent1\0pw-Secret-42').toString('base64')));
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 6);
    const header = JSON.parse(lines[0]);
    assert.equal(header.format, 'finesse-session');
    assert.equal(header.version, 1);
    assert.equal(header.target, 'ws://127.0.0.1:1/ws');
    assert.equal(header.sessions[0].label, 'agent1@finesse.test');
    assert.equal(header.tool.name, 'finesse-frames');
    assert.match(JSON.parse(lines[2]).raw, />\[redacted\]<\/auth>$/);
    assert.equal(JSON.parse(lines[4]).raw, '<message><body>my password is [redacted]</body></message>');
    assert.deepEqual(JSON.parse(lines[4]).flags, { injected: true });
    assert.equal(JSON.parse(lines[5]).end.frames, 4);
  });

  it('follows a store: frames held at follow() and frames appended later, in order, plus session ends', async () => {
    const file = join(dir, 'follow.finesse-session');
    const store = storeWithLogin('x');
    const writer = SessionWriter.toFile(file);
    writer.follow(store);
    for (let i = 0; i < 1000; i++)
      store.append({ session: 's1', dir: 'in', kind: 'stanza', raw: `<message id="m${i}"/>` });
    store.endSession('s1');
    await new Promise<void>((r) => store.once('append', () => r()));
    store.append({ session: 's1', dir: 'in', kind: 'stanza', raw: '<message id="last"/>' });
    const summary = await writer.close();
    assert.equal(summary.frames, 1005);
    const read = await readSessionFile(file);
    assert.deepEqual(read.errors, []);
    assert.equal(read.truncated, false);
    assert.deepEqual(
      read.frames.map((f) => f.id),
      [...store].map((f) => f.id),
    );
    assert.equal(read.frames.at(-1)?.raw, '<message id="last"/>');
    assert.ok(read.sessions[0].ended, 'the session end written after the header is read back');
  });

  it('waits for drain: a slow output receives every line, in order', async () => {
    const chunks: string[] = [];
    let pending = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk, _enc, cb) {
        chunks.push(String(chunk));
        pending++;
        setImmediate(() => {
          pending--;
          cb();
        });
      },
    });
    const writer = new SessionWriter(slow, { chunkBytes: 512 });
    const frames = Array.from({ length: 2000 }, (_, i) => ({
      id: i + 1,
      session: 's',
      dir: 'in' as const,
      t: i,
      kind: 'stanza' as const,
      raw: `<message id="${i}"/>`,
      bytes: 10,
      flags: {},
    }));
    await writer.writeAll(frames);
    await writer.close();
    assert.equal(pending, 0);
    const lines = chunks.join('').trimEnd().split('\n');
    assert.equal(lines.length, 2002);
    assert.deepEqual(
      lines.slice(1, -1).map((l) => JSON.parse(l).id),
      frames.map((f) => f.id),
    );
  });

  it('a frame the store let go and whose bytes it reused while the output was stuck counts as lost, never as empty text', async () => {
    const output = stuckOutput();
    const store = new FrameStore(100_000, { maxBytes: 1024 * 1024 });
    const writer = new SessionWriter(output.out, { chunkBytes: 512 });
    writer.follow(store);
    const text = (i: number) => `<message id="m${i}"><body>${'x'.repeat(300 + (i % 100))}</body></message>`;
    const UTF8 = (buf: Buffer, start: number, end: number) => buf.toString('utf8', start, end);
    let captured = 0;
    // Ten budgets over several turns, as the proxy captures them, while the output takes nothing.
    for (let turn = 0; turn < 20; turn++) {
      for (let k = 0; k < 1500; k++, captured++) {
        const chunk = Buffer.from(text(captured));
        store.appendLazy(
          { session: 's', dir: 'in', kind: 'stanza', bytes: chunk.length },
          chunk,
          0,
          chunk.length,
          UTF8,
        );
      }
      await new Promise((r) => setImmediate(r));
    }
    const summary = await output.close(writer);
    const frames = output.records().filter((r) => r.id !== undefined);
    for (const f of frames) assert.equal(f.raw, text((f.id as number) - 1), `frame ${f.id}`);
    assert.ok(summary.lost > 0, 'the writer fell behind by more than the store holds');
    assert.equal(summary.frames + summary.lost, captured);
  });

  it('a writer stuck behind holds no more than the store does: frames the store let go count as lost, not kept', async () => {
    const output = stuckOutput();
    const store = new FrameStore(100);
    store.openSession({ id: 's', label: 'agent1' });
    const writer = new SessionWriter(output.out, { chunkBytes: 512 });
    writer.follow(store);
    for (let turn = 0; turn < 100; turn++) {
      for (let k = 0; k < 100; k++)
        store.append({ session: 's', dir: 'in', kind: 'stanza', raw: `<message id="m${turn}-${k}"/>` });
      await new Promise((r) => setImmediate(r));
    }
    store.endSession('s');
    const summary = await output.close(writer);
    const records = output.records();
    const ids = records.filter((r) => r.id !== undefined).map((r) => r.id as number);
    assert.equal(summary.frames + summary.lost, 10_000);
    // Written: what the output took before it stuck (its 16 KB buffer), then the store's last 100.
    assert.ok(summary.lost > 9_000, `lost ${summary.lost}: the writer kept frames the store had let go`);
    assert.deepEqual(
      ids.slice(-100),
      [...store].map((f) => f.id),
    );
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
      'in order',
    );
    assert.ok(
      records.some((r) => r.sessionInfo?.ended),
      'the session end is written too',
    );
  });

  it('following a store, it yields to a flood of frames and writes them all once the flood ends', async () => {
    const written: number[] = [];
    let all: () => void;
    const allWritten = new Promise<void>((r) => (all = r));
    const out = new Writable({
      write(chunk, _enc, cb) {
        for (const line of String(chunk).split('\n'))
          if (line.startsWith('{"id"')) written.push((JSON.parse(line) as { id: number }).id);
        if (written.length >= 6000) all();
        setImmediate(cb);
      },
    });
    const store = new FrameStore(10_000);
    const writer = new SessionWriter(out);
    writer.follow(store);
    const raw = `<message><body>${'x'.repeat(1000)}</body></message>`;
    // A flood: 50 frames captured on each of 120 turns, as a proxy forwarding at full speed.
    for (let turn = 0; turn < 120; turn++) {
      for (let k = 0; k < 50; k++) store.append({ session: 's', dir: 'in', kind: 'stanza', raw });
      await new Promise((r) => setImmediate(r));
    }
    const duringFlood = written.length;
    // Writing every frame as it came would have written most of them by now (followShare 1).
    assert.ok(duringFlood < 1200, `${duringFlood} of 6000 frames written while they kept coming`);
    // Quiet now: the rest is written without another frame or close() to wake the writer.
    await allWritten;
    assert.deepEqual(
      written,
      Array.from({ length: 6000 }, (_, i) => i + 1),
    );
    const summary = await writer.close();
    assert.equal(summary.lost, 0);
  });

  it('reports an output error from close() instead of losing it', async () => {
    const broken = new PassThrough();
    const writer = new SessionWriter(broken);
    await writer.write({ id: 1, session: 's', dir: 'in', t: 1, kind: 'text', raw: ' ', bytes: 1, flags: {} });
    broken.destroy(new Error('disk full'));
    await assert.rejects(writer.close(), /disk full/);
  });

  it('a file of many frames streams through writer and reader (bounded memory: nothing is collected)', async () => {
    const file = join(dir, 'many.finesse-session');
    const count = 50_000;
    async function* generate() {
      for (let i = 1; i <= count; i++)
        yield {
          id: i,
          session: 's',
          dir: (i % 2 ? 'in' : 'out') as 'in' | 'out',
          t: 1e12 + i,
          kind: 'stanza' as const,
          raw: `<message id="${i}"><body>${'x'.repeat(i % 50)}</body></message>`,
          bytes: 40,
          flags: {},
        };
    }
    await saveSession(file, generate());
    const reader = SessionReader.fromFile(file);
    let n = 0;
    let lastId = 0;
    for await (const f of reader.frames()) {
      n++;
      assert.equal(f.id, lastId + 1);
      lastId = f.id;
    }
    assert.equal(n, count);
    assert.equal(reader.end?.frames, count);
    assert.deepEqual(reader.errors, []);
  });

  it('keeps the stars and comments put on frames, redacted like the frames, and reads them back', async () => {
    const file = join(dir, 'notes.finesse-session');
    const store = storeWithLogin('pw-Note-7');
    store.update(1, { note: { starred: true } });
    store.update(3, { note: { text: 'login ok; the password pw-Note-7 was typed here' } });
    await saveSession(file, store, { sessions: [...store.sessions.values()], secrets: ['pw-Note-7'] });
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes('pw-Note-7'), 'a comment is redacted like frame text');
    const read = await readSessionFile(file);
    assert.deepEqual(read.frames[0].note, { starred: true });
    assert.match(read.frames[2].note?.text ?? '', /^login ok; the password .+ was typed here$/);
    assert.equal(read.frames[1].note, undefined);
    assert.deepEqual(read.errors, []);
  });
});
