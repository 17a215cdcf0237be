// The detail pane's content (src/vscode/panel/detail.ts): masking, pretty XML, decoded Update.
import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { eventMessage, userUpdate } from '../../../../src/core/finesse/builders';
import { nodes } from '../../../../src/core/finesse/nodes';
import { plainAuth, plainPayload } from '../../../../src/core/xmpp/sasl';
import { buildDetail, copyText } from '../../../../src/vscode/panel/detail';
import { stanzaTree } from '../../../../src/vscode/panel/stanzaModel';
import { hubPublish, relayedUpdate } from '../../../support/hubFrames';

const store = new FrameStore();
const auth = store.append({ session: 's', dir: 'out', kind: 'stanza', raw: plainAuth('agent1', 'pw-secret') });
const update = store.append({
  session: 's',
  dir: 'in',
  kind: 'stanza',
  raw: eventMessage({
    from: 'pubsub.finesse.test',
    to: 'agent1@finesse.test',
    node: nodes.user('agent1'),
    itemId: 'i1',
    updateXml: userUpdate({ id: 'agent1', loginName: 'agent1' }, 'READY'),
  }),
});
const broken = store.append({ session: 's', dir: 'in', kind: 'stanza', raw: '<iq type="get"><x/>' });
const secret = plainPayload('agent1', 'pw-secret');

describe('frame detail', () => {
  it('masks the SASL payload everywhere unless revealed', () => {
    const d = buildDetail(auth);
    assert.equal(d.masked, true);
    assert.ok(!JSON.stringify(d).includes(secret));
    assert.ok(!copyText(auth, 'raw').includes(secret));
    assert.ok(!copyText(auth, 'pretty').includes(secret));
    const shown = buildDetail(auth, { reveal: true });
    assert.equal(shown.masked, false);
    assert.ok(shown.raw.includes(secret));
    assert.ok(copyText(auth, 'raw', true).includes(secret));
  });

  it('has pretty XML and the decoded Update as its own document', () => {
    const d = buildDetail(update, { actions: ['resend'] });
    assert.equal(d.label, 'User agent1 PUT → READY');
    assert.match(d.pretty ?? '', /^<message [^>]*>\n {2}<event /);
    assert.match(d.update?.xml ?? '', /^<Update>\n {2}<data>/);
    assert.equal(copyText(update, 'update'), d.update?.xml);
    assert.deepEqual(d.actions, ['resend']);
  });

  it('gives the parse error of a malformed frame and keeps its text', () => {
    const d = buildDetail(broken);
    assert.ok(d.error);
    assert.equal(d.flags.malformed, true);
    assert.equal(d.pretty, undefined);
    assert.equal(d.raw, '<iq type="get"><x/>');
    assert.equal(copyText(broken, 'pretty'), '<iq type="get"><x/>');
  });

  it('shows the original text of an edited frame', () => {
    const edited = store.append({ session: 's', dir: 'out', kind: 'stanza', raw: '<presence/>' });
    store.update(edited.id, { raw: '<presence><show>away</show></presence>', flags: { edited: true } });
    const d = buildDetail(edited);
    assert.equal(d.original, '<presence/>');
    assert.equal(copyText(edited, 'original'), '<presence/>');
  });
});

describe('frame detail of a 10,000-deep frame', () => {
  it('says why the XML is not indented, keeps the raw text, and the tree is a message, not a recursion', () => {
    const raw = '<message>' + '<a>'.repeat(10_000) + '</a>'.repeat(10_000) + '</message>';
    const deep = store.append({ session: 's', dir: 'in', kind: 'stanza', raw });
    const d = buildDetail(deep);
    assert.match(d.notice ?? '', /nested more than 200 levels deep/);
    assert.equal(d.raw, raw);
    const tree = stanzaTree(deep);
    assert.equal(tree[0].kind, 'error');
    assert.equal(tree.length, 2);
  });
});

describe('frame detail of a hub frame', () => {
  it('has the publish, the payload as indented JSON (also what Copy takes) and the relayed Update', () => {
    const updateXml = userUpdate({ id: 'agent1', loginName: 'agent1' }, 'READY', { requestId: 'r9' });
    const hub = store.append({
      session: 'desktop',
      dir: 'in',
      kind: 'hub',
      raw: relayedUpdate(nodes.user('agent1'), updateXml, { causedBy: update.id }),
    });
    const d = buildDetail(hub);
    assert.deepEqual(d.hub, {
      topic: 'finesse.api.User.agent1',
      from: 'desktop',
      to: ['1 Sample Gadget', '2 Team Gadget'],
      causedBy: update.id,
    });
    assert.equal(d.summary, 'hub finesse.api.User.agent1 desktop → 2 gadgets');
    assert.equal(d.label, 'User agent1 PUT → READY');
    const payload = JSON.parse(hub.raw).payload;
    assert.equal(d.pretty, JSON.stringify(payload, null, 2));
    assert.equal(copyText(hub, 'pretty'), d.pretty);
    assert.match(d.update?.xml ?? '', /^<Update>\n {2}<data>/);
    assert.equal(d.update?.label, 'User agent1 PUT → READY');
    assert.equal(copyText(hub, 'update'), d.update?.xml);
  });

  it('a gadget’s publish has no causedBy and no Update; a broken record shows its error and no hub part', () => {
    const own = buildDetail(
      store.append({ session: 'desktop', dir: 'out', kind: 'hub', raw: hubPublish('a.b', '3 X', [], [1]) }),
    );
    assert.deepEqual(own.hub, { topic: 'a.b', from: '3 X', to: [] });
    assert.equal(own.update, undefined);
    assert.equal(own.pretty, '[\n  1\n]');
    const bad = buildDetail(store.append({ session: 'desktop', dir: 'out', kind: 'hub', raw: '{"topic":"a.b",' }));
    assert.equal(bad.hub, undefined);
    assert.match(bad.error ?? '', /Not a hub record/);
    assert.equal(bad.pretty, undefined);
  });
});
