// The header of a file that follows a live store lists the sessions it holds.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { readSessionFile } from '../../../../src/core/recording/reader';
import { SessionWriter } from '../../../../src/core/recording/writer';

describe('recording/writer header when following an empty store', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'header-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('waits for the first record, so the header lists the session, once', async () => {
    const file = join(dir, 'followed.finesse-session');
    const s = new FrameStore();
    const writer = SessionWriter.toFile(file);
    writer.follow(s);
    s.openSession({ id: 'c1', label: 'client 1', target: 'ws://x/ws/', started: 5 });
    s.append({
      session: 'c1',
      dir: 'out',
      kind: 'open',
      raw: '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="d" version="1.0"/>',
    });
    await new Promise<void>((r) => s.once('append', () => r()));
    await writer.close();
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(lines[0].sessions, [{ id: 'c1', label: 'client 1', started: 5, target: 'ws://x/ws/' }]);
    assert.equal(lines[0].target, 'ws://x/ws/');
    assert.equal(lines.filter((l) => 'sessionInfo' in l).length, 0, 'not repeated as a sessionInfo line');
    const read = await readSessionFile(file);
    assert.deepEqual(read.errors, []);
    assert.equal(read.sessions.length, 1);
  });
});
