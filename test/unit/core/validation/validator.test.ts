// The validator against real libxml2 (wasm) and our schemas: valid stanzas pass clean, each kind
// of mistake gives the expected diagnostic at the expected place.
import assert from 'node:assert/strict';
import { validateXml } from '../../../../src/core/validation/validator';
import { Diagnostic, formatDiagnostic, hasErrors } from '../../../../src/core/validation/diagnostic';
import {
  dialogUpdate,
  eventMessage,
  apiErrorUpdate,
  teamUserUpdate,
  userUpdate,
} from '../../../../src/core/finesse/builders';
import { toEditable } from '../../../../src/core/intercept/editable';

const agent = { id: 'agent1', loginName: 'agent1' };
const call = { id: '16777236', from: '1000', to: '2000' };
const message = (node: string, updateXml: string) =>
  eventMessage({ from: 'pubsub.finesse.test', to: 'agent1@finesse.test/desktop', node, itemId: 'item-1', updateXml });

/** The text a diagnostic's range covers. */
function covered(text: string, d: Diagnostic): string {
  const lines = text.split('\n');
  if (d.line === d.endLine) return lines[d.line - 1].slice(d.column - 1, d.endColumn - 1);
  return [
    lines[d.line - 1].slice(d.column - 1),
    ...lines.slice(d.line, d.endLine - 1),
    lines[d.endLine - 1].slice(0, d.endColumn - 1),
  ].join('\n');
}

async function only(text: string): Promise<Diagnostic> {
  const ds = await validateXml(text);
  assert.equal(ds.length, 1, ds.map(formatDiagnostic).join('\n') || 'no diagnostics');
  return ds[0];
}

describe('validateXml', () => {
  describe('accepts what clients, Prosody and Finesse really send', () => {
    const valid: Record<string, string> = {
      open: '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test" version="1.0"/>',
      close: '<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>',
      'presence with show and status':
        '<presence xmlns="jabber:client"><show>dnd</show><status>On a call</status><priority>5</priority></presence>',
      'presence unavailable': '<presence xmlns="jabber:client" type="unavailable"/>',
      'message with body':
        '<message xmlns="jabber:client" to="agent2@finesse.test" type="chat" id="m1"><body>hello</body></message>',
      'iq ping': '<iq xmlns="jabber:client" type="get" id="p1" to="finesse.test"><ping xmlns="urn:xmpp:ping"/></iq>',
      'iq empty result': '<iq xmlns="jabber:client" type="result" id="p1" from="finesse.test"/>',
      'bind result':
        '<iq xmlns="jabber:client" type="result" id="b1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><jid>agent1@finesse.test/desktop</jid></bind></iq>',
      'iq error':
        '<iq xmlns="jabber:client" type="error" id="x" from="pubsub.finesse.test"><error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/><text xmlns="urn:ietf:params:xml:ns:xmpp-stanzas">no such node</text></error></iq>',
      'pubsub subscribe':
        '<iq xmlns="jabber:client" type="set" id="sub1" to="pubsub.finesse.test"><pubsub xmlns="http://jabber.org/protocol/pubsub"><subscribe node="/finesse/api/Team/1/Users" jid="agent1@finesse.test"/></pubsub></iq>',
      'pubsub subscription result':
        '<iq xmlns="jabber:client" type="result" id="sub1" from="pubsub.finesse.test"><pubsub xmlns="http://jabber.org/protocol/pubsub"><subscription node="/finesse/api/Team/1/Users" jid="agent1@finesse.test" subscription="subscribed" subid="abc"/></pubsub></iq>',
      'User Update': message('/finesse/api/User/agent1', userUpdate(agent, 'READY', { requestId: 'r1' })),
      'Dialogs POST': message('/finesse/api/User/agent1/Dialogs', dialogUpdate(agent, call, 'ALERTING', 'POST')),
      'Dialog PUT': message('/finesse/api/User/agent1/Dialogs', dialogUpdate(agent, call, 'ACTIVE', 'PUT')),
      apiErrors: message('/finesse/api/User/agent1', apiErrorUpdate(agent, 'req-9')),
      'Team user': message('/finesse/api/Team/1/Users', teamUserUpdate('1', agent, 'NOT_READY')),
      'a bare Update document': userUpdate(agent, 'TALKING'),
      'SASL auth (no schema of ours)':
        '<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">[redacted]</auth>',
    };
    for (const [name, text] of Object.entries(valid)) {
      it(name, async () => {
        const ds = await validateXml(text);
        assert.deepEqual(ds.map(formatDiagnostic), []);
      });
    }

    it('the editor form of a Finesse notification (Update decoded inline, pretty-printed)', async () => {
      const text = toEditable(message('/finesse/api/User/agent1/Dialogs', dialogUpdate(agent, call, 'ACTIVE', 'PUT')));
      assert.match(text, /<Update xmlns="">/);
      assert.deepEqual((await validateXml(text)).map(formatDiagnostic), []);
    });
  });

  describe('RFC 6120 rules', () => {
    it('an iq without id: error on the iq element', async () => {
      const text = '<iq xmlns="jabber:client" type="get" to="finesse.test">\n  <ping xmlns="urn:xmpp:ping"/>\n</iq>';
      const d = await only(text);
      assert.equal(d.code, 'iq-id');
      assert.equal(d.severity, 'error');
      assert.equal(d.source, 'rfc6120');
      assert.deepEqual([d.line, d.column, d.endLine, d.endColumn], [1, 2, 1, 4]);
      assert.equal(covered(text, d), 'iq');
    });

    it('an iq get/set with two children: error on the second child', async () => {
      const text = '<iq xmlns="jabber:client" type="set" id="a">\n  <a xmlns="urn:x"/>\n  <b xmlns="urn:y"/>\n</iq>';
      const d = await only(text);
      assert.equal(d.code, 'iq-child-count');
      assert.match(d.message, /exactly one child element \(found 2\)/);
      assert.equal(d.line, 3);
      assert.equal(covered(text, d), 'b');
    });

    it('an iq get without child', async () => {
      const d = await only('<iq xmlns="jabber:client" type="get" id="a"/>');
      assert.equal(d.code, 'iq-child-count');
      assert.match(d.message, /found 0/);
    });

    it('an iq result with two children', async () => {
      assert.equal(
        (await only('<iq xmlns="jabber:client" type="result" id="a"><a xmlns="urn:x"/><b xmlns="urn:y"/></iq>')).code,
        'iq-result-children',
      );
    });

    it('type="error" without <error/>, and <error/> without type="error"', async () => {
      assert.equal((await only('<message xmlns="jabber:client" type="error" id="m"/>')).code, 'error-child-missing');
      const text =
        '<presence xmlns="jabber:client"><error type="cancel"><conflict xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></presence>';
      const d = await only(text);
      assert.equal(d.code, 'error-child-unexpected');
      assert.equal(covered(text, d), 'error');
    });

    it('an <error/> needs exactly one defined condition', async () => {
      const d = await only('<iq xmlns="jabber:client" type="error" id="x"><error type="cancel"/></iq>');
      assert.equal(d.code, 'error-condition');
      assert.match(d.message, /found 0/);
    });

    it('a malformed JID in to/from: error on the attribute', async () => {
      const text = '<message xmlns="jabber:client" to="a@b@c"><body>x</body></message>';
      const d = await only(text);
      assert.equal(d.code, 'jid-malformed');
      assert.equal(covered(text, d), 'to="a@b@c"');
    });

    it('a stanza without xmlns: a warning, and the jabber:client schema still applies', async () => {
      const text = '<presence>\n  <show>busy</show>\n</presence>';
      const ds = await validateXml(text);
      assert.deepEqual(
        ds.map((d) => [d.severity, d.code ?? d.source, d.line]),
        [
          ['warning', 'stanza-namespace', 1],
          ['error', 'xsd', 2],
        ],
      );
      assert.equal(covered(text, ds[1]), 'busy');
    });

    it('a DTD is refused before parsing', async () => {
      const d = await only('<!DOCTYPE x [<!ENTITY big "aaaa">]><presence xmlns="jabber:client">&big;</presence>');
      assert.equal(d.code, 'dtd');
    });
  });

  describe('jabber:client schema', () => {
    it('an unknown show value: error on the text', async () => {
      const text = '<presence xmlns="jabber:client">\n  <show>busy</show>\n</presence>';
      const d = await only(text);
      assert.equal(d.source, 'xsd');
      assert.match(d.message, /'busy' is not an element of the set \{'away', 'chat', 'dnd', 'xa'\}/);
      assert.deepEqual([d.line, d.column], [2, 9]);
      assert.equal(covered(text, d), 'busy');
    });

    it('an unknown iq type: error on the attribute value', async () => {
      const text = '<iq xmlns="jabber:client" type="fetch" id="a"><q xmlns="urn:x"/></iq>';
      const d = await only(text);
      assert.equal(covered(text, d), 'fetch');
    });

    it('an unknown jabber:client child', async () => {
      const text = '<message xmlns="jabber:client"><bodyy>x</bodyy></message>';
      const d = await only(text);
      assert.match(d.message, /Element 'bodyy': This element is not expected/);
      assert.equal(covered(text, d), 'bodyy');
    });

    it('a priority out of range', async () => {
      const d = await only('<presence xmlns="jabber:client"><priority>300</priority></presence>');
      assert.match(d.message, /priority/);
    });

    it('<open/> without version', async () => {
      const d = await only('<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test"/>');
      assert.match(d.message, /The attribute 'version' is required/);
    });
  });

  describe('XEP-0060 rules and schema', () => {
    const sub = (attrs: string, type = 'set', to = ' to="pubsub.finesse.test"') =>
      `<iq xmlns="jabber:client" type="${type}" id="s1"${to}><pubsub xmlns="http://jabber.org/protocol/pubsub"><subscribe${attrs}/></pubsub></iq>`;

    it('subscribe without jid, and without node', async () => {
      const text = sub(' node="/finesse/api/Team/1/Users"');
      const d = await only(text);
      assert.equal(d.code, 'subscribe-jid');
      assert.equal(covered(text, d), 'subscribe');
      assert.equal((await only(sub(' jid="agent1@finesse.test"'))).code, 'subscribe-node');
    });

    it('subscribe in an iq of type get', async () => {
      const d = await only(sub(' node="/n" jid="agent1@finesse.test"', 'get'));
      assert.equal(d.code, 'pubsub-iq-type');
    });

    it('a pubsub set without to: a warning', async () => {
      const d = await only(sub(' node="/n" jid="agent1@finesse.test"', 'set', ''));
      assert.equal(d.code, 'pubsub-to');
      assert.equal(d.severity, 'warning');
    });

    it('subscribe for someone else than the sender: a warning', async () => {
      const text =
        '<iq xmlns="jabber:client" type="set" id="s" from="agent1@finesse.test/desktop" to="pubsub.finesse.test"><pubsub xmlns="http://jabber.org/protocol/pubsub"><subscribe node="/n" jid="agent2@finesse.test"/></pubsub></iq>';
      assert.equal((await only(text)).code, 'subscribe-jid-mismatch');
    });

    it('two actions in one pubsub element (schema)', async () => {
      const text =
        '<iq xmlns="jabber:client" type="set" id="s" to="pubsub.finesse.test"><pubsub xmlns="http://jabber.org/protocol/pubsub"><subscribe node="/n" jid="a@b"/><unsubscribe node="/n" jid="a@b"/></pubsub></iq>';
      const d = await only(text);
      assert.equal(d.source, 'xsd');
      assert.equal(covered(text, d), 'unsubscribe');
    });

    it('event items without node (schema)', async () => {
      const d = await only(
        '<message xmlns="jabber:client"><event xmlns="http://jabber.org/protocol/pubsub#event"><items><item id="1"/></items></event></message>',
      );
      assert.match(d.message, /The attribute 'node' is required/);
    });
  });

  describe('Finesse Updates inside notifications', () => {
    const withEvent = (event: string) =>
      message(
        '/finesse/api/User/agent1',
        userUpdate(agent, 'READY').replace('<event>PUT</event>', `<event>${event}</event>`),
      );

    it('event FOO, escaped as on the wire: error exactly on FOO inside the escaped text', async () => {
      const text = withEvent('FOO');
      const d = await only(text);
      assert.equal(d.source, 'xsd');
      assert.match(
        d.message,
        /^Finesse Update: Element 'event': \[facet 'enumeration'\] The value 'FOO' is not an element of the set \{'POST', 'PUT', 'DELETE'/,
      );
      assert.equal(covered(text, d), 'FOO');
    });

    it('event FOO in the editor form: error on FOO on its own line', async () => {
      const text = toEditable(withEvent('FOO'));
      const d = await only(text);
      const line = text.split('\n')[d.line - 1];
      assert.match(line, /^\s*<event>FOO<\/event>$/);
      assert.equal(covered(text, d), 'FOO');
    });

    it('lower-case put is accepted (the guide writes it so)', async () => {
      assert.deepEqual(await validateXml(withEvent('put')), []);
    });

    it('an unknown Dialog element: a warning naming it, on it', async () => {
      const text = toEditable(
        message(
          '/finesse/api/User/agent1/Dialogs',
          dialogUpdate(agent, call, 'ACTIVE', 'PUT').replace('<mediaType>', '<colour>red</colour><mediaType>'),
        ),
      );
      const d = await only(text);
      assert.equal(d.severity, 'warning');
      assert.match(d.message, /Element 'colour': This element is not expected.*not in the Finesse developer guide/);
      assert.equal(covered(text, d), 'colour');
    });

    it('an unknown Dialog state: an error on the value', async () => {
      const text = message(
        '/finesse/api/User/agent1/Dialogs',
        dialogUpdate(agent, call, 'ACTIVE', 'PUT').replace(
          /<state>ACTIVE<\/state><toAddress>/,
          '<state>RINGING</state><toAddress>',
        ),
      );
      const d = await only(text);
      assert.equal(d.severity, 'error');
      assert.equal(covered(text, d), 'RINGING');
    });

    it('an Update without source, and a PUT without data', async () => {
      const ds = await validateXml(message('/finesse/api/User/agent1', '<Update><event>PUT</event></Update>'));
      assert.deepEqual(
        ds.map((d) => d.code ?? d.source),
        ['xsd', 'update-data'],
      );
      assert.match(ds[0].message, /Missing child element\(s\)\. Expected is one of \(.*source \)/);
    });

    it('a notification whose escaped text is not XML: the parse error points into it', async () => {
      const text = message('/finesse/api/User/agent1', '<Update><event>PUT</evnt></Update>');
      const d = await only(text);
      assert.equal(d.source, 'xml');
      assert.match(d.message, /^Finesse Update: .*mismatch/);
      assert.ok(text.slice(0, d.column - 1).includes('&lt;event&gt;PUT'), 'points after the opening <event>');
    });

    it('something else than an Update in a notification', async () => {
      const d = await only(message('/finesse/api/User/agent1', '<User><state>READY</state></User>'));
      assert.equal(d.code, 'update-root');
    });
  });

  describe('well-formedness', () => {
    it('reports libxml2 parse errors with line and column', async () => {
      const text = '<message xmlns="jabber:client">\n  <body>hi</message>';
      const d = await only(text);
      assert.equal(d.source, 'xml');
      assert.equal(d.line, 2);
      assert.match(d.message, /Opening and ending tag mismatch: body/);
      assert.ok(hasErrors([d]));
    });

    it('counts columns in characters after non-ASCII text', async () => {
      const text = '<message xmlns="jabber:client"><body>Grüße €</bod></message>';
      const d = await only(text);
      assert.equal(d.line, 1);
      // libxml2 counts UTF-8 bytes (ü, ß: 2, €: 3); the diagnostic must land on the bad end tag.
      const tag = text.indexOf('</bod>');
      assert.ok(
        d.column - 1 >= tag && d.column - 1 <= tag + '</bod>'.length,
        `column ${d.column} is on </bod> at ${tag + 1}`,
      );
    });

    it('an empty document', async () => {
      assert.equal((await only('  ')).code, 'empty');
    });

    it('two root elements', async () => {
      assert.equal((await only('<a/><b/>')).source, 'xml');
    });
  });
});
