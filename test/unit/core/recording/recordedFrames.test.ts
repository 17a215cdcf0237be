import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { loadSession } from '../../../../src/core/recording/reader';
import { saveSession } from '../../../../src/core/recording/writer';
import { frameView } from '../../../../src/core/capture/frameView';
import { hubPublish, relayedUpdate } from '../../../support/hubFrames';

/** A fixed capture time: nothing here reads the clock. */
const T0 = 1_767_000_000_000;

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

  it('keeps hub frames, each still naming the XMPP frame it relays, in the new store’s ids', async () => {
    const store = new FrameStore();
    store.openSession({ id: 'desk', label: 'desktop', started: T0 });
    store.append({ session: 'desk', dir: 'in', kind: 'text', raw: ' ', t: T0 });
    const xmpp = store.append({ session: 'desk', dir: 'in', kind: 'stanza', raw: '<message/>', t: T0 + 1 });
    const relayed = relayedUpdate('/finesse/api/User/1001', '<Update><event>PUT</event></Update>', {
      causedBy: xmpp.id,
    });
    const hub = store.append({ session: 'desk', dir: 'in', kind: 'hub', raw: relayed, t: T0 + 2 });
    // Edited: the original names the same frame.
    store.update(hub.id, {
      raw: relayed.replace('"desktop"', '"desktop "'),
      original: relayed,
      flags: { edited: true },
    });
    const own = store.append({
      session: 'desk',
      dir: 'out',
      kind: 'hub',
      raw: hubPublish('a.b', '3 G', [], 1),
      t: T0 + 3,
    });
    const file = join(dir, 'hub.finesse-session');
    await saveSession(file, store, { sessions: [...store.sessions.values()] });

    const viewer = new FrameStore();
    viewer.openSession({ id: 'other', label: 'other', started: T0 });
    for (let i = 0; i < 5; i++) viewer.append({ session: 'other', dir: 'in', kind: 'text', raw: 'x', t: T0 });
    await loadSession(file, viewer);
    const loaded = [...viewer].filter((f) => f.session === 'desk');
    const [, stanza, hubFrame, ownFrame] = loaded;
    assert.equal(hubFrame.kind, 'hub');
    assert.notEqual(stanza.id, xmpp.id, 'the viewer numbers frames its own way');
    assert.equal(frameView(hubFrame).hub?.causedBy, stanza.id, 'the hub frame names the relayed frame’s new id');
    assert.equal(frameView(hubFrame).hub?.from, 'desktop ', 'the edit is kept');
    assert.equal(JSON.parse(hubFrame.original ?? '').causedBy, stanza.id);
    assert.equal(ownFrame.raw, own.raw, 'a record that names no frame is kept byte for byte');
    assert.equal(frameView(hubFrame).finesse?.event, 'PUT');
  });
});
