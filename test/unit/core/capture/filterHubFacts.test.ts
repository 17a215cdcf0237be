// The filter reads a hub frame's relayed Update from its text (relayedFacts in
// src/core/capture/filter.ts) instead of parsing the payload; this holds it to what frameView
// decodes, over the records the desktop writes and the ones it does not.
import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { compileFilter, relayedFacts } from '../../../../src/core/capture/filter';
import { frameView } from '../../../../src/core/capture/frameView';
import { formatHubFrame } from '../../../../src/core/hub/hubFrame';
import { apiErrorUpdate, dialogUpdate, teamUserUpdate, userUpdate } from '../../../../src/core/finesse/builders';
import { nodes } from '../../../../src/core/finesse/nodes';
import { hubPublish, relayedUpdate } from '../../../support/hubFrames';

const agent = { id: 'agent1', loginName: 'agent1' };
const call = { id: '16777236', from: '1001', to: '6001' };
const WORDS = ['READY', 'NOT_READY', 'TALKING', 'ALERTING', 'ACTIVE', 'DROPPED', 'WORK', 'Invalid'];
const EVENTS = { POST: 1, PUT: 2, DELETE: 4 } as const;
const record = (payload: unknown) =>
  formatHubFrame({ topic: 'finesse.api.User.agent1', from: 'desktop', to: [], payload });
const user = nodes.user('agent1');

/** Records the text reading vouches for: it must answer for every one of them. */
const plain: [string, string][] = [
  ['user READY', relayedUpdate(user, userUpdate(agent, 'READY', { requestId: 'r1' }))],
  ['user NOT_READY with a reason', relayedUpdate(user, userUpdate(agent, 'NOT_READY', { reasonCodeId: '7' }))],
  ['dialog POST', relayedUpdate(nodes.userDialogs('agent1'), dialogUpdate(agent, call, 'ALERTING', 'POST'))],
  ['dialog PUT', relayedUpdate(nodes.userDialogs('agent1'), dialogUpdate(agent, call, 'ACTIVE', 'PUT'))],
  ['dialog DELETE', relayedUpdate(nodes.userDialogs('agent1'), dialogUpdate(agent, call, 'DROPPED', 'DELETE'))],
  ['apiErrors', relayedUpdate(user, apiErrorUpdate(agent, 'r2'))],
  ['team user', relayedUpdate(nodes.teamUsers('1'), teamUserUpdate('1', agent, 'TALKING'))],
  ['a payload that is no object', hubPublish('acme.x', '3 G', [], 'READY')],
  ['content that is no Update', record({ content: '/finesse/api/User/agent1<User/>', object: {} })],
  ['content without a node', record({ content: '<Update><event>PUT</event></Update>', object: {} })],
  [
    'quotes and backslashes in the content',
    record({
      content: `${user}<Update><data><user><state>READY</state><note a="x\\\\&quot;">"q" \\</note></user></data><event>PUT</event></Update>`,
      object: {},
    }),
  ],
];

/** Records it must leave to the parser (or answer the same). */
const others: [string, string][] = [
  ['a gadget payload', hubPublish('acme.x', '3 G', [], { text: 'READY <Update>' })],
  ['content after object', record({ object: {}, content: `${user}${userUpdate(agent, 'READY')}` })],
  ['a second content key', record({ content: `${user}${userUpdate(agent, 'READY')}`, object: { content: 'x' } })],
  [
    'an Update that does not parse',
    record({ content: `${user}<Update><state>READY</state><event>PUT</event>`, object: {} }),
  ],
  [
    'escaped markup in the Update',
    record({
      content: `${user}<Update><data><user><state>READY</state><x>&lt;state&gt;WORK&lt;/state&gt;</x></user></data><event>PUT</event></Update>`,
      object: {},
    }),
  ],
  [
    'CDATA in the Update',
    record({
      content: `${user}<Update><data><user><state><![CDATA[TALKING]]></state></user></data><event>PUT</event></Update>`,
      object: {},
    }),
  ],
  ['unicode escapes in the JSON', relayedUpdate(user, userUpdate(agent, 'WORK')).replace(/</g, '\\u003c')],
  [
    'keys in another order',
    JSON.stringify({
      payload: { content: `${user}${userUpdate(agent, 'READY')}` },
      topic: 't',
      from: 'desktop',
      to: [],
    }),
  ],
  ['text that is no record', '{"topic":"t","from":"desktop","to":[],"payload":{"content":"/finesse/api/User/a<Update>'],
];

describe('hub frames: the Update keys read from the text answer as frameView does', () => {
  const store = new FrameStore();
  for (const [name, raw] of [...plain, ...others]) {
    it(name, () => {
      const f = store.append({ session: 'h', dir: 'in', kind: 'hub', raw });
      const facts = relayedFacts(raw);
      const fresh = store.append({ session: 'h', dir: 'in', kind: 'hub', raw });
      const u = frameView(fresh).finesse;
      if (plain.some(([n]) => n === name)) {
        assert.notEqual(facts.relays, undefined, 'the text says whether it relays an Update');
        if (facts.relays) {
          assert.notEqual(facts.state, undefined, 'and its state');
          assert.notEqual(facts.events, undefined, 'and its events');
        }
      }
      if (facts.relays !== undefined) assert.equal(facts.relays, u !== undefined, 'relays');
      if (facts.state !== undefined)
        for (const w of WORDS)
          assert.equal(facts.state === w.toLowerCase(), u?.state?.toLowerCase() === w.toLowerCase(), `state ${w}`);
      if (facts.events !== undefined)
        for (const [e, bit] of Object.entries(EVENTS))
          assert.equal((facts.events & bit) !== 0, u?.event === e, `event ${e}`);
      // And the filter keys, on a frame whose facts were read from the text, agree with the parse.
      for (const q of [...WORDS.map((w) => `state:${w}`), 'event:PUT', 'event:POST', 'event:DELETE', 'has:update']) {
        const c = compileFilter(q);
        assert.ok(c.ok);
        const want =
          q === 'has:update'
            ? u !== undefined
            : q.startsWith('event:')
              ? u?.event === q.slice(6)
              : u?.state?.toLowerCase() === q.slice(6).toLowerCase();
        assert.equal(c.filter.matcher()(f), want, q);
      }
    });
  }
});
