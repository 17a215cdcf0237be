import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { loadSession } from '../../../../src/core/recording/reader';
import { saveSession } from '../../../../src/core/recording/writer';

describe('core/recording/reader RecordedFrames', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'finesse-recorded-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the note, the original and which request a response answers, in the new store’s ids', async () => {
    const store = new FrameStore();
    const session = store.openSession({ id: 'desk', label: 'desk' });
    const request = store.append({
      session: session.id,
      dir: 'out',
      kind: 'http',
      raw: 'PUT /finesse/api/User/agent1 HTTP/1.1\n\n<User/>',
    });
    store.append({
      session: session.id,
      dir: 'in',
      kind: 'http',
      raw: 'HTTP/1.1 202 Accepted\n\n',
      answers: request.id,
    });
    const edited = store.append({
      session: session.id,
      dir: 'in',
      kind: 'stanza',
      raw: '<presence xmlns="jabber:client"/>',
      original: '<presence/>',
      flags: { edited: true },
    });
    store.update(edited.id, { note: { starred: true, text: 'the READY that never came' } });
    const file = join(dir, 'desk.finesse-session');
    await saveSession(file, store, { sessions: [...store.sessions.values()] });

    const viewer = new FrameStore();
    const other = viewer.openSession({ id: 'other', label: 'other' });
    viewer.append({ session: other.id, dir: 'in', kind: 'text', raw: 'x' }); // ids now differ from the file's
    await loadSession(file, viewer);
    const loaded = [...viewer].filter((f) => f.session === 'desk');
    assert.equal(loaded.length, 3);
    const [req, res, stanza] = loaded;
    assert.notEqual(req.id, request.id, 'the viewer numbers frames its own way');
    assert.equal(res.answers, req.id, 'the response still names its request');
    assert.equal(stanza.original, '<presence/>');
    assert.deepEqual(stanza.note, { starred: true, text: 'the READY that never came' });
  });
});
