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

  it('vouches for ordinary stanzas, so has:error needs no parse for them', () => {
    assert.equal(quickWellFormed(samples[samples.length - 1]), true);
    assert.equal(quickWellFormed('<iq type="result" id="p1" from="finesse.test"/>'), true);
    assert.equal(quickWellFormed('<message><body>unclosed'), undefined);
  });
});
