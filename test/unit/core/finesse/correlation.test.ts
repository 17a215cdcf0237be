// Correlation of REST calls (http frames) with the Updates they cause: exact by requestId,
// guessed by resource and time without one, and shown as `PUT User/agent1 → 202 · READY in 42 ms`.
import assert from 'node:assert/strict';
import type { Frame } from '../../../../src/core/capture/frame';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { followPaced } from '../../../../src/core/capture/pacedFollow';
import { frameToJson } from '../../../../src/core/capture/jsonLines';
import {
  Agent,
  apiErrorUpdate,
  Call,
  dialogUpdate,
  eventMessage,
  userUpdate,
} from '../../../../src/core/finesse/builders';
import { callLabel, Correlator, sameResource } from '../../../../src/core/finesse/correlation';
import { nodes } from '../../../../src/core/finesse/nodes';
import { formatRequest, formatResponse } from '../../../../src/core/http/message';

const agent: Agent = { id: 'agent1', loginName: 'agent1' };
const call: Call = { id: '16777236', from: '1001', to: '2001' };
const T0 = 1_767_000_000_000;

/** A capture built the way reverse mode stores it: REST frames and WebSocket stanzas in one store. */
class Capture {
  readonly store = new FrameStore();
  rest(method: string, path: string, t: number, requestId?: string): Frame {
    const headers: [string, string][] = [['Authorization', 'Basic [redacted]']];
    if (requestId) headers.push(['requestId', requestId]);
    return this.store.append({
      session: 'http-1',
      dir: 'out',
      kind: 'http',
      raw: formatRequest(method, path, headers, ''),
      t,
    });
  }
  answer(request: Frame, status: number, t: number): Frame {
    return this.store.append({
      session: 'http-1',
      dir: 'in',
      kind: 'http',
      raw: formatResponse(status, status === 202 ? 'Accepted' : 'Bad Request', [], ''),
      t,
      answers: request.id,
    });
  }
  update(node: string, updateXml: string, t: number): Frame {
    return this.store.append({
      session: 'ws-1',
      dir: 'in',
      kind: 'stanza',
      raw: eventMessage({
        from: 'pubsub.finesse.test',
        to: 'agent1@finesse.test/x',
        node,
        itemId: String(t),
        updateXml,
      }),
      t,
    });
  }
}

/** As the panel's host follows its store (core/capture/pacedFollow.ts). */
function follow(correlation: Correlator, store: FrameStore): void {
  followPaced(
    store,
    (frames) => correlation.observe(frames),
    () => correlation.clear(),
  );
}

describe('correlation', () => {
  it('links an Update to the call whose requestId it echoes, with the latency and the row label', () => {
    const c = new Capture();
    const put = c.rest('PUT', '/finesse/api/User/agent1', T0, 'r-1');
    const accepted = c.answer(put, 202, T0 + 5);
    const ready = c.update(nodes.user('agent1'), userUpdate(agent, 'READY', { requestId: 'r-1' }), T0 + 42);
    const other = c.update(nodes.user('agent1'), userUpdate(agent, 'NOT_READY', { requestId: 'r-2' }), T0 + 50);
    const correlation = new Correlator();
    follow(correlation, c.store);
    assert.deepEqual(correlation.causeOf(ready.id), { request: put.id, guess: false });
    assert.equal(correlation.causeOf(other.id), undefined, 'another requestId is another call');
    const effects = correlation.effectsOf(put.id)!;
    assert.equal(effects.status, 202);
    assert.equal(effects.response, accepted.id);
    assert.deepEqual(effects.updates, [ready.id]);
    assert.equal(effects.latency, 42);
    assert.equal(callLabel(effects), 'PUT User/agent1 → 202 · READY in 42 ms');
    assert.deepEqual(correlation.related(ready.id).sort(), [put.id, accepted.id].sort());
    assert.deepEqual(correlation.related(put.id).sort(), [accepted.id, ready.id].sort());
    assert.equal(frameToJson(ready, { correlation }).finesse!.causedBy, put.id);
    assert.equal(frameToJson(other, { correlation }).finesse!.causedBy, undefined);
  });

  it('links an apiErrors Update to the failed call', () => {
    const c = new Capture();
    const put = c.rest('PUT', '/finesse/api/User/agent1', T0, 'bad-1');
    c.answer(put, 400, T0 + 3);
    const error = c.update(nodes.user('agent1'), apiErrorUpdate(agent, 'bad-1', 'Invalid State'), T0 + 7);
    const correlation = new Correlator();
    correlation.observe(c.store);
    const effects = correlation.effectsOf(put.id)!;
    assert.deepEqual(effects.apiErrors, [error.id]);
    assert.equal(callLabel(effects), 'PUT User/agent1 → 400 · apiErrors Invalid State in 7 ms');
  });

  it('links an Update that arrived before its call was recorded, once the call comes', () => {
    const c = new Capture();
    const early = c.update(nodes.user('agent1'), userUpdate(agent, 'READY', { requestId: 'r-9' }), T0 + 3);
    const put = c.rest('PUT', '/finesse/api/User/agent1', T0, 'r-9');
    const correlation = new Correlator();
    correlation.observe(c.store);
    assert.deepEqual(correlation.causeOf(early.id), { request: put.id, guess: false });
  });

  it('links a reused requestId to the latest call sent before each Update, never to a later one', () => {
    // A client that sends the same requestId every time: minutes apart, two calls, each with its outcome.
    const c = new Capture();
    const first = c.rest('PUT', '/finesse/api/User/agent1', T0, 'same');
    const invalid = c.update(nodes.user('agent1'), apiErrorUpdate(agent, 'same', 'Invalid State'), T0 + 9);
    const second = c.rest('PUT', '/finesse/api/User/agent1', T0 + 302_000, 'same');
    const notReady = c.update(
      nodes.user('agent1'),
      userUpdate(agent, 'NOT_READY', { requestId: 'same' }),
      T0 + 302_011,
    );
    const correlation = new Correlator();
    correlation.observe(c.store);
    assert.deepEqual(correlation.causeOf(invalid.id), { request: first.id, guess: false });
    assert.deepEqual(correlation.causeOf(notReady.id), { request: second.id, guess: false });
    assert.deepEqual(correlation.effectsOf(first.id)!.updates, [invalid.id]);
    assert.deepEqual(correlation.effectsOf(second.id)!.updates, [notReady.id]);
    assert.equal(callLabel(correlation.effectsOf(second.id)!), 'PUT User/agent1 · NOT_READY in 11 ms');
  });

  it('never links an Update to a call sent after it, whatever order the frames are read in', () => {
    // Read in a session file's order, not time order: the Update is older than every call with its id.
    const c = new Capture();
    const stale = c.update(nodes.user('agent1'), apiErrorUpdate(agent, 'r-1', 'Invalid State'), T0);
    const put = c.rest('PUT', '/finesse/api/User/agent1', T0 + 302_884, 'r-1');
    const correlation = new Correlator();
    correlation.observe(c.store);
    assert.equal(correlation.causeOf(stale.id), undefined);
    const effects = correlation.effectsOf(put.id)!;
    assert.deepEqual(effects.updates, []);
    assert.equal(effects.latency, undefined);
    assert.equal(callLabel(effects), 'PUT User/agent1');
  });

  it('a call read after its Updates takes over those it explains better, so the latest call sent before each wins', () => {
    const c = new Capture();
    const older = c.rest('PUT', '/finesse/api/User/agent1', T0, 'r-2');
    const ready = c.update(nodes.user('agent1'), userUpdate(agent, 'READY', { requestId: 'r-2' }), T0 + 20_040);
    const before = c.update(nodes.user('agent1'), userUpdate(agent, 'NOT_READY', { requestId: 'r-2' }), T0 + 30);
    // Sent at T0 + 20 s but captured last (an import appended after the live frames).
    const newer = c.rest('PUT', '/finesse/api/User/agent1', T0 + 20_000, 'r-2');
    const correlation = new Correlator();
    const changed: number[] = [];
    const follower = new Correlator({ onChange: (call) => changed.push(call.request) });
    correlation.observe(c.store);
    follower.observe(c.store);
    assert.deepEqual(correlation.causeOf(before.id), { request: older.id, guess: false });
    assert.deepEqual(correlation.causeOf(ready.id), { request: newer.id, guess: false });
    assert.deepEqual(correlation.effectsOf(older.id)!.updates, [before.id]);
    assert.equal(correlation.effectsOf(older.id)!.latency, 30);
    assert.equal(callLabel(correlation.effectsOf(newer.id)!), 'PUT User/agent1 · READY in 40 ms');
    assert.ok(changed.includes(older.id) && changed.at(-1) === newer.id, 'both calls redraw');
  });

  it('links a requestId only within its window after the call (60 s by default, configurable)', () => {
    const c = new Capture();
    const put = c.rest('PUT', '/finesse/api/User/agent1', T0, 'r-3');
    const soon = c.update(nodes.user('agent1'), userUpdate(agent, 'READY', { requestId: 'r-3' }), T0 + 59_000);
    const late = c.update(nodes.user('agent1'), userUpdate(agent, 'NOT_READY', { requestId: 'r-3' }), T0 + 61_000);
    const causes = (opts?: ConstructorParameters<typeof Correlator>[0]) => {
      const correlation = new Correlator(opts);
      correlation.observe(c.store);
      return [correlation.causeOf(soon.id)?.request, correlation.causeOf(late.id)?.request];
    };
    assert.deepEqual(causes(), [put.id, undefined]);
    assert.deepEqual(causes({ requestIdWindowMs: 120_000 }), [put.id, put.id]);
    assert.deepEqual(causes({ requestIdWindowMs: 1000 }), [undefined, undefined]);
  });

  it('guesses the cause of an Update without requestId from resource and time, and says so', () => {
    const c = new Capture();
    const makeCall = c.rest('POST', '/finesse/api/User/agent1/Dialogs', T0);
    const team = c.rest('PUT', '/finesse/api/User/agent2', T0 + 1);
    const initiated = c.update(nodes.userDialogs('agent1'), dialogUpdate(agent, call, 'INITIATED', 'POST'), T0 + 30);
    const drop = c.rest('PUT', `/finesse/api/Dialog/${call.id}`, T0 + 100);
    const dropped = c.update(nodes.userDialogs('agent1'), dialogUpdate(agent, call, 'DROPPED', 'PUT'), T0 + 120);
    const late = c.update(nodes.user('agent1'), userUpdate(agent, 'WORK'), T0 + 60_000);
    const correlation = new Correlator({ guessWindowMs: 2000 });
    correlation.observe(c.store);
    assert.deepEqual(correlation.causeOf(initiated.id), { request: makeCall.id, guess: true });
    assert.deepEqual(correlation.causeOf(dropped.id), { request: drop.id, guess: true });
    assert.equal(correlation.causeOf(late.id), undefined, 'outside the window nothing is guessed');
    assert.deepEqual(correlation.effectsOf(team.id)!.updates, []);
    assert.equal(
      callLabel(correlation.effectsOf(makeCall.id)!),
      'POST User/agent1/Dialogs · INITIATED in 30 ms (guess)',
    );
    const json = frameToJson(initiated, { correlation }).finesse!;
    assert.equal(json.likelyCause, makeCall.id);
    assert.equal(json.causedBy, undefined, 'a guess is never reported as the cause');
  });

  it('guesses within the window it is given: a wider one reaches later Updates, 0 makes no guesses, requestIds still link', () => {
    const c = new Capture();
    const put = c.rest('PUT', '/finesse/api/User/agent1', T0);
    const instant = c.update(nodes.user('agent1'), userUpdate(agent, 'NOT_READY'), T0);
    const slow = c.update(nodes.user('agent1'), userUpdate(agent, 'READY'), T0 + 5000);
    const tagged = c.rest('PUT', '/finesse/api/User/agent1', T0 + 6000, 'r-9');
    const echoed = c.update(nodes.user('agent1'), userUpdate(agent, 'NOT_READY', { requestId: 'r-9' }), T0 + 6040);
    const causes = (opts: ConstructorParameters<typeof Correlator>[0]) => {
      const correlation = new Correlator(opts);
      correlation.observe(c.store);
      return [correlation.causeOf(instant.id), correlation.causeOf(slow.id), correlation.causeOf(echoed.id)];
    };
    const guess = { request: put.id, guess: true };
    const exact = { request: tagged.id, guess: false };
    assert.deepEqual(causes({}), [guess, undefined, exact], 'the default 2 s does not reach 5 s');
    assert.deepEqual(causes({ guessWindowMs: 10_000 }), [guess, guess, exact]);
    // Not even an Update in the same millisecond is guessed.
    assert.deepEqual(causes({ guessWindowMs: 0 }), [undefined, undefined, exact]);
  });

  it('matches resources by node, sub-node and dialog id', () => {
    assert.ok(sameResource('/finesse/api/User/a1', '/finesse/api/User/a1', ''));
    assert.ok(sameResource('/finesse/api/User/a1', '/finesse/api/User/a1/Dialogs', ''));
    assert.ok(!sameResource('/finesse/api/User/a1', '/finesse/api/User/a10', ''));
    assert.ok(sameResource('/finesse/api/Dialog/42', '/finesse/api/User/a1/Dialogs', '<dialog><id>42</id></dialog>'));
    assert.ok(!sameResource('/finesse/api/Dialog/42', '/finesse/api/User/a1/Dialogs', '<dialog><id>421</id></dialog>'));
  });

  it('forgets everything when the store is cleared, and the oldest calls beyond its capacity', () => {
    const c = new Capture();
    const correlation = new Correlator({ capacity: 2 });
    follow(correlation, c.store);
    const first = c.rest('PUT', '/finesse/api/User/agent1', T0, 'a');
    c.rest('PUT', '/finesse/api/User/agent1', T0 + 1, 'b');
    c.rest('PUT', '/finesse/api/User/agent1', T0 + 2, 'c');
    correlation.observe(c.store.slice());
    assert.equal(correlation.effectsOf(first.id), undefined);
    c.store.clear();
    assert.equal(correlation.effectsOf(first.id + 2), undefined);
  });
});
