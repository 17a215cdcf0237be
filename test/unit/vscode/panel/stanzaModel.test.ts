// The Stanza tree's model (src/vscode/panel/stanzaModel.ts): elements, attributes, text, the
// escaped Finesse Update decoded as a subtree, masking and malformed frames.
import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { eventMessage, userUpdate } from '../../../../src/core/finesse/builders';
import { nodes } from '../../../../src/core/finesse/nodes';
import { plainAuth, plainPayload } from '../../../../src/core/xmpp/sasl';
import { StanzaNode, stanzaTree } from '../../../../src/vscode/panel/stanzaModel';
import { hubPublish, relayedUpdate } from '../../../support/hubFrames';

function frameOf(raw: string, kind: 'stanza' | 'text' | 'ping' = 'stanza') {
  const store = new FrameStore();
  return store.append({ session: 's', dir: 'in', kind, raw });
}

function find(nodes: StanzaNode[], pred: (n: StanzaNode) => boolean): StanzaNode | undefined {
  for (const n of nodes) {
    if (pred(n)) return n;
    if (n.kind === 'element') {
      const hit = find(n.children, pred);
      if (hit) return hit;
    }
  }
  return undefined;
}

describe('stanza tree model', () => {
  it('lists elements with their attributes and text', () => {
    const [root] = stanzaTree(
      frameOf(
        '<iq type="result" id="b1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>agent1@finesse.test/desktop</jid></bind></iq>',
      ),
    );
    assert.equal(root.kind, 'element');
    assert.ok(root.kind === 'element');
    assert.equal(root.name, 'iq');
    assert.deepEqual(
      root.children.filter((c) => c.kind === 'attribute').map((c) => c.kind === 'attribute' && `${c.name}=${c.value}`),
      ['type=result', 'id=b1'],
    );
    const jid = find([root], (n) => n.kind === 'text');
    assert.deepEqual(jid && jid.kind === 'text' && jid.text, 'agent1@finesse.test/desktop');
    const ids = new Set<string>();
    find([root], (n) => {
      assert.ok(!ids.has(n.id), `unique id ${n.id}`);
      ids.add(n.id);
      return false;
    });
  });

  it('decodes the escaped Update inside <notification> as a subtree with its label', () => {
    const raw = eventMessage({
      from: 'pubsub.finesse.test',
      to: 'agent1@finesse.test',
      node: nodes.user('agent1'),
      itemId: 'i1',
      updateXml: userUpdate({ id: 'agent1', loginName: 'agent1' }, 'TALKING'),
    });
    const tree = stanzaTree(frameOf(raw));
    const update = find(tree, (n) => n.kind === 'element' && !!n.decoded);
    assert.ok(update && update.kind === 'element');
    assert.equal(update.name, 'Update');
    assert.equal(update.decoded?.label, 'User agent1 PUT → TALKING');
    const state = find([update], (n) => n.kind === 'element' && n.name === 'state');
    assert.ok(state && state.kind === 'element');
    assert.deepEqual(
      state.children.map((c) => c.kind === 'text' && c.text),
      ['TALKING'],
    );
    const escaped = find(tree, (n) => n.kind === 'text' && !!n.escapedUpdate);
    assert.ok(escaped && escaped.kind === 'text' && escaped.text.startsWith('<Update>'));
  });

  it('masks a SASL payload', () => {
    const tree = stanzaTree(frameOf(plainAuth('agent1', 'pw-secret')));
    const text = find(tree, (n) => n.kind === 'text');
    assert.deepEqual(text && text.kind === 'text' && text.text, '[redacted]');
    assert.ok(!JSON.stringify(tree).includes(plainPayload('agent1', 'pw-secret')));
  });

  it('shows the parse error and the raw text of a malformed frame, and describes non-XML frames', () => {
    const broken = stanzaTree(frameOf('<message><body>cut'));
    assert.equal(broken[0].kind, 'error');
    assert.equal(broken[1].kind === 'text' && broken[1].text, '<message><body>cut');
    const ping = stanzaTree(frameOf('', 'ping'));
    assert.deepEqual(
      ping.map((n) => n.kind),
      ['info'],
    );
    const garbage = stanzaTree(frameOf('hello', 'text'));
    assert.deepEqual(
      garbage.map((n) => n.kind),
      ['error', 'info', 'text'],
    );
  });
});

describe('stanza tree model of a hub frame', () => {
  it('lists topic, publisher, receivers and the relayed frame, the Update as a subtree, the payload as JSON', () => {
    const store = new FrameStore();
    const update = userUpdate({ id: 'agent1', loginName: 'agent1' }, 'READY');
    const f = store.append({
      session: 'desktop',
      dir: 'in',
      kind: 'hub',
      raw: relayedUpdate(nodes.user('agent1'), update, { causedBy: 3 }),
    });
    const tree = stanzaTree(f);
    assert.deepEqual(
      tree.slice(0, 5).map((n) => (n.kind === 'attribute' ? `${n.name}=${n.value}` : n.kind)),
      ['info', 'topic=finesse.api.User.agent1', 'from=desktop', 'to=1 Sample Gadget, 2 Team Gadget', 'relays=#3'],
    );
    const decoded = tree[5];
    assert.equal(decoded.kind === 'element' && decoded.name, 'Update');
    assert.equal(decoded.kind === 'element' && decoded.decoded?.label, 'User agent1 PUT → READY');
    const payload = tree[6];
    assert.equal(payload.kind, 'text');
    assert.deepEqual(JSON.parse((payload as { text: string }).text), JSON.parse(f.raw).payload);
  });

  it('shows a gadget’s publish without an Update, and text that is no record as text with its error', () => {
    const store = new FrameStore();
    const own = stanzaTree(
      store.append({ session: 'd', dir: 'out', kind: 'hub', raw: hubPublish('a.b', '3 G', [], { n: 1 }) }),
    );
    assert.deepEqual(
      own.map((n) => n.kind),
      ['info', 'attribute', 'attribute', 'attribute', 'text'],
    );
    const bad = stanzaTree(store.append({ session: 'd', dir: 'out', kind: 'hub', raw: '{"topic":' }));
    assert.equal(bad[0].kind, 'error');
    assert.match((bad[0] as { message: string }).message, /Not a hub record/);
    assert.equal((bad.at(-1) as { text: string }).text, '{"topic":');
  });
});
