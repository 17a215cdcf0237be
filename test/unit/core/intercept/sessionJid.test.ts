import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { sessionIdentity } from '../../../../src/core/intercept/sessionJid';

describe('session identity', () => {
  it('reads the bound JID and the stream domain from the session frames', () => {
    const store = new FrameStore(10);
    store.append({
      session: 'other',
      dir: 'in',
      kind: 'stanza',
      raw: '<iq type="result" id="b"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>x@y/z</jid></bind></iq>',
    });
    store.append({
      session: 's',
      dir: 'out',
      kind: 'open',
      raw: '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test" version="1.0"/>',
    });
    store.append({
      session: 's',
      dir: 'in',
      kind: 'stanza',
      raw: '<iq xmlns="jabber:client" type="result" id="b"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>agent1@finesse.test/desktop</jid></bind></iq>',
    });
    assert.deepEqual(sessionIdentity(store, 's'), { domain: 'finesse.test', jid: 'agent1@finesse.test/desktop' });
    assert.deepEqual(sessionIdentity(store, 'other'), { jid: 'x@y/z', domain: 'y' });
    assert.deepEqual(sessionIdentity(store, 'none'), {});
  });
});
