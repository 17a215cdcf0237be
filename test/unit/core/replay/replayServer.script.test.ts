// The replay script: which recorded frames are requests, which answer them, which are pushes.
import assert from 'node:assert/strict';
import type { Frame } from '../../../../src/core/capture/frame';
import { buildScript, signatureOf } from '../../../../src/core/replay/replayScript';
import { recordedSession } from './recordedSession';

const FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';
let nextId = 1;
const f = (
  dir: Frame['dir'],
  raw: string,
  kind: Frame['kind'] = raw.startsWith('<open') ? 'open' : raw.startsWith('<close') ? 'close' : 'stanza',
  t = nextId,
): Frame => ({ id: nextId++, session: 's', dir, t, kind, raw, bytes: raw.length, flags: {} });

describe('ReplayServer script', () => {
  it('ties replies to their request and keeps the rest as timed pushes', () => {
    const script = buildScript(recordedSession());
    assert.deepEqual(
      script.steps.map((s) => (s.type === 'gate' ? `${s.sig.key} → ${s.replies.length}` : 'push')),
      [
        'open → 2',
        'auth → 1',
        'open → 2',
        `iq:set:urn:ietf:params:xml:ns:xmpp-bind:bind → 1`,
        'iq:get:jabber:iq:roster:query → 1',
        'iq:set:http://jabber.org/protocol/pubsub:pubsub:subscribe → 1',
        'push',
        'push',
        'push',
      ],
    );
    assert.equal(script.boundJid, 'agent1@finesse.test/desktop');
    assert.equal(script.domain, 'finesse.test');
    const push = script.steps[6];
    assert.equal(push.type === 'push' && push.gapMs, 5);
  });

  it('matches an iq result by id even when other frames came in between', () => {
    nextId = 1;
    const script = buildScript([
      f('out', '<iq type="get" id="a"><query xmlns="jabber:iq:roster"/></iq>'),
      f('out', '<iq type="get" id="b"><ping xmlns="urn:xmpp:ping"/></iq>'),
      f('in', '<iq type="result" id="b"/>'),
      f('in', '<message><body>hi</body></message>'),
      f('in', '<iq type="result" id="a"/>'),
    ]);
    const [a, b, push] = script.steps;
    assert.ok(a.type === 'gate' && a.replies.map((r) => r.raw).join() === '<iq type="result" id="a"/>');
    assert.ok(b.type === 'gate' && b.replies.length === 1);
    assert.equal(push.type, 'push');
    assert.equal(script.steps.length, 3);
  });

  it('leaves the close handshake to the replay: after the client closes, the server close is no push', () => {
    nextId = 1;
    const script = buildScript([
      f('in', '<message/>'),
      f('out', `<close xmlns="${FRAMING}"/>`),
      f('in', `<close xmlns="${FRAMING}"/>`),
      f('in', '1000 Stream closed', 'closeframe'),
      f('out', '1000 Stream closed', 'closeframe'),
      f('in', '', 'ping'),
    ]);
    assert.deepEqual(
      script.steps.map((s) => s.frame.raw),
      ['<message/>'],
    );
    assert.equal(script.closeReply?.raw, `<close xmlns="${FRAMING}"/>`);
  });

  it('a server close frame the client did not ask for is played', () => {
    nextId = 1;
    const script = buildScript([f('in', '<message/>'), f('in', '1001 going away', 'closeframe')]);
    assert.deepEqual(
      script.steps.map((s) => s.type),
      ['push', 'push'],
    );
  });

  it('signatures: handshake, pubsub node detail, and frames that are no requests', () => {
    assert.deepEqual(signatureOf({ kind: 'open', raw: '<open/>' }), { key: 'open', handshake: true });
    assert.deepEqual(
      signatureOf({
        kind: 'stanza',
        raw: '<iq type="set" id="1"><pubsub xmlns="http://jabber.org/protocol/pubsub"><subscribe node="/finesse/api/User/1"/></pubsub></iq>',
      }),
      {
        key: 'iq:set:http://jabber.org/protocol/pubsub:pubsub:subscribe',
        detail: '/finesse/api/User/1',
        handshake: false,
      },
    );
    assert.deepEqual(
      signatureOf({ kind: 'stanza', raw: '<presence/>' }),
      { key: 'presence', handshake: false },
      'answered by its echo',
    );
    assert.deepEqual(signatureOf({ kind: 'stanza', raw: '<presence type="unavailable"/>' }), {
      key: 'presence:unavailable',
      handshake: false,
    });
    assert.equal(
      signatureOf({ kind: 'stanza', raw: '<presence to="pubsub.finesse.test"/>' }),
      undefined,
      'directed presence: no echo',
    );
    assert.equal(signatureOf({ kind: 'stanza', raw: '<iq type="result" id="1"/>' }), undefined);
    assert.equal(signatureOf({ kind: 'stanza', raw: '<iq type="get"' }), undefined, 'malformed: no request');
    assert.equal(signatureOf({ kind: 'text', raw: ' ' }), undefined);
  });
});
