import assert from 'node:assert/strict';
import { parseXml, xml } from '../../../../src/core/xmpp/xml';

function error(raw: string): string {
  const r = parseXml(raw);
  assert.equal(r.ok, false, `expected ${JSON.stringify(raw)} to be rejected`);
  return (r as { error: string }).error;
}

describe('xml façade', () => {
  describe('parseXml', () => {
    it('parses one element with attributes, children and unescaped text', () => {
      const r = parseXml(
        `<iq type='result' id="b1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>a@b/c &amp; d</jid></bind></iq>`,
      );
      assert.ok(r.ok);
      assert.equal(r.element.name, 'iq');
      assert.equal(r.element.attrs.type, 'result');
      assert.equal(r.element.getChild('bind')?.getChildText('jid'), 'a@b/c & d');
    });

    it('accepts surrounding whitespace, an XML declaration, comments and CDATA', () => {
      assert.ok(parseXml('  <a/>\n').ok);
      assert.ok(parseXml('<?xml version="1.0"?><a/>').ok);
      assert.ok(parseXml('<!-- c --><a/><!-- d -->').ok);
      const r = parseXml('<a><![CDATA[x & <y>]]></a>');
      assert.ok(r.ok);
      assert.equal(r.element.getText(), 'x & <y>');
    });

    it('reports malformed input as a result, never by throwing', () => {
      const cases: [string, RegExp][] = [
        ['', /empty/i],
        ['   ', /empty/i],
        ['<a>', /incomplete/i],
        ['<a><b></a>', /mismatched end tag <\/a>, expected <\/b>/i],
        ['<A></a>', /mismatched/i],
        ['<a></a></a>', /unexpected end tag/i],
        ['<a/><b/>', /more than one root/i],
        ['<a/><b>', /more than one root/i],
        ['<a/>tail', /text after the root/i],
        ['<a/>x>', /text after the root/i],
        ['<a/><!--', /text after the root/i],
        ['garbage<a/>', /text before the root/i],
        ['<a>&bogus;</a>', /entity/i],
        ['<a>&#0;</a>', /illegal xml character/i],
        ['<a>x & y</a>', /unescaped "&"/i],
        ['<a b="&"/>', /unescaped "&"/i],
        ['<a b="1', /incomplete/i],
        ['not xml at all', /incomplete|text before/i],
      ];
      for (const [raw, want] of cases) assert.match(error(raw), want, raw);
    });

    it('allows "&" inside CDATA sections and comments only', () => {
      assert.ok(parseXml('<a><![CDATA[ & ]]><!-- & --></a>').ok);
      assert.match(error('<a><![CDATA[ & ]]> & </a>'), /offset 19/);
    });

    it('stays linear on hostile input', () => {
      // Thousands of unterminated constructs would make a backtracking check crawl; the mocha
      // timeout is the bound, no timing is asserted.
      const raw = `<a b="${'<![CDATA['.repeat(20_000)}">${'&amp;'.repeat(20_000)}</a>`;
      assert.ok(parseXml(raw).ok);
    });
  });

  describe('xml builder', () => {
    it('drops undefined attributes and escapes text and attribute values', () => {
      const el = xml('message', { to: 'a@b', id: undefined, type: 'chat' }, xml('body', {}, '1 < 2 & "q"'));
      assert.equal(el.toString(), '<message to="a@b" type="chat"><body>1 &lt; 2 &amp; "q"</body></message>');
      const back = parseXml(el.toString());
      assert.ok(back.ok);
      assert.equal(back.element.getChildText('body'), '1 < 2 & "q"');
    });
  });
});
