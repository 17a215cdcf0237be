import assert from 'node:assert/strict';
import { decodeUpdate, decodeUpdates, decodeUpdateText, updateLabel } from '../../../../src/core/finesse/update';
import {
  apiErrorUpdate,
  dialogUpdate,
  eventMessage,
  teamUserUpdate,
  userUpdate,
} from '../../../../src/core/finesse/builders';
import { nodes } from '../../../../src/core/finesse/nodes';
import { Element, parseXml } from '../../../../src/core/xmpp/xml';

const agent = { id: 'agent1', loginName: 'agent1' };
const call = { id: '16777236', from: '5551234', to: '1001' };

function el(raw: string): Element {
  const r = parseXml(raw);
  if (!r.ok) throw new Error(r.error);
  return r.element;
}

function message(node: string, updateXml: string): Element {
  return el(eventMessage({ from: 'pubsub.finesse.test', to: 'agent1@finesse.test', node, itemId: 'i1', updateXml }));
}

const EVENT_NS = 'http://jabber.org/protocol/pubsub#event';

describe('Finesse Update decoding', () => {
  it('decodes an escaped User Update: node, event, requestId, source, kind, state', () => {
    const u = decodeUpdate(message(nodes.user('agent1'), userUpdate(agent, 'READY', { requestId: 'req-1' })));
    assert.ok(u);
    assert.equal(u.error, undefined);
    assert.deepEqual(
      {
        node: u.node,
        itemId: u.itemId,
        event: u.event,
        requestId: u.requestId,
        source: u.source,
        kind: u.kind,
        state: u.state,
      },
      {
        node: '/finesse/api/User/agent1',
        itemId: 'i1',
        event: 'PUT',
        requestId: 'req-1',
        source: '/finesse/api/User/agent1',
        kind: 'user',
        state: 'READY',
      },
    );
    assert.match(u.xml, /^<Update><data><user>/);
    assert.equal(u.element?.name, 'Update');
    assert.equal(updateLabel(u), 'User agent1 PUT → READY');
  });

  it('decodes Dialog POST, PUT and DELETE with the dialog state', () => {
    const node = nodes.userDialogs('agent1');
    const post = decodeUpdate(message(node, dialogUpdate(agent, call, 'ALERTING', 'POST')));
    assert.deepEqual([post?.event, post?.kind, post?.state], ['POST', 'dialogs', 'ALERTING']);
    const put = decodeUpdate(message(node, dialogUpdate(agent, call, 'ACTIVE', 'PUT')));
    assert.deepEqual([put?.event, put?.kind, put?.state], ['PUT', 'dialog', 'ACTIVE']);
    const del = decodeUpdate(message(node, dialogUpdate(agent, call, 'DROPPED', 'DELETE')));
    assert.deepEqual([del?.event, del?.kind, del?.state], ['DELETE', 'dialog', 'DROPPED']);
    assert.equal(updateLabel(put!), 'User agent1 Dialogs PUT → ACTIVE');
  });

  it('takes the error type as the state of an apiErrors Update', () => {
    const u = decodeUpdate(message(nodes.user('agent1'), apiErrorUpdate(agent, 'req-9')));
    assert.deepEqual([u?.kind, u?.state, u?.requestId], ['apiErrors', 'Invalid State', 'req-9']);
  });

  it('decodes a team member update', () => {
    const u = decodeUpdate(message(nodes.teamUsers('1'), teamUserUpdate('1', agent, 'NOT_READY')));
    assert.deepEqual(
      [u?.node, u?.kind, u?.state, u?.source],
      ['/finesse/api/Team/1/Users', 'user', 'NOT_READY', '/finesse/api/Team/1/Users'],
    );
    assert.equal(updateLabel(u!), 'Team 1 Users PUT → NOT_READY');
  });

  it('tolerates casing variants of element names and the event value', () => {
    const text =
      '<update><Data><User><State>TALKING</State></User></Data><EVENT>put</EVENT><requestID>r7</requestID><SOURCE>/finesse/api/User/agent1</SOURCE></update>';
    const u = decodeUpdateText(text, nodes.user('agent1'));
    assert.equal(u.error, undefined);
    assert.deepEqual(
      [u.event, u.requestId, u.source, u.kind, u.state],
      ['PUT', 'r7', '/finesse/api/User/agent1', 'User', 'TALKING'],
    );
  });

  it('accepts the Update as inline XML instead of escaped text, and prefixed pubsub elements', () => {
    const inline = `<message from="pubsub.finesse.test"><ps:event xmlns:ps="${EVENT_NS}"><ps:items node="/finesse/api/User/agent1"><ps:item id="x"><notification xmlns="http://jabber.org/protocol/pubsub"><Update><data><user><state>LOGOUT</state></user></data><event>PUT</event></Update></notification></ps:item></ps:items></ps:event></message>`;
    const u = decodeUpdate(el(inline));
    assert.deepEqual([u?.node, u?.itemId, u?.state, u?.event], ['/finesse/api/User/agent1', 'x', 'LOGOUT', 'PUT']);
  });

  it('decodes every item of an event carrying several', () => {
    const items = ['READY', 'NOT_READY'].map(
      (s, i) =>
        `<item id="i${i}"><notification xmlns="http://jabber.org/protocol/pubsub">${escapeText(userUpdate(agent, s as 'READY'))}</notification></item>`,
    );
    const msg = el(
      `<message><event xmlns="${EVENT_NS}"><items node="/finesse/api/User/agent1">${items.join('')}<retract id="old"/></items></event></message>`,
    );
    assert.deepEqual(
      decodeUpdates(msg).map((u) => [u.itemId, u.state]),
      [
        ['i0', 'READY'],
        ['i1', 'NOT_READY'],
      ],
    );
  });

  it('reports a notification that does not decode, keeping its text', () => {
    const broken = decodeUpdate(message(nodes.user('agent1'), '<Update><data><user></Update>'));
    assert.ok(broken);
    assert.match(broken.error ?? '', /mismatched/i);
    assert.equal(broken.xml, '<Update><data><user></Update>');
    const other = decodeUpdateText('<Something/>', '/finesse/api/User/agent1');
    assert.match(other.error ?? '', /Expected <Update>/);
    assert.equal(other.kind, 'Something');
  });

  it('handles updates without data and empty collections', () => {
    const del = decodeUpdateText(
      '<Update><data><dialogs/></data><event>DELETE</event></Update>',
      nodes.userDialogs('agent1'),
    );
    assert.deepEqual([del.event, del.kind, del.state], ['DELETE', 'dialogs', undefined]);
    const noData = decodeUpdateText(
      '<Update><event>DELETE</event><source>/finesse/api/User/agent1/Dialogs</source></Update>',
      nodes.userDialogs('agent1'),
    );
    assert.equal(noData.kind, 'dialogs');
    assert.equal(updateLabel(noData), 'User agent1 Dialogs DELETE dialogs');
    const unknownEvent = decodeUpdateText('<Update><event>PATCH</event></Update>', 'n');
    assert.equal(unknownEvent.event, undefined);
  });

  it('returns nothing for stanzas that are not pubsub events', () => {
    assert.equal(decodeUpdate(el('<iq type="result"/>')), undefined);
    assert.equal(decodeUpdate(el('<message><body>hi</body></message>')), undefined);
    assert.equal(
      decodeUpdate(el(`<message><event xmlns="${EVENT_NS}"><items node="n"><item id="e"/></items></event></message>`)),
      undefined,
    );
  });
});

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
