// Migrations: a v0 (prototype) file reads as the current version, line by line; the step
// chain is applied in order and refuses gaps and newer versions.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readSessionFile } from '../../../../src/core/recording/reader';
import { Migration, Migrator } from '../../../../src/core/recording/migrations';
import { SESSION_VERSION } from '../../../../src/core/recording/format';

describe('recording/migrations', () => {
  it('reads the v0 fixture as current frames', async () => {
    const read = await readSessionFile(join(__dirname, '../../../fixtures/v0.finesse-session'));
    assert.equal(read.fileVersion, 0);
    assert.equal(read.header.version, SESSION_VERSION);
    assert.equal(read.header.target, 'ws://127.0.0.1:5280/ws');
    assert.equal(read.header.created, '2024-05-14T09:20:00.000Z');
    assert.deepEqual(read.errors, []);
    assert.equal(read.truncated, false, 'v0 had no end record; its absence is no error');
    assert.deepEqual(
      read.frames.map((f) => [f.id, f.dir, f.kind]),
      [
        [1, 'out', 'open'],
        [2, 'in', 'open'],
        [3, 'in', 'stanza'],
        [4, 'out', 'text'],
        [5, 'in', 'binary'],
        [6, 'out', 'close'],
      ],
    );
    // Text frames count their UTF-8 bytes; the binary frame (base64 AQID) its 3 decoded bytes.
    assert.deepEqual(
      read.frames.map((f) => f.bytes),
      read.frames.map((f) => (f.kind === 'binary' ? 3 : Buffer.byteLength(f.raw))),
    );
    assert.ok(read.frames.every((f) => f.session === 'session-1'));
    assert.equal(read.sessions[0].target, 'ws://127.0.0.1:5280/ws');
  });

  it('chains steps in order, header once and every record through each step', () => {
    const table: Migration[] = [
      { from: 0, to: 1, header: (h) => ({ ...h, version: 1, a: true }), record: (r) => ({ ...(r as object), one: 1 }) },
      {
        from: 1,
        to: 2,
        header: (h) => ({ ...h, version: 2, b: h.a }),
        record: (r, h) => ({ ...(r as object), two: h.a }),
      },
    ];
    const m = new Migrator({ format: 'finesse-session' }, 2, table);
    assert.deepEqual(m.header, { format: 'finesse-session', version: 2, a: true, b: true });
    assert.deepEqual(m.record({ x: 0 }), { x: 0, one: 1, two: true });
    assert.equal(new Migrator({ format: 'finesse-session', version: 2 }, 2, table).needed, false);
    assert.throws(
      () => new Migrator({ format: 'finesse-session', version: 0 }, 3, table),
      /no migration from format version 2/,
    );
    assert.throws(() => new Migrator({ format: 'finesse-session', version: 3 }, 2, table), /newer/);
    assert.throws(() => new Migrator({ format: 'finesse-session', version: 'x' }, 2, table), /unknown format version/);
  });
});
