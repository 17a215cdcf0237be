// The quick well-formedness check never vouches for a frame the real parser refuses.
import assert from 'node:assert/strict';
import { quickWellFormed } from '../../../../src/core/capture/quickWellFormed';
import { parseXml } from '../../../../src/core/xmpp/xml';
import { eventMessage, userUpdate } from '../../../../src/core/finesse/builders';

const samples = [
  '<message><body>unclosed',
  '<a></b>',
  '<a/><b/>',
  '<a/>tail',
  'lead<a/>',
  '<a>&foo;</a>',
  '<a>& </a>',
  '<a x="1>',
  `<a x='<'/>`,
  '<a><b></a></b>',
  '<a',
  '</a>',
  '<a b="1" c=\'2\'>text &amp; &lt;x&gt; &quot;&apos;</a>',
  '  <presence/>  ',
  '<iq type="result" id="p1" from="finesse.test"/>',
  '<a><!-- c --></a>',
  '<a><![CDATA[x]]></a>',
  '<?xml version="1.0"?><a/>',
  '<a x="1"y="2"/>',
  '<a b>',
  '<a b></a>',
  '<a>&#65;</a>',
  '<a></a >',
  '<a:b x="1"><c.d-e/></a:b>',
  '<a x="a>b"></a>',
  '<ab></a>',
  '<a></ab>',
  '<a></a b>',
  `${'<n>'.repeat(200)}${'</n>'.repeat(200)}`,
  eventMessage({
    from: 'pubsub.finesse.test',
    to: 'agent1@finesse.test',
    node: '/finesse/api/User/agent1',
    itemId: 'i1',
    updateXml: userUpdate({ id: 'agent1', loginName: 'agent1' }, 'READY'),
  }),
];

describe('quickWellFormed', () => {
  for (const raw of samples) {
    it(`agrees with the parser or defers: ${JSON.stringify(raw.slice(0, 50))}`, () => {
      const quick = quickWellFormed(raw);
      if (quick === true) assert.equal(parseXml(raw).ok, true, 'vouched for a frame the parser refuses');
    });
  }

  it('vouches for nesting deeper than its first stack, and checks each close against its own open', () => {
    assert.equal(quickWellFormed(`${'<n>'.repeat(200)}${'</n>'.repeat(200)}`), true);
    assert.equal(quickWellFormed(`${'<n>'.repeat(200)}</m>${'</n>'.repeat(199)}`), undefined);
    assert.equal(quickWellFormed('<a></a >'), true);
    assert.equal(quickWellFormed('<a></a b>'), undefined);
    assert.equal(quickWellFormed('<ab></a>'), undefined);
  });

  it('reads the entities of a 16 MB frame without overflowing the pattern engine', () => {
    const escaped = '&lt;'.repeat(4_000_000);
    assert.equal(quickWellFormed(`<a>${escaped}</a>`), true);
    assert.equal(quickWellFormed(`<a>${escaped}&x</a>`), undefined);
    assert.equal(quickWellFormed(`<a>${'&lt;'.repeat(60_000)}&bogus;</a>`), undefined);
  });

  it('defers on markup hidden one level down, in an escaped Update: comments, CDATA, instructions, character references', () => {
    for (const hidden of ['&lt;!-- c --&gt;', '&lt;![CDATA[x]]&gt;', '&lt;?pi?&gt;', '&amp;#60;']) {
      assert.equal(quickWellFormed(`<a>${hidden}</a>`), undefined, hidden);
      assert.equal(quickWellFormed(`<a>${'&lt;'.repeat(70_000)}${hidden}</a>`), undefined, `${hidden} in a long text`);
    }
    assert.equal(quickWellFormed('<a>&lt;b&gt;&amp;amp;&lt;/b&gt;</a>'), true);
  });

  it('vouches for ordinary stanzas, so has:error needs no parse for them', () => {
    assert.equal(quickWellFormed(samples[samples.length - 1]), true);
    assert.equal(quickWellFormed('<iq type="result" id="p1" from="finesse.test"/>'), true);
    assert.equal(quickWellFormed('<message><body>unclosed'), undefined);
  });
});
