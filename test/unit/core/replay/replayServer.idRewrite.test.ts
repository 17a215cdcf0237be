// Rewriting recorded server frames for another client: ids and JIDs in attributes only.
import assert from 'node:assert/strict';
import { eventMessage, userUpdate } from '../../../../src/core/finesse/builders';
import { IdRewriter, parseJid } from '../../../../src/core/replay/idRewrite';

describe('ReplayServer id rewriting', () => {
  it('parses JIDs', () => {
    assert.deepEqual(parseJid('a@b/c/d'), { local: 'a', domain: 'b', resource: 'c/d' });
    assert.deepEqual(parseJid('pubsub.b'), { domain: 'pubsub.b' });
    assert.equal(parseJid('@'), undefined);
  });

  it('sends a frame that needs no change byte for byte', () => {
    const r = new IdRewriter('agent1@finesse.test/desktop');
    const raw = `<iq id='x' type='result'  to='agent1@finesse.test/desktop'/>`;
    assert.equal(r.rewrite(raw), raw, 'same client JID, no id mapped');
  });

  it('rewrites iq ids of results, JIDs in to/from/jid and the bound <jid/>, never text', () => {
    const r = new IdRewriter('agent1@finesse.test/desktop');
    r.clientUser = 'agent2';
    r.clientResource = 'mine';
    r.mapId('rec-1', 'client-9');
    assert.equal(r.clientJid, 'agent2@finesse.test/mine');
    const bind = r.rewrite(`<iq id='rec-1' type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>agent1@finesse.test/desktop</jid></bind></iq>`);
    assert.equal(bind, '<iq id="client-9" type="result"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>agent2@finesse.test/mine</jid></bind></iq>');
    const sub = r.rewrite(`<iq id='rec-1' type='result' to='agent1@finesse.test/desktop'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscription jid='agent1@finesse.test' node='n'/></pubsub></iq>`);
    assert.match(sub, /to="agent2@finesse.test\/mine"/);
    assert.match(sub, /jid="agent2@finesse.test"/);
    assert.equal(r.rewrite(`<message id='rec-1'/>`), `<message id='rec-1'/>`, 'only iq results and errors take the client id');
    const event = eventMessage({ from: 'pubsub.finesse.test', to: 'agent1@finesse.test/desktop', node: '/finesse/api/User/agent1', itemId: 'i', updateXml: userUpdate({ id: 'agent1', loginName: 'agent1@finesse.test/desktop' }, 'READY', { t: 0 }) });
    const out = r.rewrite(event);
    assert.match(out, /to="agent2@finesse.test\/mine"/);
    assert.ok(out.includes('agent1@finesse.test/desktop&lt;/loginName&gt;'), 'the escaped Update text is untouched');
  });

  it('sends malformed frames unchanged', () => {
    const r = new IdRewriter('agent1@finesse.test/desktop');
    r.clientResource = 'x';
    assert.equal(r.rewrite(`<message to='agent1@finesse.test/desktop'>`), `<message to='agent1@finesse.test/desktop'>`);
  });
});
