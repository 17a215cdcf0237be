import assert from 'node:assert/strict';
import * as s from '../../../../src/core/session/stanzas';
import { Element, parseXml } from '../../../../src/core/xmpp/xml';

function el(raw: string): Element {
  const r = parseXml(raw);
  if (!r.ok) throw new Error(r.error);
  return r.element;
}

describe('client stanzas', () => {
  it('qualify every stanza with jabber:client (RFC 7395 §3.3.3)', () => {
    for (const stanza of [
      s.bindIq('b1', 'desktop'),
      s.sessionIq('s1'),
      s.presence(),
      s.subscribeIq('x', 'p', 'n', 'j'),
      s.unsubscribeIq('x', 'p', 'n', 'j'),
      s.pingIq('p1', 'd'),
    ]) {
      assert.equal(stanza.attrs.xmlns, 'jabber:client', stanza.toString());
    }
  });

  it('build bind, subscribe and ping as the XEPs say, escaping values', () => {
    assert.equal(
      s.bindIq('b1', 'desk<top>').toString(),
      '<iq xmlns="jabber:client" type="set" id="b1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><resource>desk&lt;top&gt;</resource></bind></iq>',
    );
    assert.equal(
      s
        .subscribeIq('sub1', 'pubsub.finesse.test', '/finesse/api/User/agent1', 'agent1@finesse.test/desktop')
        .toString(),
      '<iq xmlns="jabber:client" type="set" to="pubsub.finesse.test" id="sub1"><pubsub xmlns="http://jabber.org/protocol/pubsub"><subscribe node="/finesse/api/User/agent1" jid="agent1@finesse.test/desktop"/></pubsub></iq>',
    );
    assert.match(s.unsubscribeIq('u1', 'p', 'a"b', 'j').toString(), /<unsubscribe node="a&quot;b" jid="j"\/>/);
    assert.equal(
      s.pingIq('p1', 'finesse.test').toString(),
      '<iq xmlns="jabber:client" type="get" to="finesse.test" id="p1"><ping xmlns="urn:xmpp:ping"/></iq>',
    );
  });

  it('answer a server ping with a result and anything else with service-unavailable', () => {
    const ping = el('<iq type="get" id="s1" from="finesse.test"><ping xmlns="urn:xmpp:ping"/></iq>');
    assert.equal(s.isPing(ping), true);
    assert.equal(s.iqResult(ping).toString(), '<iq xmlns="jabber:client" type="result" id="s1" to="finesse.test"/>');
    const version = el('<iq type="get" id="v1" from="x@y/z"><query xmlns="jabber:iq:version"/></iq>');
    assert.equal(s.isPing(version), false);
    assert.equal(s.isPing(el('<iq type="result" id="r"><ping xmlns="urn:xmpp:ping"/></iq>')), false);
    const refusal = s.iqServiceUnavailable(version);
    assert.equal(
      refusal.toString(),
      '<iq xmlns="jabber:client" type="error" id="v1" to="x@y/z"><error type="cancel"><service-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>',
    );
    assert.deepEqual(s.iqErrorCondition(refusal), { condition: 'service-unavailable' });
  });

  it('read mechanisms and whether the legacy session is required', () => {
    const f = el(
      '<stream:features xmlns:stream="http://etherx.jabber.org/streams"><mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>SCRAM-SHA-1</mechanism><mechanism> PLAIN </mechanism></mechanisms></stream:features>',
    );
    assert.deepEqual(s.saslMechanisms(f), ['SCRAM-SHA-1', 'PLAIN']);
    assert.deepEqual(s.saslMechanisms(el('<features/>')), []);
    assert.equal(
      s.sessionRequired(el('<features><session xmlns="urn:ietf:params:xml:ns:xmpp-session"/></features>')),
      true,
    );
    assert.equal(
      s.sessionRequired(
        el('<features><session xmlns="urn:ietf:params:xml:ns:xmpp-session"><optional/></session></features>'),
      ),
      false,
    );
    assert.equal(s.sessionRequired(el('<features><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></features>')), false);
  });

  it('read error conditions with their text, from SASL, stanza and stream errors', () => {
    assert.deepEqual(
      s.errorCondition(
        el('<failure xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><text>Bad</text><not-authorized/></failure>'),
      ),
      { condition: 'not-authorized', text: 'Bad' },
    );
    assert.deepEqual(
      s.errorCondition(
        el(
          '<stream:error xmlns:stream="x"><system-shutdown xmlns="urn:ietf:params:xml:ns:xmpp-streams"/></stream:error>',
        ),
      ),
      { condition: 'system-shutdown' },
    );
    assert.deepEqual(
      s.iqErrorCondition(
        el(
          '<iq type="error"><error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>',
        ),
      ),
      { condition: 'item-not-found' },
    );
    assert.deepEqual(s.errorCondition(undefined), { condition: 'undefined-condition' });
    assert.deepEqual(s.errorCondition(el('<failure/>')), { condition: 'undefined-condition' });
  });

  it('resolve namespaces of prefixed and unprefixed elements', () => {
    const f = el(
      '<stream:features xmlns:stream="http://etherx.jabber.org/streams" xmlns="jabber:client"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/><other/></stream:features>',
    );
    assert.equal(s.namespaceOf(f), 'http://etherx.jabber.org/streams');
    assert.equal(s.namespaceOf(s.child(f, 'bind')!), 'urn:ietf:params:xml:ns:xmpp-bind');
    assert.equal(s.namespaceOf(s.child(f, 'other')!), 'jabber:client');
    assert.equal(s.child(f, 'bind', 'wrong:ns'), undefined);
    assert.equal(s.localName(f), 'features');
  });
});
