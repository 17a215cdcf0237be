// SessionReader: reads what is readable and names every bad line; only a file that is not a
// session at all (or from a newer version) is refused.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { loadSession, readSessionFile } from '../../../../src/core/recording/reader';
import { SessionFileError } from '../../../../src/core/recording/format';

const fixture = (name: string) => join(__dirname, '../../../fixtures', name);

describe('recording/reader', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'reader-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const header = JSON.stringify({
    format: 'finesse-session',
    version: 1,
    created: '2024-01-01T00:00:00.000Z',
    sessions: [],
    tool: { name: 'finesse-frames', version: '0' },
  });
  const frame = (id: number, extra: object = {}) =>
    JSON.stringify({
      id,
      session: 's',
      dir: 'in',
      t: id,
      kind: 'stanza',
      raw: `<message id="${id}"/>`,
      bytes: 18,
      flags: {},
      ...extra,
    });
  const end = (n: number) => JSON.stringify({ end: { frames: n, ended: '2024-01-01T00:00:01.000Z' } });

  it('reads the corrupt fixture: good frames kept, each bad line named, the cut-short last line too', async () => {
    const read = await readSessionFile(fixture('corrupt.finesse-session'));
    assert.deepEqual(
      read.frames.map((f) => f.id),
      [1, 3, 5, 6],
    );
    assert.deepEqual(
      read.errors.map((e) => e.line),
      [3, 5, 8],
    );
    assert.match(read.errors[0].message, /not JSON/);
    assert.match(read.errors[1].message, /dir must be "in" or "out"/);
    assert.match(read.errors[2].message, /cut short/);
    assert.equal(read.truncated, true);
    assert.equal(read.header.target, 'ws://127.0.0.1:5280/ws');
  });

  it('a file cut at a line boundary reads fully and says it has no end record', async () => {
    const read = await readSessionFile(file('cut.finesse-session', [header, frame(1), frame(2)].join('\n') + '\n'));
    assert.equal(read.frames.length, 2);
    assert.equal(read.truncated, true);
    assert.deepEqual(
      read.errors.map((e) => e.line),
      [4],
    );
    assert.match(read.errors[0].message, /without its end record/);
  });

  it('a clean file has no errors; blank lines and CRLF are fine', async () => {
    const read = await readSessionFile(
      file('clean.finesse-session', [header, frame(1), '', frame(2), end(2)].join('\r\n') + '\r\n'),
    );
    assert.deepEqual(read.errors, []);
    assert.equal(read.truncated, false);
    assert.deepEqual(
      read.frames.map((f) => f.raw),
      ['<message id="1"/>', '<message id="2"/>'],
    );
  });

  it('checks every field of untrusted lines and drops unknown ones', async () => {
    const read = await readSessionFile(
      file(
        'fields.finesse-session',
        [
          header,
          frame(1, { kind: 'evil' }),
          frame(2, { t: 'yesterday' }),
          frame(3, { raw: 42 }),
          frame(4, { flags: { held: true, admin: true, edited: 'yes' }, extra: '<script>' }),
          JSON.stringify([1, 2]),
          frame(5),
          end(5),
          frame(6),
        ].join('\n'),
      ),
    );
    assert.deepEqual(
      read.frames.map((f) => f.id),
      [4, 5],
    );
    assert.deepEqual(read.frames[0].flags, { held: true });
    assert.equal((read.frames[0] as unknown as Record<string, unknown>).extra, undefined);
    assert.deepEqual(
      read.errors.map((e) => e.line),
      [2, 3, 4, 6, 9],
    );
    assert.match(read.errors[4].message, /after the end record/);
  });

  it('a damaged header: read on when the next lines are frames, naming line 1', async () => {
    const read = await readSessionFile(
      file('badheader.finesse-session', ['{"format":"finesse-sess', frame(1), end(1)].join('\n')),
    );
    assert.equal(read.frames.length, 1);
    assert.equal(read.errors[0].line, 1);
    assert.match(read.errors[0].message, /unreadable session header/);
  });

  it('refuses what is not a session file, an empty file, and a newer version, naming the line', async () => {
    await assert.rejects(
      readSessionFile(fixture('chrome-devtools.har')),
      (e: Error) => e instanceof SessionFileError && /line 1: not a finesse-session file/.test(e.message),
    );
    await assert.rejects(readSessionFile(file('empty.finesse-session', '\n\n')), /empty/);
    const newer = header.replace('"version":1', '"version":99');
    await assert.rejects(
      readSessionFile(file('newer.finesse-session', `${newer}\n${frame(1)}\n`)),
      /newer finesse-frames \(format version 99\)/,
    );
  });

  it('caps the kept errors but counts them all', async () => {
    const lines = [header, ...Array.from({ length: 500 }, () => 'garbage'), frame(1), end(1)];
    const read = await readSessionFile(file('garbage.finesse-session', lines.join('\n')), { maxErrors: 10 });
    assert.equal(read.errors.length, 10);
    assert.equal(read.errorCount, 500);
    assert.equal(read.frames.length, 1);
  });

  it('loadSession fills a FrameStore with the recorded sessions, times and flags', async () => {
    const s = { id: 'a', label: 'agent1', target: 'ws://x/ws', started: 5 };
    const h = header.replace('"sessions":[]', `"sessions":[${JSON.stringify(s)}]`);
    const p = file(
      'load.finesse-session',
      [
        h,
        frame(7, { session: 'a', flags: { edited: true }, original: '<m/>' }),
        frame(9, { session: 'b' }),
        JSON.stringify({ sessionInfo: { ...s, ended: 99 } }),
        end(2),
      ].join('\n'),
    );
    const store = new FrameStore();
    const result = await loadSession(p, store);
    assert.equal(result.frames, 2);
    assert.deepEqual(result.errors, []);
    const frames = [...store];
    assert.deepEqual(
      frames.map((f) => [f.id, f.session, f.t, f.flags, f.original]),
      [
        [1, 'a', 7, { edited: true }, '<m/>'],
        [2, 'b', 9, {}, undefined],
      ],
    );
    assert.equal(store.sessions.get('a')?.ended, 99);
    assert.equal(store.sessions.get('a')?.target, 'ws://x/ws');
    assert.ok(store.sessions.has('b'));
  });
});
