// Saved sessions and HAR exports are private to their owner (0600), new or overwritten.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { writeHarFile } from '../../../../src/core/recording/har';
import { openPrivate } from '../../../../src/core/recording/privateFile';
import { saveSession, SessionWriter } from '../../../../src/core/recording/writer';
import { closeSync } from 'node:fs';

describe('recording/privateFile', () => {
  let dir: string;
  const mode = (p: string) => statSync(p).mode & 0o777;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'private-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function store(): FrameStore {
    const s = new FrameStore();
    s.openSession({ id: 's1', label: 'agent1', started: 1 });
    s.append({ session: 's1', dir: 'in', kind: 'stanza', raw: '<message/>' });
    return s;
  }

  it('saved sessions and HARs are created 0600, whatever the umask allows', async () => {
    const session = join(dir, 'new.finesse-session');
    await saveSession(session, store());
    assert.equal(mode(session), 0o600);
    const har = join(dir, 'new.har');
    await writeHarFile(har, store(), []);
    assert.equal(mode(har), 0o600);
  });

  it('an existing world-readable file that is overwritten becomes 0600', async () => {
    const session = join(dir, 'old.finesse-session');
    writeFileSync(session, 'old', { mode: 0o644 });
    const writer = SessionWriter.toFile(session);
    await writer.writeAll(store());
    await writer.close();
    assert.equal(mode(session), 0o600);
    const har = join(dir, 'old.har');
    writeFileSync(har, 'old', { mode: 0o666 });
    await writeHarFile(har, store(), []);
    assert.equal(mode(har), 0o600);
  });

  it('exclusive: refuses an existing file and leaves it alone', () => {
    const file = join(dir, 'keep');
    writeFileSync(file, 'keep me');
    assert.throws(() => openPrivate(file, { exclusive: true }), { code: 'EEXIST' });
    assert.equal(readFileSync(file, 'utf8'), 'keep me');
    closeSync(openPrivate(join(dir, 'fresh'), { exclusive: true }));
  });
});
