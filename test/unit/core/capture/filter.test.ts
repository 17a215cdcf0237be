// The filter language over real frames in a FrameStore (src/core/capture/filter.ts).
import assert from 'node:assert/strict';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import type { Frame, FrameInput } from '../../../../src/core/capture/frame';
import {
  compileFilter,
  FilterSpec,
  FrameLinks,
  frameNode,
  highlighter,
  tokenize,
} from '../../../../src/core/capture/filter';
import { ResponseIndex } from '../../../../src/core/capture/responseIndex';
import { apiErrorUpdate, dialogUpdate, eventMessage, userUpdate } from '../../../../src/core/finesse/builders';
import { nodes } from '../../../../src/core/finesse/nodes';
import { plainAuth } from '../../../../src/core/xmpp/sasl';
import { hubPublish, relayedUpdate } from '../../../support/hubFrames';

const agent = { id: 'agent1', loginName: 'agent1' };
const call = { id: '16777236', from: '1001', to: '6001' };
const ev = (node: string, update: string, item = 'i1') =>
  eventMessage({
    from: 'pubsub.finesse.test',
    to: 'agent1@finesse.test/desktop',
    node,
    itemId: item,
    updateXml: update,
  });

function storeOf(inputs: Omit<FrameInput, 'session'>[]): Frame[] {
  const store = new FrameStore();
  for (const i of inputs) store.append({ session: 's1', ...i });
  return [...store];
}

const frames = storeOf([
  /* 1 */ {
    dir: 'out',
    kind: 'open',
    raw: '<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="finesse.test" version="1.0"/>',
  },
  /* 2 */ { dir: 'out', kind: 'stanza', raw: plainAuth('agent1', 'secret') },
  /* 3 */ { dir: 'in', kind: 'stanza', raw: ev(nodes.user('agent1'), userUpdate(agent, 'READY', { requestId: 'r1' })) },
  /* 4 */ { dir: 'in', kind: 'stanza', raw: ev(nodes.user('agent1'), userUpdate(agent, 'NOT_READY')) },
  /* 5 */ {
    dir: 'in',
    kind: 'stanza',
    raw: ev(nodes.userDialogs('agent1'), dialogUpdate(agent, call, 'ALERTING', 'POST')),
  },
  /* 6 */ {
    dir: 'in',
    kind: 'stanza',
    raw: ev(nodes.userDialogs('agent1'), dialogUpdate(agent, call, 'DROPPED', 'DELETE')),
  },
  /* 7 */ {
    dir: 'out',
    kind: 'stanza',
    raw: '<iq type="get" id="p1" to="finesse.test"><ping xmlns="urn:xmpp:ping"/></iq>',
  },
  /* 8 */ { dir: 'in', kind: 'stanza', raw: '<iq type="result" id="p1" from="finesse.test"/>' },
  /* 9 */ { dir: 'in', kind: 'stanza', raw: '<iq type="result" id="bind_1"/>' },
  /* 10 */ { dir: 'out', kind: 'text', raw: '  ' },
  /* 11 */ { dir: 'in', kind: 'ping', raw: '' },
  /* 12 */ { dir: 'out', kind: 'pong', raw: '' },
  /* 13 */ { dir: 'in', kind: 'stanza', raw: '<message><body>unclosed' },
  /* 14 */ { dir: 'in', kind: 'stanza', raw: ev(nodes.user('agent1'), apiErrorUpdate(agent, 'r2')) },
  /* 15 */ {
    dir: 'out',
    kind: 'stanza',
    raw: '<iq type="set" id="s1" to="pubsub.finesse.test"><pubsub xmlns="http://jabber.org/protocol/pubsub"><subscribe node="/finesse/api/Team/7/Users" jid="agent1@finesse.test"/></pubsub></iq>',
  },
  /* 16 */ {
    dir: 'in',
    kind: 'stanza',
    raw: '<iq type="error" id="s2"><error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>',
    flags: { held: true },
  },
  /* 17 */ {
    dir: 'out',
    kind: 'stanza',
    raw: '<presence><status>Lunch with the Agent Team</status></presence>',
    flags: { injected: true },
  },
]);

/** Ids matched by a query, in store order. */
function ids(spec: FilterSpec | string): number[] {
  const r = compileFilter(spec);
  if (!r.ok) throw new Error(r.error);
  const match = r.filter.matcher();
  return frames.filter(match).map((f) => f.id);
}

function error(spec: string): string {
  const r = compileFilter(spec);
  assert.equal(r.ok, false, `"${spec}" should not compile`);
  return (r as { error: string }).error;
}

describe('filter language', () => {
  it('matches everything when empty', () => {
    const r = compileFilter({ text: '  ' });
    assert.ok(r.ok && r.filter.matchesAll);
    assert.equal(ids('').length, frames.length);
  });

  it('free text is a case-insensitive substring of the raw text; words are ANDed', () => {
    assert.deepEqual(ids('LUNCH'), [17]);
    assert.deepEqual(ids('lunch team'), [17]);
    assert.deepEqual(ids('lunch nobody'), []);
    assert.deepEqual(ids('"with the agent"'), [17]);
    assert.deepEqual(ids('"the with"'), []);
  });

  it('treats regex metacharacters in free text literally', () => {
    assert.deepEqual(ids('type="result"'), [8, 9]);
    assert.deepEqual(ids('(ping'), []);
  });

  it('/regex/flags runs over the raw text, g and y flags cannot make it skip matches', () => {
    assert.deepEqual(ids('/state&gt;(NOT_)?READY&lt;/'), [3, 4]);
    assert.deepEqual(ids('/^<iq type="result"/'), [8, 9]);
    assert.deepEqual(ids('/LUNCH/'), []);
    assert.deepEqual(ids('/LUNCH/i'), [17]);
    assert.deepEqual(ids('/result/g'), ids('/result/'));
    assert.deepEqual(ids('/a b/'), []);
    assert.deepEqual(ids('/[/]finesse/ kind:stanza dir:out'), [15]);
  });

  it('dir: and kind: with alternatives', () => {
    assert.deepEqual(ids('dir:out'), [1, 2, 7, 10, 12, 15, 17]);
    assert.deepEqual(ids('kind:ping|pong'), [11, 12]);
    assert.deepEqual(ids('kind:open,text'), [1, 10]);
    assert.deepEqual(ids({ text: '', dir: 'in', kind: 'ping' }), [11]);
  });

  it('node: matches the pubsub node, with or without /finesse/api/', () => {
    assert.deepEqual(ids('node:User/agent1/Dialogs'), [5, 6]);
    assert.deepEqual(ids('node:/finesse/api/User/agent1'), [3, 4, 5, 6, 14]);
    assert.deepEqual(ids('node:team/7'), [15]);
    assert.equal(frameNode(frames[14].raw), '/finesse/api/Team/7/Users');
  });

  it('state: and event: look at the decoded Finesse Update', () => {
    assert.deepEqual(ids('state:READY'), [3]);
    assert.deepEqual(ids('state:not_ready'), [4]);
    assert.deepEqual(ids('state:ALERTING|DROPPED'), [5, 6]);
    assert.deepEqual(ids('event:DELETE'), [6]);
    assert.deepEqual(ids('event:put -state:READY'), [4, 14]);
    assert.deepEqual(ids('has:update'), [3, 4, 5, 6, 14]);
  });

  it('has:error finds malformed frames, error stanzas and Finesse apiErrors', () => {
    assert.deepEqual(ids('has:error'), [13, 14, 16]);
    assert.deepEqual(ids('is:malformed'), [13]);
  });

  it('is: matches intercept flags', () => {
    assert.deepEqual(ids('is:held'), [16]);
    assert.deepEqual(ids('is:injected'), [17]);
    assert.deepEqual(ids('-is:held -is:injected kind:stanza dir:out'), [2, 7, 15]);
  });

  it('-ping hides WebSocket pings, keepalives, XEP-0199 pings and only their results', () => {
    assert.deepEqual(ids('is:ping'), [7, 8, 10, 11, 12]);
    assert.deepEqual(ids('ping'), [7, 8, 10, 11, 12]);
    const shown = ids('-ping');
    for (const hidden of [7, 8, 10, 11, 12]) assert.ok(!shown.includes(hidden), `frame ${hidden} should be hidden`);
    assert.ok(shown.includes(9), 'the bind result is not a ping result');
    assert.deepEqual(ids({ text: '', hidePings: true }), shown);
    assert.deepEqual(ids('"ping"'), [7]);
  });

  it('-term negates any term', () => {
    assert.deepEqual(ids('-dir:in -kind:stanza'), [1, 10, 12]);
    assert.deepEqual(ids('kind:stanza -/finesse\\/api/'), [2, 7, 8, 9, 13, 16, 17]);
  });

  it('keeps namespace-like words as text (jids, namespaces, urls)', () => {
    assert.deepEqual(ids('urn:xmpp:ping'), [7]);
    assert.deepEqual(ids('agent1@finesse.test'), [3, 4, 5, 6, 14, 15]);
    assert.deepEqual(ids('xmlns:stream'), []);
    assert.deepEqual(ids('http://jabber.org/protocol/pubsub'), [3, 4, 5, 6, 14, 15]);
  });

  it('an unknown key is an error that lists the keys; in quotes it is text', () => {
    const message = error('foo:bar');
    assert.match(message, /Unknown filter key "foo:"/);
    for (const key of ['dir:', 'kind:', 'node:', 'state:', 'event:', 'has:', 'is:', 'session:'])
      assert.ok(message.includes(key), `${key} listed in: ${message}`);
    assert.match(error('dir:in staet:READY'), /Unknown filter key "staet:"/);
    assert.deepEqual(ids('"foo:bar"'), []);
  });

  it('state: of an apiErrors Update is its ErrorType, read from the text or parsed alike', () => {
    const store = new FrameStore();
    store.append({
      session: 's1',
      dir: 'in',
      kind: 'stanza',
      raw: ev(nodes.user('agent1'), apiErrorUpdate(agent, 'r9', 'Parameter_Missing', 'no state given')),
    });
    store.append({
      session: 's1',
      dir: 'in',
      kind: 'stanza',
      raw: ev(nodes.user('agent1'), userUpdate(agent, 'READY')),
    });
    const run = (q: string) => {
      const r = compileFilter(q);
      assert.ok(r.ok);
      return [...store].filter(r.filter.matcher()).map((f) => f.id);
    };
    assert.deepEqual(run('state:parameter_missing'), [1]);
    assert.deepEqual(run('state:READY'), [2]);
    assert.deepEqual(run('state:no'), []);
  });

  it('is:starred and has:note find the frames the user marked', () => {
    const store = new FrameStore();
    store.append({ session: 's1', dir: 'in', kind: 'stanza', raw: '<presence/>' });
    store.append({ session: 's1', dir: 'in', kind: 'stanza', raw: '<presence/>' });
    store.update(2, { note: { starred: true, text: 'look here' } });
    const run = (q: string) => {
      const r = compileFilter(q);
      assert.ok(r.ok);
      return [...store].filter(r.filter.matcher()).map((f) => f.id);
    };
    assert.deepEqual(run('is:starred'), [2]);
    assert.deepEqual(run('has:note'), [2]);
    assert.deepEqual(run('-is:starred'), [1]);
  });

  it('session: matches the capture session id', () => {
    assert.deepEqual(ids('session:s1').length, frames.length);
    assert.deepEqual(ids('session:other'), []);
  });

  it('runs regexes on the linear-time engine: a catastrophic pattern answers at once', () => {
    const store = new FrameStore();
    store.append({ session: 's1', dir: 'in', kind: 'text', raw: 'a'.repeat(5000) + '!' });
    const r = compileFilter('/(a+)+$/');
    assert.ok(r.ok);
    const match = r.filter.matcher();
    // The backtracking engine would take longer than the test timeout here.
    assert.equal(match([...store][0]), false);
    assert.match(error('/(a)\\1/'), /invalid regular expression/i);
    assert.match(error('/(?<=a)b/'), /invalid regular expression/i);
  });

  it('reports bad queries with a message for the filter bar', () => {
    assert.match(error('/(unclosed/'), /Invalid regular expression/);
    assert.match(error('/x/q'), /Unknown regular expression flag/);
    assert.match(error('/no end'), /Unclosed \/regular expression\//);
    assert.match(error('"open quote'), /Unclosed quote/);
    assert.match(error('dir:up'), /dir: expects in or out/);
    assert.match(error('kind:iq'), /kind: expects one of open, close, stanza/);
    assert.match(error('event:GET'), /event: expects POST, PUT or DELETE/);
    assert.match(error('has:everything'), /has: expects one of error, update, original/);
    assert.match(error('is:pinged'), /is: expects one of ping, malformed, held, .*truncated, reordered, starred/);
    assert.match(error('state:'), /state: needs a value/);
  });

  it('tokenizes regexes with spaces, classes and escaped slashes as one term', () => {
    const tokens = tokenize('-/a [/] b\\/c/i dir:in "x y"');
    assert.deepEqual(
      tokens.map((t) => t.kind),
      ['regex', 'word', 'phrase'],
    );
    assert.deepEqual(tokens[0], { kind: 'regex', source: 'a [/] b\\/c', flags: 'i', negated: true });
  });

  it('says when a filter parses frames', () => {
    const cheap = compileFilter('dir:in /READY/ node:User -ping');
    const parsing = compileFilter('dir:in state:READY');
    assert.ok(cheap.ok && !cheap.filter.parses);
    assert.ok(parsing.ok && parsing.filter.parses);
  });

  it('highlights the positive text, phrase and regex terms, not keys or negated terms', () => {
    const mark = highlighter('ready "Dialogs POST" /agent\\d/ -lunch dir:in state:READY');
    assert.ok(mark);
    const text = 'User agent1 Dialogs POST → READY';
    const marked = mark(text).map(([a, b]) => text.slice(a, b));
    assert.deepEqual(marked, ['agent1', 'Dialogs POST', 'READY']);
    assert.equal(highlighter('dir:in -ping'), undefined);
    assert.equal(highlighter('/(/'), undefined);
    // Overlapping matches merge into one mark.
    const both = highlighter('agent agent1')!;
    assert.deepEqual(both('agent1'), [[0, 6]]);
  });
});

describe('filter keys for REST calls', () => {
  // Responses name their request (`answers`), as the reverse proxy's REST capture records them.
  const store = new FrameStore();
  for (const f of [
    /* 1 */ {
      dir: 'out',
      kind: 'http',
      raw: 'PUT /finesse/api/User/agent1 HTTP/1.1\nrequestId: r1\n\n<User><state>READY</state></User>',
    },
    /* 2 */ { dir: 'in', kind: 'http', raw: 'HTTP/1.1 202 Accepted\n\n', answers: 1 },
    /* 3 */ {
      dir: 'in',
      kind: 'stanza',
      raw: ev(nodes.user('agent1'), userUpdate(agent, 'READY', { requestId: 'r1' })),
    },
    /* 4 */ { dir: 'out', kind: 'http', raw: 'PUT /finesse/api/User/agent1 HTTP/1.1\nrequestId: r10\n\n' },
    /* 5 */ { dir: 'in', kind: 'http', raw: 'HTTP/1.1 400 Bad Request\n\n<ApiErrors/>', answers: 4 },
    /* 6 */ { dir: 'in', kind: 'stanza', raw: ev(nodes.user('agent1'), apiErrorUpdate(agent, 'r10')) },
    /* 7 */ { dir: 'out', kind: 'http', raw: 'GET /finesse/api/User/agent1 HTTP/1.1\n\n' },
  ] as Omit<FrameInput, 'session'>[])
    store.append({ session: 's1', ...f });
  const rest = [...store];
  const links = new ResponseIndex(store);
  const ids = (q: string, withLinks: FrameLinks | null = links) => {
    const c = compileFilter(q);
    assert.ok(c.ok, q);
    const test = c.filter.matcher(withLinks ?? undefined);
    return rest.filter(test).map((f) => f.id);
  };

  it('kind:http lists the calls, req:ID a call (request and response) and the Updates echoing its requestId (exactly)', () => {
    assert.deepEqual(ids('kind:http'), [1, 2, 4, 5, 7]);
    assert.deepEqual(ids('req:r1'), [1, 2, 3]);
    assert.deepEqual(ids('req:r10'), [4, 5, 6]);
    assert.deepEqual(ids('-req:r1 kind:http'), [4, 5, 7]);
  });

  it('status: matches a response and the request it answers, with x as any digit, and refuses anything else', () => {
    assert.deepEqual(ids('status:4xx'), [4, 5]);
    assert.deepEqual(ids('status:202'), [1, 2]);
    assert.deepEqual(ids('status:2xx|4xx'), [1, 2, 4, 5]);
    // A call still waiting for its response has no status yet.
    assert.deepEqual(ids('kind:http -status:2xx'), [4, 5, 7]);
    const bad = compileFilter('status:ok');
    assert.ok(!bad.ok && /status: expects/.test(bad.error));
  });

  it('without links each frame is judged alone (as a breakpoint rule sees one frame)', () => {
    assert.deepEqual(ids('req:r1', null), [1, 3]);
    assert.deepEqual(ids('status:4xx', null), [5]);
  });
});

describe('filter keys for hub frames', () => {
  // The gadget desktop: the XMPP Update, the hub publish relaying it, gadgets' own publishes.
  const node = nodes.user('agent1');
  const store = new FrameStore();
  for (const f of [
    /* 1 */ { dir: 'in', kind: 'stanza', raw: ev(node, userUpdate(agent, 'READY', { requestId: 'r1' })) },
    /* 2 */ {
      dir: 'in',
      kind: 'hub',
      raw: relayedUpdate(node, userUpdate(agent, 'READY', { requestId: 'r1' }), { causedBy: 1 }),
    },
    /* 3 */ {
      dir: 'in',
      kind: 'hub',
      raw: relayedUpdate(nodes.userDialogs('agent1'), dialogUpdate(agent, call, 'ALERTING', 'POST'), {
        to: ['1 Sample Gadget'],
      }),
    },
    /* 4 */ {
      dir: 'out',
      kind: 'hub',
      raw: hubPublish('finesse.info.requests', '12 Team Gadget', ['desktop'], {
        type: 'SubscribeNodeReq',
        data: { node: '/finesse/api/Team/7/Users' },
        invokeID: 'i1',
      }),
    },
    /* 5 */ { dir: 'out', kind: 'hub', raw: hubPublish('com.acme.wallboard', '2 Wallboard', [], { x: 'READY' }) },
    /* 6 */ {
      dir: 'in',
      kind: 'hub',
      raw: relayedUpdate(node, apiErrorUpdate(agent, 'r2'), { to: ['12 Team Gadget'] }),
    },
    /* 7 */ { dir: 'in', kind: 'hub', raw: '{"topic":"broken"' },
    /* 8 */ {
      dir: 'in',
      kind: 'hub',
      // Not in formatHubFrame's key order: read whole.
      raw: JSON.stringify({
        payload: {},
        to: ['2 Wallboard'],
        from: 'desktop',
        topic: 'finesse.containerservices.activeTab',
      }),
    },
  ] as Omit<FrameInput, 'session'>[])
    store.append({ session: 'desktop', ...f });
  const all = [...store];
  const ids = (q: string) => {
    const c = compileFilter(q);
    if (!c.ok) throw new Error(c.error);
    return all.filter(c.filter.matcher()).map((f) => f.id);
  };

  it('kind:hub lists them; the Update keys read the Update a hub frame relays', () => {
    assert.deepEqual(ids('kind:hub'), [2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(ids('state:READY'), [1, 2], 'a gadget payload that only says READY is no Update');
    assert.deepEqual(ids('event:POST'), [3]);
    assert.deepEqual(ids('has:update kind:hub'), [2, 3, 6]);
    assert.deepEqual(ids('req:r1'), [1, 2]);
    assert.deepEqual(ids('state:ALERTING|WORK'), [3]);
  });

  it('node: reads a relayed Update’s node and a subscribe request’s', () => {
    assert.deepEqual(ids('node:User/agent1 kind:hub'), [2, 3, 6]);
    assert.deepEqual(ids('node:Team/7'), [4]);
  });

  it('topic: contains the text, or matches * and ** as a hub subscription does, in any case', () => {
    assert.deepEqual(ids('topic:finesse.api.user'), [2, 3, 6]);
    assert.deepEqual(ids('topic:finesse.api.User.*'), [2, 6], '* is one token');
    assert.deepEqual(ids('topic:finesse.api.**'), [2, 3, 6], '** is one token or more');
    assert.deepEqual(ids('topic:finesse.**'), [2, 3, 4, 6, 8]);
    assert.deepEqual(ids('topic:finesse.info.*|com.*.wallboard'), [4, 5]);
    assert.deepEqual(ids('topic:*.*.*.*.Dialogs'), [3]);
    assert.deepEqual(ids('topic:finesse.container*.*'), [8], 'a * inside a token stays in the token');
    assert.deepEqual(ids('-topic:finesse kind:hub'), [5, 7]);
  });

  it('from: is the publisher (desktop, a module id, words of a title); gadget: publisher or receiver', () => {
    assert.deepEqual(ids('from:desktop'), [2, 3, 6, 8]);
    assert.deepEqual(ids('from:12'), [4]);
    assert.deepEqual(ids('from:2'), [5], 'a module id is the whole first word, not a digit in 12');
    assert.deepEqual(ids('from:wallboard'), [5]);
    assert.deepEqual(ids('gadget:12'), [4, 6]);
    assert.deepEqual(ids('gadget:Sample'), [2, 3]);
    assert.deepEqual(ids('gadget:2'), [2, 5, 8]);
  });

  it('has:error and is:malformed find the record that does not parse, a relayed apiErrors and failed answers', () => {
    assert.deepEqual(ids('has:error kind:hub'), [6, 7]);
    assert.deepEqual(ids('is:malformed'), [7]);
    // A record the store kept only the start of is not malformed (frameView shows it as text).
    const cut = new FrameStore().append({
      session: 'd',
      dir: 'in',
      kind: 'hub',
      raw: '{"topic":"a',
      flags: { truncated: true },
    });
    const malformed = compileFilter('is:malformed');
    assert.ok(malformed.ok && !malformed.filter.matcher()(cut));
  });

  it('the hub keys say they parse, and highlight nothing', () => {
    const c = compileFilter('topic:a from:b gadget:c');
    assert.ok(c.ok && c.filter.parses);
    assert.equal(highlighter('topic:a from:desktop'), undefined);
  });
});
