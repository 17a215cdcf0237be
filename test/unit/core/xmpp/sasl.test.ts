import assert from 'node:assert/strict';
import {
  hasSaslPayload,
  plainAuth,
  plainPayload,
  plainUser,
  redact,
  redactCounting,
  REDACTED,
  SASL_NS,
} from '../../../../src/core/xmpp/sasl';
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
      for (const raw of [
        `<auth xmlns="${SASL_NS}" mechanism="EXTERNAL">=</auth>`,
        `<auth xmlns="${SASL_NS}" mechanism="ANONYMOUS"></auth>`,
      ]) {
        assert.equal(redact(raw), raw);
        assert.equal(hasSaslPayload(raw), false);
      }
    });

    it('also redacts SASL responses, SASL2 initial responses and legacy passwords', () => {
      assert.equal(
        redact(`<response xmlns="${SASL_NS}">c2NyYW0=</response>`),
        `<response xmlns="${SASL_NS}">${REDACTED}</response>`,
      );
      assert.match(
        redact(
          '<authenticate xmlns="urn:xmpp:sasl:2" mechanism="PLAIN"><initial-response>AGEAYg==</initial-response></authenticate>',
        ),
        /<initial-response>\[redacted\]/,
      );
      assert.equal(
        redact(
          '<iq type="set"><query xmlns="jabber:iq:auth"><username>a</username><password>hunter2</password></query></iq>',
        ),
        `<iq type="set"><query xmlns="jabber:iq:auth"><username>a</username><password>${REDACTED}</password></query></iq>`,
      );
    });

    it('leaves stanzas without credentials untouched', () => {
      const raws = [
        '<presence/>',
        '<message><body>response</body><response>not sasl</response></message>',
        '<iq><authenticate>x</authenticate></iq>',
      ];
      for (const raw of raws) assert.equal(redact(raw), raw);
    });

    it('redacts every listed secret of 8 characters or more anywhere in the text', () => {
      assert.equal(
        redact('<message><body>my pw is hunter2-long, hunter2-long!</body></message>', ['hunter2-long', '']),
        `<message><body>my pw is ${REDACTED}, ${REDACTED}!</body></message>`,
      );
      assert.deepEqual(
        redactCounting('<message><body>token tok-12345678 tok-12345678</body></message>', ['tok-12345678']).count,
        2,
      );
    });

    it('leaves a short listed secret where it is not a credential: the demo login agent1/agent1 keeps its JIDs', () => {
      const raw =
        '<iq to="agent1@finesse.test/desktop" type="result"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>agent1@finesse.test/desktop</jid></bind></iq>';
      assert.equal(redact(raw, ['agent1']), raw);
      assert.deepEqual(redactCounting(plainAuth('agent1', 'agent1'), ['agent1']), {
        text: `<auth xmlns="${SASL_NS}" mechanism="PLAIN">${REDACTED}</auth>`,
        count: 1,
      });
    });

    it('redacts Authorization header values, keeping the scheme', () => {
      const req =
        'PUT /finesse/api/User/agent1 HTTP/1.1\r\nHost: finesse\r\nAuthorization: Basic YWdlbnQxOmFnZW50MQ==\r\nproxy-authorization:token\r\n\r\n<User/>';
      const r = redactCounting(req);
      assert.equal(
        r.text,
        `PUT /finesse/api/User/agent1 HTTP/1.1\r\nHost: finesse\r\nAuthorization: Basic ${REDACTED}\r\nproxy-authorization:${REDACTED}\r\n\r\n<User/>`,
      );
      assert.equal(r.count, 2);
    });

    it('redacts each <auth> of a text holding several', () => {
      const two = plainAuth('a', 'x') + plainAuth('b', 'y');
      assert.equal(redact(two).split(REDACTED).length, 3);
    });
  });
});
