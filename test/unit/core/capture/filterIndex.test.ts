// The filtered index over a real FrameStore: incremental appends, eviction, clear, edits, and
// the time-sliced rescan (src/core/capture/filterIndex.ts).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import { FilteredIndex, IndexChange } from '../../../../src/core/capture/filterIndex';
import { compileFilter } from '../../../../src/core/capture/filter';
import { eventMessage, userUpdate, UserState } from '../../../../src/core/finesse/builders';
import { nodes } from '../../../../src/core/finesse/nodes';
import { hubPublish, relayedUpdate } from '../../../support/hubFrames';

const agent = { id: 'agent1', loginName: 'agent1' };
const STATES: UserState[] = ['READY', 'NOT_READY', 'TALKING'];

function userEvent(n: number): string {
  return eventMessage({
    from: 'pubsub.finesse.test',
    to: 'agent1@finesse.test',
    node: nodes.user('agent1'),
    itemId: `i${n}`,
    updateXml: userUpdate(agent, STATES[Math.floor(n / 3) % 3]),
  });
}

/** Frame n: every 3rd a User update, the others pings in and out. */
function append(store: FrameStore, from: number, count: number): void {
  for (let n = from; n < from + count; n++) {
    if (n % 3 === 0) store.append({ session: 's', dir: 'in', kind: 'stanza', raw: userEvent(n) });
    else
      store.append({
        session: 's',
        dir: n % 3 === 1 ? 'out' : 'in',
        kind: 'stanza',
        raw: `<iq type="get" id="n${n}"><ping xmlns="urn:xmpp:ping"/></iq>`,
      });
  }
}

function collect(index: FilteredIndex): IndexChange[] {
  const changes: IndexChange[] = [];
  index.on('change', (c) => changes.push(c));
  return changes;
}

/** Ids the view lists, in order. */
function viewIds(index: FilteredIndex): number[] {
  return index.rows(0, index.total).map((r) => r.id);
}

/** What a plain scan of the store says the filter matches. */
function expected(store: FrameStore, text: string): number[] {
  const r = compileFilter({ text });
  assert.ok(r.ok);
  return [...store].filter(r.filter.matcher()).map((f) => f.id);
}

describe('FilteredIndex', () => {
  let store: FrameStore;
  let index: FilteredIndex;
  afterEach(() => index?.dispose());

  it('without a filter is the store itself, growing with appends', async () => {
    store = new FrameStore();
    append(store, 0, 10);
    index = new FilteredIndex(store);
    assert.equal(index.total, 10);
    assert.equal(index.idAt(0), 1);
    assert.equal(index.indexOf(7), 6);
    const changes = collect(index);
    append(store, 10, 5);
    await once(store, 'append');
    assert.deepEqual(changes, [{ appended: 5, removed: 0 }]);
    assert.equal(index.total, 15);
    assert.deepEqual(
      viewIds(index),
      [...store].map((f) => f.id),
    );
  });

  it('tests only the new frames as the store appends them', async () => {
    store = new FrameStore();
    append(store, 0, 30);
    index = new FilteredIndex(store);
    assert.deepEqual(index.setFilter({ text: 'dir:out' }), { ok: true });
    assert.deepEqual(viewIds(index), expected(store, 'dir:out'));
    const changes = collect(index);
    append(store, 30, 9);
    await once(store, 'append');
    assert.deepEqual(changes, [{ appended: 3, removed: 0 }]);
    assert.deepEqual(viewIds(index), expected(store, 'dir:out'));
  });

  it('rows carry the summary, the Finesse label and the malformed flag', async () => {
    store = new FrameStore();
    append(store, 0, 3);
    store.append({ session: 's', dir: 'in', kind: 'stanza', raw: '<message><body>cut off' });
    index = new FilteredIndex(store);
    const [update, ping, , broken] = index.rows(0, 10);
    assert.equal(update.label, 'User agent1 PUT → READY');
    assert.equal(update.summary, 'message event · item i0', 'an id-less event message shows its item id');
    assert.equal(ping.summary, 'iq get ping #n1');
    assert.equal(ping.dir, 'out');
    assert.equal(broken.flags.malformed, true);
    assert.ok(broken.error);
    assert.equal(index.rows(2, 100).length, 2);
    assert.equal(index.rows(-5, 2).length, 2);
  });

  it('drops evicted frames from the front of the view and reports how many', async () => {
    store = new FrameStore(30);
    append(store, 0, 30);
    index = new FilteredIndex(store);
    index.setFilter({ text: 'state:READY|TALKING' });
    await index.whenIdle();
    const before = viewIds(index);
    const changes = collect(index);
    append(store, 30, 12); // evicts frames 1..12
    await once(store, 'append');
    const removed = changes.reduce((n, c) => n + c.removed, 0);
    const appended = changes.reduce((n, c) => n + c.appended, 0);
    assert.equal(removed, before.filter((id) => id <= 12).length);
    assert.equal(appended, expected(store, 'state:READY|TALKING').filter((id) => id > 30).length);
    assert.deepEqual(viewIds(index), expected(store, 'state:READY|TALKING'));
    assert.equal(index.indexOf(1), -1);
  });

  it('keeps an unfiltered view in step with eviction too', async () => {
    store = new FrameStore(10);
    append(store, 0, 10);
    index = new FilteredIndex(store);
    const changes = collect(index);
    append(store, 10, 4);
    await once(store, 'append');
    assert.equal(index.total, 10);
    assert.equal(index.idAt(0), 5);
    assert.deepEqual(
      changes.reduce((a, c) => ({ appended: a.appended + c.appended, removed: a.removed + c.removed }), {
        appended: 0,
        removed: 0,
      }),
      { appended: 4, removed: 4 },
    );
  });

  it('resets on clear and starts over with new frames', async () => {
    store = new FrameStore();
    append(store, 0, 6);
    index = new FilteredIndex(store);
    index.setFilter({ text: 'dir:in' });
    const reset = once(index, 'reset');
    store.clear();
    await reset;
    assert.equal(index.total, 0);
    append(store, 100, 3);
    await once(store, 'append');
    assert.deepEqual(viewIds(index), expected(store, 'dir:in'));
  });

  it('an edit that keeps a frame in the view updates its row; one that moves it in or out rebuilds', async () => {
    store = new FrameStore();
    append(store, 0, 6);
    index = new FilteredIndex(store);
    index.setFilter({ text: 'is:held' });
    assert.equal(index.total, 0);
    const reset = once(index, 'reset');
    store.update(2, { flags: { held: true } });
    await reset;
    assert.deepEqual(viewIds(index), [2]);
    const updated = once(index, 'update');
    store.update(2, { flags: { edited: true } });
    const [row, at] = await updated;
    assert.equal(at, 0);
    assert.deepEqual(row.flags, { held: true, edited: true });
    store.update(2, { flags: { held: false } });
    assert.deepEqual(viewIds(index), []);
  });

  it('rescans a large store in slices, front first, and ends with the same answer as a plain scan', async () => {
    store = new FrameStore();
    append(store, 0, 3000);
    index = new FilteredIndex(store, { syncMs: 0, sliceMs: 0 });
    const changes = collect(index);
    index.setFilter({ text: 'state:TALKING' });
    assert.equal(index.scanning, true);
    assert.ok(index.progress < 1);
    append(store, 3000, 30); // frames arriving during the scan are decided by it too
    await index.whenIdle();
    assert.equal(index.scanning, false);
    assert.equal(index.progress, 1);
    assert.ok(changes.length > 1, 'rows arrive in several slices');
    assert.ok(index.total > 300);
    assert.deepEqual(viewIds(index), expected(store, 'state:TALKING'));
  });

  it('learns text facts in idle slices after the scan, yielding to the host between them, and starts again for new frames', async () => {
    store = new FrameStore();
    append(store, 0, 3000);
    index = new FilteredIndex(store, { syncMs: 0, sliceMs: 0, warmSliceMs: 0.001 });
    index.setFilter({ text: 'dir:in' });
    assert.equal(index.warm, false);
    // Count event-loop turns the host gets while the scan and the idle learning go on.
    let turns = 0;
    let counting = true;
    const tick = () => {
      turns++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    await index.whenIdle();
    const afterScan = turns;
    await index.whenWarm();
    counting = false;
    assert.equal(index.warm, true);
    assert.ok(turns - afterScan > 1, `the host ran between idle slices (${turns - afterScan} turns)`);
    // New frames make it learn again; filters answer as a plain scan of the store.
    append(store, 3000, 30);
    await once(store, 'append');
    assert.equal(index.warm, false);
    await index.whenWarm();
    for (const text of ['state:TALKING', 'event:PUT', 'has:update', 'has:error', 'is:malformed']) {
      index.setFilter({ text });
      await index.whenIdle();
      assert.deepEqual(viewIds(index), expected(store, text), text);
    }
  });

  it('learns ahead behind a flood of frames (the proxy in the same process comes first) and catches up once it ends', async () => {
    store = new FrameStore();
    index = new FilteredIndex(store);
    // A flood: 60 frames captured on each of 100 turns, as a proxy forwarding at full speed.
    for (let turn = 0; turn < 100; turn++) {
      append(store, turn * 60, 60);
      await new Promise((r) => setImmediate(r));
    }
    // Learning as fast as frames came would have learned nearly all of them by now.
    assert.ok(index.warmProgress < 0.5, `${index.warmProgress} learned during the flood`);
    // Quiet now: the rest is learned without another frame to wake the index.
    await index.whenWarm();
    assert.equal(index.warmProgress, 1);
    for (const text of ['state:TALKING', 'has:update']) {
      index.setFilter({ text });
      await index.whenIdle();
      assert.deepEqual(viewIds(index), expected(store, text), text);
    }
  });

  it('learns nothing ahead with warmSliceMs 0, and stops learning when disposed', async () => {
    store = new FrameStore();
    append(store, 0, 300);
    const off = new FilteredIndex(store, { warmSliceMs: 0 });
    assert.equal(off.warm, true);
    await off.whenWarm();
    off.dispose();
    index = new FilteredIndex(store, { warmSliceMs: 0.001 });
    assert.equal(index.warm, false);
    index.dispose();
    let warmed = false;
    index.on('warm', () => (warmed = true));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.equal(warmed, false);
  });

  it('empties the view when a query does not compile, and keeps following the store', () => {
    store = new FrameStore();
    append(store, 0, 9);
    index = new FilteredIndex(store);
    index.setFilter({ text: 'dir:out' });
    assert.ok(index.total > 0);
    const r = index.setFilter({ text: '/(/' });
    assert.equal(r.ok, false);
    assert.deepEqual(index.filterSpec, { text: '/(/' });
    assert.equal(index.total, 0);
    assert.equal(index.scanning, false);
    append(store, 9, 3);
    assert.equal(index.total, 0, 'new frames do not match a broken query either');
    assert.equal(store.size, 12, 'the store loses nothing');
    index.setFilter({ text: 'dir:out' });
    assert.deepEqual(viewIds(index), expected(store, 'dir:out'));
  });

  it('sorts the view by size (stable), by kind and by time, and follows new frames', () => {
    store = new FrameStore();
    append(store, 0, 30);
    store.append({ session: 's', dir: 'in', kind: 'text', raw: 'x'.repeat(5000) });
    index = new FilteredIndex(store);
    const resets: number[] = [];
    index.on('reset', () => resets.push(index.total));
    index.setSort({ key: 'size', descending: true });
    const frames = [...store];
    const bySize = (desc: boolean) =>
      [...frames].sort((a, b) => (desc ? b.bytes - a.bytes : a.bytes - b.bytes) || a.id - b.id).map((f) => f.id);
    assert.deepEqual(viewIds(index), bySize(true));
    assert.equal(index.indexOf(store.lastId), 0, 'the big frame is first');
    index.setSort({ key: 'size' });
    assert.deepEqual(viewIds(index), bySize(false));
    index.setSort({ key: 'kind' });
    assert.equal(index.rows(0, 1)[0].kind, 'stanza');
    assert.equal(index.rows(index.total - 1, 1)[0].kind, 'text');
    index.setSort({ key: 'time', descending: true });
    assert.equal(index.idAt(0), store.lastId);
    assert.equal(resets.length, 4);

    // Sorted with a filter; a new frame lands in its place.
    index.setFilter({ text: 'dir:in' });
    index.setSort({ key: 'size', descending: true });
    store.append({ session: 's', dir: 'in', kind: 'text', raw: 'y'.repeat(9000) });
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      assert.equal(index.idAt(0), store.lastId);
      assert.deepEqual(
        viewIds(index),
        [...store]
          .filter((f) => f.dir === 'in')
          .sort((a, b) => b.bytes - a.bytes || a.id - b.id)
          .map((f) => f.id),
      );
      index.setSort(undefined);
      assert.deepEqual(viewIds(index), expected(store, 'dir:in'));
    });
  });

  it('puts a REST request in a status: view when its response arrives, and takes it out of a -status: view', async () => {
    const store = new FrameStore();
    append(store, 0, 4);
    const failing = new FilteredIndex(store);
    const other = new FilteredIndex(store);
    failing.setFilter({ text: 'status:4xx' });
    other.setFilter({ text: 'kind:http -status:4xx' });
    const request = store.append({
      session: 'http-1',
      dir: 'out',
      kind: 'http',
      raw: 'PUT /finesse/api/User/agent1 HTTP/1.1\nrequestId: r7\n\n',
    });
    append(store, 4, 3); // Updates arrive between the call and its response
    await once(store, 'append');
    assert.deepEqual(viewIds(failing), []);
    assert.deepEqual(viewIds(other), [request.id]);
    let resets = 0;
    failing.on('reset', () => resets++);
    const response = store.append({
      session: 'http-1',
      dir: 'in',
      kind: 'http',
      raw: 'HTTP/1.1 400 Bad Request\n\n<ApiErrors/>',
      answers: request.id,
    });
    await once(store, 'append');
    assert.deepEqual(viewIds(failing), [request.id, response.id]);
    assert.equal(resets, 1);
    assert.deepEqual(viewIds(other), []);
    // A fresh scan gives the same answer as the live view.
    failing.setFilter({ text: 'status:4xx' });
    assert.deepEqual(viewIds(failing), [request.id, response.id]);
    failing.dispose();
    other.dispose();
  });

  it('learns hub frames ahead too, filters them by topic, publisher and relayed Update, and sorts kinds alphabetically', async () => {
    store = new FrameStore();
    append(store, 0, 3); // 1: a User Update, 2-3: pings
    const node = nodes.user('agent1');
    store.append({
      session: 'd',
      dir: 'in',
      kind: 'hub',
      raw: relayedUpdate(node, userUpdate(agent, 'TALKING'), { causedBy: 1 }),
    });
    store.append({
      session: 'd',
      dir: 'out',
      kind: 'hub',
      raw: hubPublish('acme.wallboard', '5 Wallboard', [], { n: 1 }),
    });
    store.append({ session: 'd', dir: 'out', kind: 'http', raw: 'GET /finesse/api/User/agent1 HTTP/1.1\n\n' });
    index = new FilteredIndex(store);
    await index.whenWarm();
    const cases: [string, number[]][] = [
      ['kind:hub', [4, 5]],
      ['topic:finesse.api.User.*', [4]],
      ['from:5', [5]],
      ['gadget:Sample', [4]],
      ['state:READY|TALKING', [1, 4]],
    ];
    for (const [text, ids] of cases) {
      index.setFilter({ text });
      await index.whenIdle();
      assert.deepEqual(viewIds(index), ids, text);
    }
    index.setFilter({ text: '' });
    index.setSort({ key: 'kind' });
    assert.deepEqual(
      index.rows(0, index.total).map((r) => r.kind),
      ['http', 'hub', 'hub', 'stanza', 'stanza', 'stanza'],
    );
  });
});
