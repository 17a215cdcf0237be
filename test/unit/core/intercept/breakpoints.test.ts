// Breakpoint rules match exactly as documented in src/core/intercept/breakpoints.ts.
import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import type { Direction, Frame } from '../../../../src/core/capture/frame';
import {
  BreakpointRule,
  compileBreakpoint,
  compileBreakpoints,
  globToRegExp,
  RuleError,
} from '../../../../src/core/intercept/breakpoints';
import { apiErrorUpdate, dialogUpdate, eventMessage, userUpdate } from '../../../../src/core/finesse/builders';
import { classifyText } from '../../../../src/core/xmpp/framing';

const store = new FrameStore(100);
const frame = (raw: string, dir: Direction = 'in'): Frame =>
  store.append({ session: 's', dir, kind: classifyText(raw), raw });
const agent = { id: 'agent1', loginName: 'agent1' };
const notify = (node: string, updateXml: string) =>
  frame(eventMessage({ from: 'pubsub.finesse.test', to: 'agent1@finesse.test', node, itemId: 'i', updateXml }));

const userReady = notify('/finesse/api/User/agent1', userUpdate(agent, 'READY'));
const dialogPost = notify(
  '/finesse/api/User/agent1/Dialogs',
  dialogUpdate(agent, { id: '7', from: '1', to: '2' }, 'ALERTING', 'POST'),
);
const apiError = notify('/finesse/api/User/agent1', apiErrorUpdate(agent, 'r1', 'Invalid State'));
const presenceOut = frame('<presence xmlns="jabber:client"><status>away</status></presence>', 'out');
const iqGet = frame('<iq xmlns="jabber:client" type="get" id="p"><ping xmlns="urn:xmpp:ping"/></iq>', 'out');
const subscribe = frame(
  '<iq xmlns="jabber:client" type="set" id="s" to="pubsub.finesse.test"><pubsub xmlns="http://jabber.org/protocol/pubsub"><subscribe node="/finesse/api/Team/12/Users" jid="agent1@finesse.test"/></pubsub></iq>',
  'out',
);
const open = frame('<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test" version="1.0"/>', 'out');
const garbage = frame('not xml', 'out');
const all = [userReady, dialogPost, apiError, presenceOut, iqGet, subscribe, open, garbage];

function matching(rule: BreakpointRule): Frame[] {
  const m = compileBreakpoint(rule);
  return all.filter((f) => m(f));
}

describe('breakpoint rules', () => {
  it('an empty rule matches every frame', () => {
    assert.deepEqual(matching({}), all);
  });

  it('direction: in, out or both', () => {
    assert.deepEqual(matching({ direction: 'in' }), [userReady, dialogPost, apiError]);
    assert.deepEqual(matching({ direction: 'out' }), [presenceOut, iqGet, subscribe, open, garbage]);
    assert.deepEqual(matching({ direction: 'both' }), all);
  });

  it('session: one capture session', () => {
    const other = store.append({
      session: 'other',
      dir: 'in',
      kind: 'stanza',
      raw: '<presence xmlns="jabber:client"/>',
    });
    assert.deepEqual(matching({ session: 's' }), all);
    assert.equal(compileBreakpoint({ session: 's' })(other), false);
    assert.equal(compileBreakpoint({ session: 'other' })(other), true);
  });

  it('stanza: the root element local name', () => {
    assert.deepEqual(matching({ stanza: 'presence' }), [presenceOut]);
    assert.deepEqual(matching({ stanza: 'iq' }), [iqGet, subscribe]);
    assert.deepEqual(matching({ stanza: 'open' }), [open]);
    assert.deepEqual(matching({ stanza: 'message' }), [userReady, dialogPost, apiError]);
  });

  it('type: the type attribute', () => {
    assert.deepEqual(matching({ type: 'set' }), [subscribe]);
    assert.deepEqual(matching({ stanza: 'iq', type: 'get' }), [iqGet]);
  });

  it('match: a regex over the raw text, with flags', () => {
    assert.deepEqual(matching({ match: '<status>away' }), [presenceOut]);
    assert.deepEqual(matching({ match: 'NOT XML' }), []);
    assert.deepEqual(matching({ match: 'NOT XML', flags: 'i' }), [garbage]);
    assert.deepEqual(matching({ match: '^<iq\\b.*urn:xmpp:ping' }), [iqGet]);
  });

  it('node: exact, * within a segment, ** across segments; notification or pubsub request', () => {
    assert.deepEqual(matching({ node: '/finesse/api/User/agent1' }), [userReady, apiError]);
    assert.deepEqual(matching({ node: '/finesse/api/User/*' }), [userReady, apiError]);
    assert.deepEqual(matching({ node: '/finesse/api/User/*/Dialogs' }), [dialogPost]);
    assert.deepEqual(matching({ node: '/finesse/api/**' }), [userReady, dialogPost, apiError, subscribe]);
    assert.deepEqual(matching({ node: '/finesse/api/Team/*/Users' }), [subscribe]);
    assert.deepEqual(matching({ node: '/finesse/api/User' }), [], 'exact means exact');
  });

  it('event: POST, PUT or DELETE, case-insensitive', () => {
    assert.deepEqual(matching({ event: 'post' }), [dialogPost]);
    assert.deepEqual(matching({ event: 'PUT' }), [userReady, apiError]);
    assert.throws(() => compileBreakpoint({ event: 'PATCH' }), RuleError);
  });

  it('state: the Update state (user, dialog or apiError type), case-insensitive', () => {
    assert.deepEqual(matching({ state: 'ready' }), [userReady]);
    assert.deepEqual(matching({ state: 'ALERTING' }), [dialogPost]);
    assert.deepEqual(matching({ state: 'Invalid State' }), [apiError]);
  });

  it('every field set must match (AND)', () => {
    assert.deepEqual(matching({ direction: 'in', node: '/finesse/api/User/agent1', state: 'READY' }), [userReady]);
    assert.deepEqual(matching({ direction: 'out', state: 'READY' }), []);
  });

  it('any enabled rule of a list matches (OR), and the first match is reported', () => {
    const match = compileBreakpoints([
      { id: 'off', stanza: 'presence', enabled: false },
      { id: 'pings', match: 'urn:xmpp:ping' },
      { id: 'sets', type: 'set' },
    ]);
    assert.equal(match(presenceOut), undefined, 'disabled rule ignored');
    assert.equal(match(iqGet)?.id, 'pings');
    assert.equal(match(subscribe)?.id, 'sets');
    assert.equal(compileBreakpoints([])(iqGet), undefined);
  });

  it('bad rules are refused with a message naming them', () => {
    assert.throws(
      () => compileBreakpoint({ id: 'r1', match: '(' }),
      (e: Error) => e instanceof RuleError && /breakpoint "r1"/.test(e.message),
    );
    assert.throws(() => compileBreakpoint({ direction: 'up' as Direction }), /direction must be/);
  });

  it("filter: the panel's filter language, ANDed with any old-style field", () => {
    assert.deepEqual(matching({ filter: 'dir:in event:POST' }), [dialogPost]);
    assert.deepEqual(matching({ filter: 'node:User/agent1 state:READY' }), [userReady]);
    assert.deepEqual(matching({ filter: 'dir:out /^<iq\\b/', type: 'set' }), [subscribe]);
    assert.throws(() => compileBreakpoint({ id: 'r', filter: 'state:' }), /breakpoint "r": state: needs a value/);
    assert.throws(() => compileBreakpoint({ id: 'r', filter: '  ' }), /breakpoint "r": the filter is empty/);
  });

  it('match runs on the linear-time engine: a pattern that backtracks forever answers at once', () => {
    const evil = frame(`${'a'.repeat(40)}!`, 'out');
    assert.equal(compileBreakpoint({ match: '(a+)+$' })(evil), false);
    assert.throws(
      () => compileBreakpoint({ id: 'look', match: '(?=a)' }),
      /breakpoint "look": invalid regular expression/,
    );
  });

  it('globs escape everything else', () => {
    assert.equal(globToRegExp('/a.b/*').test('/a.b/c'), true);
    assert.equal(globToRegExp('/a.b/*').test('/axb/c'), false);
    assert.equal(globToRegExp('/a/*').test('/a/b/c'), false);
  });

  it('runs match on the linear-time engine: a catastrophic pattern decides at once', () => {
    const long = frame(`<message xmlns="jabber:client"><body>${'a'.repeat(5000)}!</body></message>`);
    // In JavaScript's backtracking engine this pattern takes longer than the test timeout here.
    const m = compileBreakpoint({ match: '(a+)+$' });
    assert.equal(m(long), false);
    assert.equal(compileBreakpoint({ match: '(a+)+!' })(long), true);
    assert.throws(() => compileBreakpoint({ id: 'b', match: '(a)\\1' }), /b.*invalid regular expression/i);
  });
});
