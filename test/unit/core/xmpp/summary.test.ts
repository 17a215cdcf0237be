import assert from 'node:assert/strict';
import { summarize, summaryText } from '../../../../src/core/xmpp/summary';
import { parseXml, Element } from '../../../../src/core/xmpp/xml';

function el(raw: string): Element {
  const r = parseXml(raw);
  if (!r.ok) throw new Error(r.error);
  return r.element;
}

describe('stanza summary', () => {
  it('takes name, type, id, from, to and the payload of an iq', () => {
    const s = summarize(
      el(
        '<iq type="get" id="p1" from="finesse.test" to="agent1@finesse.test/desktop"><ping xmlns="urn:xmpp:ping"/></iq>',
      ),
    );
    assert.deepEqual(s, {
      name: 'iq',
      type: 'get',
      id: 'p1',
      from: 'finesse.test',
      to: 'agent1@finesse.test/desktop',
      payload: 'ping',
      payloadNs: 'urn:xmpp:ping',
    });
    assert.equal(summaryText(s), 'iq get ping #p1');
  });

  it('strips a prefix from the payload name and omits what is absent', () => {
    const s = summarize(
      el(
        '<stream:features xmlns:stream="http://etherx.jabber.org/streams"><mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"/></stream:features>',
      ),
    );
    assert.deepEqual(s, {
      name: 'stream:features',
      payload: 'mechanisms',
      payloadNs: 'urn:ietf:params:xml:ns:xmpp-sasl',
    });
    assert.deepEqual(summarize(el('<presence/>')), { name: 'presence' });
    assert.equal(summaryText({ name: 'presence' }), 'presence');
  });

  it('does not repeat the payload when it has the stanza name', () => {
    assert.equal(summaryText({ name: 'open', payload: 'open' }), 'open');
  });

  it('summarises a pubsub event message', () => {
    const s = summarize(
      el(
        '<message from="pubsub.finesse.test" to="agent1@finesse.test" id="m1"><event xmlns="http://jabber.org/protocol/pubsub#event"/></message>',
      ),
    );
    assert.equal(summaryText(s), 'message event #m1');
    assert.equal(s.payloadNs, 'http://jabber.org/protocol/pubsub#event');
  });
});
