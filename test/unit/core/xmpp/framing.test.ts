import assert from 'node:assert/strict';
import {
  classifyText,
  closeFrame,
  firstTagName,
  FRAMING_NS,
  isWhitespaceKeepalive,
  openFrame,
} from '../../../../src/core/xmpp/framing';
import { parseXml } from '../../../../src/core/xmpp/xml';

describe('RFC 7395 framing', () => {
  it('builds <open/> with the framing namespace, domain, version and language', () => {
    const r = parseXml(openFrame('finesse.test'));
    assert.ok(r.ok);
    assert.equal(r.element.name, 'open');
    assert.deepEqual(r.element.attrs, { xmlns: FRAMING_NS, to: 'finesse.test', version: '1.0', 'xml:lang': 'en' });
    assert.equal(
      parseXml(openFrame('x', 'de')).ok &&
        (parseXml(openFrame('x', 'de')) as { element: { attrs: Record<string, string> } }).element.attrs['xml:lang'],
      'de',
    );
  });

  it('builds <close/> with the framing namespace', () => {
    assert.equal(closeFrame(), `<close xmlns="${FRAMING_NS}"/>`);
  });

  it('classifies frames by their first tag only', () => {
    assert.equal(classifyText(openFrame('d')), 'open');
    assert.equal(classifyText(closeFrame()), 'close');
    assert.equal(classifyText('<iq type="get"/>'), 'stanza');
    assert.equal(classifyText('<stream:features/>'), 'stanza');
    assert.equal(classifyText(' \n<message/>'), 'stanza');
    // only the name decides, not whether the rest is well-formed
    assert.equal(classifyText('<presence'), 'stanza');
    assert.equal(classifyText('<openx/>'), 'stanza');
  });

  it('treats an XML declaration or comments before the tag as XML, not text', () => {
    assert.equal(classifyText('<?xml version="1.0"?><open/>'), 'open');
    assert.equal(classifyText('<!-- keep --> <iq/>'), 'stanza');
    assert.equal(firstTagName('<?xml version="1.0"?>\n<!--a--><!--b--><message to="x"/>'), 'message');
  });

  it('classifies anything else as text', () => {
    for (const raw of ['', ' ', '\n', 'hello', '<1abc/>', '< iq/>', '<?xml', '<!-- open', '<??><??>x', '{"json":1}']) {
      assert.equal(classifyText(raw), 'text', JSON.stringify(raw));
      assert.equal(firstTagName(raw), undefined, JSON.stringify(raw));
    }
  });

  it('recognises whitespace keepalives', () => {
    assert.equal(isWhitespaceKeepalive(' '), true);
    assert.equal(isWhitespaceKeepalive('\r\n\t'), true);
    assert.equal(isWhitespaceKeepalive(''), false);
    assert.equal(isWhitespaceKeepalive(' x '), false);
  });
});
