import assert from 'node:assert/strict';
import { hasSaslPayload, plainAuth, plainPayload, plainUser, redact, REDACTED, SASL_NS } from '../../../../src/core/xmpp/sasl';
import { parseXml } from '../../../../src/core/xmpp/xml';

describe('SASL PLAIN', () => {
  it('encodes authzid NUL authcid NUL password in base64 (RFC 4616)', () => {
    assert.equal(Buffer.from(plainPayload('agent1', 'pässwörd'), 'base64').toString('utf8'), '\0agent1\0pässwörd');
    assert.equal(Buffer.from(plainPayload('agent1', 'pw', 'admin'), 'base64').toString('utf8'), 'admin\0agent1\0pw');
  });

  it('builds an <auth> element in the SASL namespace', () => {
    const r = parseXml(plainAuth('agent1', 'pw'));
    assert.ok(r.ok);
    assert.equal(r.element.attrs.xmlns, SASL_NS);
    assert.equal(r.element.attrs.mechanism, 'PLAIN');
    assert.equal(r.element.getText(), plainPayload('agent1', 'pw'));
    assert.equal(plainUser(plainAuth('agent1', 'pw')), 'agent1');
    assert.equal(plainUser('<presence/>'), undefined);
  });

  describe('redaction', () => {
    it('removes the PLAIN payload and leaves the element', () => {
      const auth = plainAuth('agent1', 'secret');
      const out = redact(auth);
      assert.equal(out, `<auth xmlns="${SASL_NS}" mechanism="PLAIN">${REDACTED}</auth>`);
      assert.ok(!out.includes(plainPayload('agent1', 'secret')));
      assert.ok(parseXml(out).ok);
      assert.equal(hasSaslPayload(auth), true);
      assert.equal(hasSaslPayload(out), true); // still a payload, now the placeholder
    });

    it('keeps empty and "=" responses, which carry nothing', () => {
      for (const raw of [`<auth xmlns="${SASL_NS}" mechanism="EXTERNAL">=</auth>`, `<auth xmlns="${SASL_NS}" mechanism="ANONYMOUS"></auth>`]) {
        assert.equal(redact(raw), raw);
        assert.equal(hasSaslPayload(raw), false);
      }
    });

    it('also redacts SASL responses, SASL2 initial responses and legacy passwords', () => {
      assert.equal(redact(`<response xmlns="${SASL_NS}">c2NyYW0=</response>`), `<response xmlns="${SASL_NS}">${REDACTED}</response>`);
      assert.match(redact('<authenticate xmlns="urn:xmpp:sasl:2" mechanism="PLAIN"><initial-response>AGEAYg==</initial-response></authenticate>'), /<initial-response>\[redacted\]/);
      assert.equal(
        redact('<iq type="set"><query xmlns="jabber:iq:auth"><username>a</username><password>hunter2</password></query></iq>'),
        `<iq type="set"><query xmlns="jabber:iq:auth"><username>a</username><password>${REDACTED}</password></query></iq>`,
      );
    });

    it('leaves stanzas without credentials untouched', () => {
      const raws = ['<presence/>', '<message><body>response</body><response>not sasl</response></message>', '<iq><authenticate>x</authenticate></iq>'];
      for (const raw of raws) assert.equal(redact(raw), raw);
    });

    it('redacts every listed secret anywhere in the text', () => {
      assert.equal(redact('<message><body>my pw is hunter2, hunter2!</body></message>', ['hunter2', '']), `<message><body>my pw is ${REDACTED}, ${REDACTED}!</body></message>`);
    });

    it('redacts each <auth> of a text holding several', () => {
      const two = plainAuth('a', 'x') + plainAuth('b', 'y');
      assert.equal(redact(two).split(REDACTED).length, 3);
    });
  });
});
