import assert from 'node:assert/strict';
import { escapesUpdates, fromEditable, toEditable } from '../../../../src/core/intercept/editable';
import { dialogUpdate, eventMessage, userUpdate } from '../../../../src/core/finesse/builders';
import { decodeUpdate } from '../../../../src/core/finesse/update';
import { parseXml } from '../../../../src/core/xmpp/xml';
import { relayedUpdate } from '../../../support/hubFrames';

const agent = { id: 'agent1', loginName: 'agent1' };
const notification = eventMessage({
  from: 'pubsub.finesse.test',
  to: 'agent1@finesse.test/desktop',
  node: '/finesse/api/User/agent1/Dialogs',
  itemId: 'i1',
  updateXml: dialogUpdate(agent, { id: '7', from: '1000', to: '2000' }, 'ALERTING', 'POST'),
});

describe('held-frame editor form', () => {
  it('pretty-prints a stanza, one element per line', () => {
    const text = toEditable('<presence xmlns="jabber:client"><show>away</show><status>lunch</status></presence>');
    assert.equal(text, '<presence xmlns="jabber:client">\n  <show>away</show>\n  <status>lunch</status>\n</presence>');
  });

  it('shows the escaped Finesse Update decoded, as XML without namespace', () => {
    const text = toEditable(notification);
    assert.doesNotMatch(text, /&lt;/);
    assert.match(text, /<notification xmlns="http:\/\/jabber.org\/protocol\/pubsub">\n\s+<Update xmlns="">\n\s+<data>/);
    assert.match(text, /^\s+<state>ALERTING<\/state>$/m);
  });

  it('turns an untouched editor text back into the exact original bytes', () => {
    assert.equal(escapesUpdates(notification), true);
    const back = fromEditable(toEditable(notification), { escapeUpdates: true });
    assert.deepEqual(back, { ok: true, raw: notification });
    const presence = '<presence xmlns="jabber:client"><status>a b</status></presence>';
    assert.deepEqual(fromEditable(toEditable(presence)), { ok: true, raw: presence });
  });

  it('re-escapes an edited Update the way Finesse sends it', () => {
    const edited = toEditable(notification).replace(/<state>ALERTING<\/state>/g, '<state>ACTIVE</state>');
    const back = fromEditable(edited);
    assert.ok(back.ok);
    assert.match(back.raw, /&lt;state&gt;ACTIVE&lt;\/state&gt;/);
    assert.doesNotMatch(back.raw, /xmlns=""/);
    const parsed = parseXml(back.raw);
    assert.ok(parsed.ok);
    assert.equal(decodeUpdate(parsed.element)?.state, 'ACTIVE');
  });

  it('keeps an inline Update inline when the original carried it so', () => {
    const inline =
      '<message xmlns="jabber:client"><event xmlns="http://jabber.org/protocol/pubsub#event"><items node="/finesse/api/User/a"><item id="1"><notification xmlns="http://jabber.org/protocol/pubsub"><Update><event>PUT</event></Update></notification></item></items></event></message>';
    assert.equal(escapesUpdates(inline), false);
    assert.deepEqual(fromEditable(toEditable(inline), { escapeUpdates: false }), { ok: true, raw: inline });
  });

  it('leaves leaf text exactly as typed, and refuses malformed text with the parse error', () => {
    assert.deepEqual(fromEditable('<message xmlns="jabber:client">\n  <body>  two  spaces  </body>\n</message>'), {
      ok: true,
      raw: '<message xmlns="jabber:client"><body>  two  spaces  </body></message>',
    });
    const bad = fromEditable('<message><body>x</message>');
    assert.equal(bad.ok, false);
    assert.equal(toEditable('not xml <'), 'not xml <', 'malformed frames are edited as text');
  });

  it('a User update round trip', () => {
    const raw = eventMessage({
      from: 'p',
      to: 'a@b',
      node: '/finesse/api/User/agent1',
      itemId: 'x',
      updateXml: userUpdate(agent, 'READY', { requestId: 'r' }),
    });
    assert.deepEqual(fromEditable(toEditable(raw)), { ok: true, raw });
  });
});

describe('held-frame editor form of a hub frame', () => {
  const record = relayedUpdate('/finesse/api/User/agent1', userUpdate(agent, 'READY'), { causedBy: 4 });

  it('opens as the record indented by two, and an untouched or reformatted edit goes back byte for byte', () => {
    const text = toEditable(record, 'hub');
    assert.match(text, /^\{\n {2}"topic": "finesse\.api\.User\.agent1",\n {2}"from": "desktop",\n {2}"to": \[\n/);
    assert.deepEqual(fromEditable(text, { escapeUpdates: false, kind: 'hub' }), { ok: true, raw: record });
    // Key order and spacing the user changed do not matter: the record goes out as formatHubFrame writes it.
    const reordered = JSON.stringify({ ...JSON.parse(record), topic: 'finesse.api.User.agent1' }, null, 4);
    assert.deepEqual(fromEditable(reordered, { escapeUpdates: false, kind: 'hub' }), { ok: true, raw: record });
  });

  it('sends an edited payload compact, and refuses text that is no hub record', () => {
    const edited = JSON.parse(toEditable(record, 'hub'));
    edited.payload = { content: 'x', extra: [1, 2] };
    const wire = fromEditable(JSON.stringify(edited, null, 2), { escapeUpdates: false, kind: 'hub' });
    assert.ok(wire.ok);
    assert.equal(wire.raw.includes('\n'), false);
    assert.deepEqual(JSON.parse(wire.raw).payload, { content: 'x', extra: [1, 2] });
    const bad = fromEditable('{"topic": "a"', { escapeUpdates: false, kind: 'hub' });
    assert.equal(bad.ok, false);
    assert.equal(toEditable('{"topic": "a"', 'hub'), '{"topic": "a"', 'text that is not JSON is edited as it is');
  });
});
