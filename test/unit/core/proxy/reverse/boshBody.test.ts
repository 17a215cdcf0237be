import assert from 'node:assert/strict';
import { parseBoshBody } from '../../../../../src/core/proxy/reverse/boshBody';

describe('BOSH body wrapper', () => {
  it('splits the children out as the exact text that was sent', () => {
    const a = `<message to='agent1@finesse.test' xmlns='jabber:client'><body>a &gt; b</body><x a="q>t"/></message>`;
    const b = `<iq type="get" id="p1"><ping xmlns="urn:xmpp:ping"/><!-- <not-a-tag> --><![CDATA[</iq>]]><iq-inner><iq/></iq-inner></iq>`;
    const c = `<presence/>`;
    const text = `<?xml version="1.0"?>\n<body rid='42' sid='s1' xmlns='http://jabber.org/protocol/httpbind'>${a}\n  ${b}${c}</body>`;
    const parsed = parseBoshBody(text);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.body.children, [a, b, c]);
    assert.equal(parsed.body.attrs.sid, 's1');
    assert.equal(parsed.body.wrapper, `<body rid='42' sid='s1' xmlns='http://jabber.org/protocol/httpbind'/>`);
  });

  it('reads an empty wrapper (the idle long-poll) as no children', () => {
    const parsed = parseBoshBody(`<body rid="1" sid="s" xmlns="http://jabber.org/protocol/httpbind"/>`);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.body.children, []);
    assert.equal(parsed.body.wrapper, `<body rid="1" sid="s" xmlns="http://jabber.org/protocol/httpbind"/>`);
    const spaced = parseBoshBody(`<body rid="2" xmlns="http://jabber.org/protocol/httpbind" >  </body>`);
    assert.ok(spaced.ok);
    assert.deepEqual(spaced.body.children, []);
    assert.equal(spaced.body.wrapper, `<body rid="2" xmlns="http://jabber.org/protocol/httpbind"/>`);
  });

  it('reports what is not a BOSH body instead of throwing', () => {
    assert.deepEqual(parseBoshBody('<html><body>502</body></html>'), {
      ok: false,
      error: 'Expected a BOSH <body> wrapper, got <html>',
    });
    const broken = parseBoshBody('<body rid="1"><message>');
    assert.equal(broken.ok, false);
    assert.equal(parseBoshBody('').ok, false);
  });
});
