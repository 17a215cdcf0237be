// Rewriting recorded server frames for another client: ids and JIDs in attributes, and the
// agent id where Finesse writes it (node names, Update URIs and whole-id elements).
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
    const bind = r.rewrite(
      `<iq id='rec-1' type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>agent1@finesse.test/desktop</jid></bind></iq>`,
    );
    assert.equal(
      bind,
      '<iq id="client-9" type="result"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>agent2@finesse.test/mine</jid></bind></iq>',
    );
    const sub = r.rewrite(
      `<iq id='rec-1' type='result' to='agent1@finesse.test/desktop'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscription jid='agent1@finesse.test' node='n'/></pubsub></iq>`,
    );
    assert.match(sub, /to="agent2@finesse.test\/mine"/);
    assert.match(sub, /jid="agent2@finesse.test"/);
    assert.equal(
      r.rewrite(`<message id='rec-1'/>`),
      `<message id='rec-1'/>`,
      'only iq results and errors take the client id',
    );
    const event = eventMessage({
      from: 'pubsub.finesse.test',
      to: 'agent1@finesse.test/desktop',
      node: '/finesse/api/User/agent1',
      itemId: 'i',
      updateXml: userUpdate({ id: 'agent1', loginName: 'agent1@finesse.test/desktop' }, 'READY', { t: 0 }),
    });
    const out = r.rewrite(event);
    assert.match(out, /to="agent2@finesse.test\/mine"/);
    assert.ok(out.includes('agent1@finesse.test/desktop&lt;/loginName&gt;'), 'the escaped Update text is untouched');
  });

  it('rewrites the agent id in node names and Update payloads, only where it is the whole id', () => {
    const r = new IdRewriter('agent1@finesse.test/desktop');
    r.clientUser = 'agent2';
    const event = eventMessage({
      from: 'pubsub.finesse.test',
      to: 'agent1@finesse.test',
      node: '/finesse/api/User/agent1/Dialogs',
      itemId: 'i',
      updateXml: userUpdate({ id: 'agent1', loginName: 'agent1' }, 'READY', { t: 0 }),
    });
    const out = r.rewrite(event);
    assert.match(out, /node="\/finesse\/api\/User\/agent2\/Dialogs"/);
    assert.match(out, /&lt;loginId&gt;agent2&lt;\/loginId&gt;/);
    assert.match(out, /&lt;uri&gt;\/finesse\/api\/User\/agent2&lt;\/uri&gt;/);
    assert.ok(!/agent1/.test(out), out);
    assert.equal(
      r.rewrite(`<message><items node='/finesse/api/User/agent10'/><body>agent1x</body></message>`),
      `<message><items node='/finesse/api/User/agent10'/><body>agent1x</body></message>`,
      'another id that starts the same is left alone',
    );
    r.agentId = '1001001';
    assert.match(
      r.rewrite(`<message><items node='/finesse/api/User/agent1'/></message>`),
      /\/finesse\/api\/User\/1001001'/,
      '--as wins over the login',
    );
    assert.equal(r.toRecordedNode('/finesse/api/User/1001001/Dialogs'), '/finesse/api/User/agent1/Dialogs');
  });

  it('sends malformed frames unchanged', () => {
    const r = new IdRewriter('agent1@finesse.test/desktop');
    r.clientResource = 'x';
    assert.equal(r.rewrite(`<message to='agent1@finesse.test/desktop'>`), `<message to='agent1@finesse.test/desktop'>`);
  });
});
