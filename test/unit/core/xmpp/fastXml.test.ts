// The one-pass parser answers only for frames ltx accepts, and then with ltx's own tree: every
// frame of the corpus parses to the same result with and without it.
import assert from 'node:assert/strict';
import { Element, parseXml, parseXmlWithLtx } from '../../../../src/core/xmpp/xml';
import { parseSimpleXml } from '../../../../src/core/xmpp/fastXml';
import { decodeUpdates } from '../../../../src/core/finesse/update';
import { plainAuth } from '../../../../src/core/xmpp/sasl';
import { sampleEvents as events, sampleUpdates as updates } from '../../../support/finesseSamples';

const corpus = [
  ...updates,
  ...events,
  plainAuth('agent1', 'secret'),
  '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test" version="1.0"/>',
  '<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>',
  `<iq type='result' id="b1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>a@b/c &amp; d</jid></bind></iq>`,
  '<stream:features xmlns:stream="http://etherx.jabber.org/streams"><mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>PLAIN</mechanism></mechanisms></stream:features>',
  '  <presence/>\n',
  '<a  b = "x &quot;y&quot; &apos;z&apos; &lt;&gt;&amp;"  c=\'1\' />',
  '<a>\n  <b>t</b>\n  text &gt; more\n</a>',
  '<a x="1" x="2"/>',
  '<a><b/><b/><c></c ></a>',
  '<a>x > y ]]> z</a>',
  '<message><body>ünïcödé 日本</body></message>',
  // Left to ltx (outside the plain subset, or malformed): the results must still agree.
  '<?xml version="1.0"?><a/>',
  '<a><!-- c --></a>',
  '<a><![CDATA[x & <y>]]></a>',
  '<a>&#65;&#x42;</a>',
  '<a>&nbsp;</a>',
  '<a>& </a>',
  '<a>&amp</a>',
  '<a x="&amp"/>',
  '<a x="<"/>',
  '<a x=1/>',
  '<a x="1"y="2"/>',
  '<a b></a>',
  '<a></b>',
  '<a><b></a></b>',
  '<a/><b/>',
  '<a/>tail',
  'lead<a/>',
  '<a',
  '<a>unterminated',
  '</a>',
  '',
  '   ',
  '<a x="1>',
  '<é/>',
  '<a></a x="1">',
  '<a/><!--',
  '<a/ >',
];

function same(a: Element | string, b: Element | string, at: string): void {
  if (typeof a === 'string' || typeof b === 'string') return assert.equal(a, b, at);
  assert.equal(a.name, b.name, at);
  assert.deepEqual(a.attrs, b.attrs, `${at}/${a.name} attrs`);
  assert.equal(a.children.length, b.children.length, `${at}/${a.name} children`);
  a.children.forEach((c, i) => same(c as Element | string, b.children[i] as Element | string, `${at}/${a.name}[${i}]`));
}

describe('fastXml: the one-pass parser', () => {
  for (const raw of corpus) {
    it(`agrees with ltx: ${JSON.stringify(raw.slice(0, 60))}`, () => {
      const fast = parseXml(raw);
      const slow = parseXmlWithLtx(raw);
      assert.equal(fast.ok, slow.ok);
      if (fast.ok && slow.ok) same(fast.element, slow.element, '');
      else assert.deepEqual(fast, slow);
    });
  }

  it('answers for the frames Finesse and XMPP send, and leaves the rest to ltx', () => {
    for (const raw of [...updates, ...events, corpus[corpus.indexOf('  <presence/>\n')]])
      assert.ok(parseSimpleXml(raw), raw.slice(0, 40));
    for (const raw of ['<a><!-- c --></a>', '<a>&#65;</a>', '<a>&nbsp;</a>', '<a/>tail', '<a></b>', '<a x="<"/>', '<a'])
      assert.equal(parseSimpleXml(raw), undefined, raw);
  });

  it('decodes the same Finesse Updates from either tree', () => {
    for (const raw of events) {
      const fast = decodeUpdates(parseSimpleXml(raw)!).map(({ element, ...u }) => ({
        ...u,
        element: element?.toString(),
      }));
      const slow = parseXmlWithLtx(raw);
      assert.ok(slow.ok);
      const ref = decodeUpdates(slow.element).map(({ element, ...u }) => ({ ...u, element: element?.toString() }));
      assert.deepEqual(fast, ref);
    }
  });
});
