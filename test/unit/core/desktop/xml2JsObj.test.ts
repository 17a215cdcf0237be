import assert from 'node:assert/strict';
import { xml2JsObj } from '../../../../src/core/desktop/xml2JsObj';

describe('desktop xml2JsObj (finesse.js Utilities.xml2JsObj)', () => {
  it('turns an Update into the object gadgets read (object.Update.data.user.state)', () => {
    const o = xml2JsObj(
      '<Update><data><user><state>READY</state><extension>1001</extension></user></data><event>PUT</event>' +
        '<requestId>r1</requestId><source>/finesse/api/User/agent1</source></Update>',
    );
    assert.deepEqual(o, {
      Update: {
        data: { user: { state: 'READY', extension: '1001' } },
        event: 'PUT',
        requestId: 'r1',
        source: '/finesse/api/User/agent1',
      },
    });
  });

  it('keeps whitespace out, empty elements null, attributes as @name and text beside them as #text', () => {
    assert.deepEqual(xml2JsObj('<a>\n  <b/>\n  <c x="1">t</c>\n  <d y=""/>\n</a>'), {
      a: { b: null, c: { '@x': '1', '#text': 't' }, d: { '@y': '' } },
    });
    assert.deepEqual(xml2JsObj('<Update xmlns="urn:x"><event>POST</event></Update>'), {
      Update: { '@xmlns': 'urn:x', event: 'POST' },
    });
  });

  it('makes repeated children an array, except after a first one that was null (as the original)', () => {
    assert.deepEqual(xml2JsObj('<l><i>1</i><i>2</i><i>3</i></l>'), { l: { i: ['1', '2', '3'] } });
    assert.deepEqual(xml2JsObj('<l><i/><i>2</i></l>'), { l: { i: '2' } });
    assert.deepEqual(xml2JsObj('<l><i>1</i><i/></l>'), { l: { i: ['1', null] } });
  });

  it('gives mixed content as its inner XML, unescaped, and CDATA as #cdata', () => {
    assert.deepEqual(xml2JsObj('<a>x<b>y</b>z</a>'), { a: 'x<b>y</b>z' });
    assert.deepEqual(xml2JsObj('<a><b/><![CDATA[<raw>]]></a>'), { a: { b: null, '#cdata': '<raw>' } });
    assert.deepEqual(xml2JsObj('<a>1 &lt; 2 &amp; "q" \\ end</a>'), { a: '1 < 2 & "q" \\ end' });
  });

  it('keeps newlines but loses tabs inside values, as the original strips every tab of its JSON text', () => {
    assert.deepEqual(xml2JsObj('<a>one\ntwo\tthree&#13;</a>'), { a: 'one\ntwothree\r' });
  });

  it('throws on XML that is not well-formed (finesse.js then publishes nothing)', () => {
    assert.throws(() => xml2JsObj('<Update><data></Update>'), /Invalid XML/);
    assert.throws(() => xml2JsObj(''), /Invalid XML/);
  });
});
