// The Interceptor as a FrameGate, driven the way a transport drives it: capture into a real
// FrameStore, admit, send what the gate hands back. (The e2e suite runs it in the real proxy.)
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { FrameStore } from '../../../../src/core/capture/frameStore';
import type { Direction, Frame, FrameFlags } from '../../../../src/core/capture/frame';
import { LiveSession, LiveSessionRegistry } from '../../../../src/core/capture/liveSession';
import { Interceptor, ReleaseHow } from '../../../../src/core/intercept/interceptor';
import { RuleError } from '../../../../src/core/intercept/breakpoints';
import { classifyText } from '../../../../src/core/xmpp/framing';
import { compileFilter } from '../../../../src/core/capture/filter';
import { dialogUpdate, eventMessage, userUpdate } from '../../../../src/core/finesse/builders';
import { nodes } from '../../../../src/core/finesse/nodes';

/** A transport's view: what reached each side, in order. */
class Wire {
  readonly delivered: { session: string; dir: Direction; raw: string }[] = [];
  constructor(
    readonly store: FrameStore,
    readonly gate: Interceptor,
  ) {}

  /** Captures and admits a frame; forwards it at once on 'pass', as the proxy does. */
  receive(session: string, dir: Direction, raw: string): Frame {
    const frame = this.store.append({ session, dir, kind: classifyText(raw), raw });
    const decision = this.gate.admit(frame, (text) => this.delivered.push({ session, dir, raw: text }));
    if (decision === 'pass') this.delivered.push({ session, dir, raw });
    return frame;
  }

  texts(session = 's1', dir: Direction = 'out'): string[] {
    return this.delivered.filter((d) => d.session === session && d.dir === dir).map((d) => d.raw);
  }
}

/** A live session that records what intercept sends on it (the proxy pair's contract). */
class RecordingSession implements LiveSession {
  readonly sent: { dir: Direction; raw: string }[] = [];
  readonly label = 'test session';
  open = true;
  constructor(
    readonly id: string,
    private readonly store: FrameStore,
    readonly directions: readonly Direction[] = ['in', 'out'],
  ) {}
  send(dir: Direction, raw: string, flags?: FrameFlags): Frame | undefined {
    if (!this.open) return undefined;
    this.sent.push({ dir, raw });
    return this.store.append({ session: this.id, dir, kind: classifyText(raw), raw, flags });
  }
}

/** Flags as saved and printed (JSON drops the cleared held flag). */
const flags = (f: Frame) => JSON.parse(JSON.stringify(f.flags));
const presence = (status: string) => `<presence xmlns="jabber:client"><status>${status}</status></presence>`;
/** Finesse notifications as the server sends them; times fixed, never the clock's. */
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const agent = { id: 'agent1', loginName: 'agent1' };
const notify = (node: string, updateXml: string, itemId: string) =>
  eventMessage({ from: 'pubsub.finesse.test', to: 'agent1@finesse.test/desktop', node, itemId, updateXml });
const callGone = () =>
  notify(
    nodes.userDialogs('agent1'),
    dialogUpdate(agent, { id: '16777236', from: '1001', to: '6001' }, 'DROPPED', 'DELETE', { t: T0 }),
    'd1',
  );
const userChange = (n: number) =>
  notify(nodes.user('agent1'), userUpdate(agent, n % 2 ? 'READY' : 'NOT_READY', { t: T0 + n * 1000 }), `u${n}`);
const msg = (body: string) => `<message xmlns="jabber:client" to="b@finesse.test"><body>${body}</body></message>`;

describe('Interceptor', () => {
  let store: FrameStore;
  let live: LiveSessionRegistry;
  let gate: Interceptor;
  let wire: Wire;

  beforeEach(() => {
    store = new FrameStore(1000);
    live = new LiveSessionRegistry();
    gate = new Interceptor(store, live, { holdTimeoutMs: 0 });
    wire = new Wire(store, gate);
  });
  afterEach(() => gate.dispose());

  it('passes everything untouched while nothing is paused and no rule matches', () => {
    wire.receive('s1', 'out', presence('a'));
    wire.receive('s1', 'in', msg('b'));
    assert.deepEqual(wire.texts('s1', 'out'), [presence('a')]);
    assert.deepEqual(wire.texts('s1', 'in'), [msg('b')]);
    assert.equal(gate.heldCount, 0);
  });

  it('pausing one direction holds it (flagged held) while the other direction flows', () => {
    gate.pause('out');
    const held = wire.receive('s1', 'out', presence('away'));
    wire.receive('s1', 'in', msg('still flowing'));
    assert.deepEqual(wire.texts('s1', 'out'), []);
    assert.deepEqual(wire.texts('s1', 'in'), [msg('still flowing')]);
    assert.equal(store.get(held.id)?.flags.held, true);
    assert.deepEqual(
      gate.held().map((h) => [h.frame.id, h.reason]),
      [[held.id, 'paused']],
    );
    assert.deepEqual(gate.paused, { in: false, out: true });
  });

  it('forwards an edited frame: the edit is sent, the store keeps original and edited text', async () => {
    gate.pause('out');
    const frame = wire.receive('s1', 'out', presence('away'));
    const released = once(gate, 'released');
    gate.forward(frame.id, presence('dnd'));
    assert.deepEqual(wire.texts(), [presence('dnd')]);
    const stored = store.get(frame.id)!;
    assert.equal(stored.raw, presence('dnd'));
    assert.equal(stored.original, presence('away'));
    assert.deepEqual(flags(stored), { edited: true });
    const [f, how] = (await released) as [Frame, ReleaseHow];
    assert.equal(f.id, frame.id);
    assert.equal(how, 'edited');
  });

  it('forwarding unchanged text is not an edit', () => {
    gate.pause('out');
    const frame = wire.receive('s1', 'out', presence('away'));
    gate.forward(frame.id, presence('away'));
    assert.deepEqual(wire.texts(), [presence('away')]);
    assert.deepEqual(flags(store.get(frame.id)!), {});
    assert.equal(store.get(frame.id)!.original, undefined);
  });

  it('keeps the order: later frames wait behind a held one and follow it when it goes', () => {
    gate.setBreakpoints([{ stanza: 'presence', rest: 'wait' }]);
    const first = wire.receive('s1', 'out', presence('away'));
    wire.receive('s1', 'out', msg('after'));
    wire.receive('s1', 'out', msg('after 2'));
    assert.deepEqual(
      gate.held().map((h) => h.reason),
      ['breakpoint', 'behind', 'behind'],
    );
    gate.forward(first.id);
    assert.deepEqual(wire.texts(), [presence('away'), msg('after'), msg('after 2')]);
    assert.equal(gate.heldCount, 0);
  });

  it('a dropped frame never arrives; frames behind it do, and it is flagged dropped', () => {
    gate.setBreakpoints([{ match: 'secret' }]);
    const dropped = wire.receive('s1', 'out', msg('secret'));
    wire.receive('s1', 'out', msg('later'));
    gate.drop(dropped.id);
    assert.deepEqual(wire.texts(), [msg('later')]);
    assert.deepEqual(flags(store.get(dropped.id)!), { dropped: true });
  });

  it('a frame behind a held one that itself matches a breakpoint stays held', () => {
    gate.setBreakpoints([{ stanza: 'presence' }]);
    const a = wire.receive('s1', 'out', presence('1'));
    const b = wire.receive('s1', 'out', presence('2'));
    gate.forward(a.id);
    assert.deepEqual(wire.texts(), [presence('1')]);
    assert.deepEqual(
      gate.held().map((h) => [h.frame.id, h.reason]),
      [[b.id, 'breakpoint']],
    );
  });

  it('resume forwards everything held in that direction, in order', () => {
    gate.pause('both');
    wire.receive('s1', 'out', presence('1'));
    wire.receive('s1', 'in', msg('x'));
    wire.receive('s1', 'out', presence('2'));
    gate.resume('out');
    assert.deepEqual(wire.texts('s1', 'out'), [presence('1'), presence('2')]);
    assert.deepEqual(wire.texts('s1', 'in'), []);
    assert.equal(gate.heldCount, 1);
    gate.resume();
    assert.deepEqual(wire.texts('s1', 'in'), [msg('x')]);
  });

  it('other sessions keep flowing while one has held frames', () => {
    gate.setBreakpoints([{ match: 'hold-me', rest: 'wait' }]);
    wire.receive('s1', 'out', msg('hold-me'));
    wire.receive('s1', 'out', msg('s1 later'));
    wire.receive('s2', 'out', msg('s2 flows'));
    assert.deepEqual(wire.texts('s1'), []);
    assert.deepEqual(wire.texts('s2'), [msg('s2 flows')]);
  });

  it('does not hold binary frames on its own, but keeps them in order behind held text', () => {
    gate.pause('out');
    const bin = store.append({ session: 's1', dir: 'out', kind: 'binary', raw: 'AAEC' });
    assert.equal(
      gate.admit(bin, () => undefined),
      'pass',
    );
    wire.receive('s1', 'out', presence('held'));
    const bin2 = store.append({ session: 's1', dir: 'out', kind: 'binary', raw: 'AwQ=' });
    assert.equal(
      gate.admit(bin2, () => undefined),
      'hold',
    );
  });

  it('hold timeout: warns first, then forwards (never drops) the frame', async () => {
    gate.setHoldTimeout(60, 40);
    gate.pause('out');
    const frame = wire.receive('s1', 'out', presence('forgotten'));
    const [warned, msLeft] = await once(gate, 'warn');
    assert.equal(warned.frame.id, frame.id);
    assert.ok(msLeft <= 60);
    assert.deepEqual(wire.texts(), [], 'not yet forwarded at the warning');
    const [released, how] = await once(gate, 'released');
    assert.equal(released.id, frame.id);
    assert.equal(how, 'timeout');
    assert.deepEqual(wire.texts(), [presence('forgotten')]);
    assert.equal(store.get(frame.id)!.flags.dropped, undefined);
  });

  it('discards the held frames of a session that went away (flagged dropped)', () => {
    const session = new RecordingSession('s1', store);
    live.add(session);
    gate.pause('out');
    const frame = wire.receive('s1', 'out', presence('x'));
    live.remove('s1');
    assert.equal(gate.heldCount, 0);
    assert.equal(store.get(frame.id)!.flags.dropped, true);
  });

  describe('editing a held frame', () => {
    it('an open editor stops the clock: the frame outlives the timeout and is sent edited', async () => {
      gate.setHoldTimeout(30, 20);
      gate.pause('out');
      const frame = wire.receive('s1', 'out', presence('mine'));
      const behind = wire.receive('s1', 'out', presence('next'));
      gate.resume('out');
      assert.equal(gate.isHeld(frame.id), false, 'resume without an editor forwards');
      gate.pause('out');
      const edited = wire.receive('s1', 'out', presence('edit me'));
      const queued = wire.receive('s1', 'out', presence('queued'));
      const held = gate.beginEdit(edited.id);
      assert.equal(held.editing, true);
      assert.equal(held.deadline, undefined);
      // The frame behind it times out, but may not overtake the one being edited.
      await new Promise<void>((resolve) => {
        const check = () =>
          gate.heldCount === 2 && gate.held().every((h) => h.deadline === undefined)
            ? resolve()
            : gate.once('changed', check);
        check();
      });
      assert.deepEqual(
        gate.waitingQueues().map((q) => [q.dir, q.head.frame.id, q.head.editing, q.waiting]),
        [['out', edited.id, true, 1]],
      );
      gate.resume('out');
      assert.equal(gate.isHeld(edited.id), true, 'resume leaves the frame being edited');
      assert.equal(gate.isHeld(queued.id), true, 'and what is behind it');
      gate.forward(edited.id, presence('edited'));
      assert.deepEqual(wire.texts(), [presence('mine'), presence('next'), presence('edited'), presence('queued')]);
      assert.equal(gate.heldCount, 0);
      assert.equal(store.get(behind.id)!.flags.held, undefined);
    });

    it('a selected frame keeps no clock: a frame behind it times out but does not take it along; unselected, it has a fresh clock', async () => {
      gate.setHoldTimeout(40, 10);
      gate.setBreakpoints([{ id: 'b1', filter: 'event:DELETE', rest: 'wait' }]);
      const selected = wire.receive('s1', 'in', callGone());
      gate.watch(selected.id);
      assert.equal(gate.heldFrame(selected.id)?.deadline, undefined);
      assert.equal(gate.heldFrame(selected.id)?.watched, true);
      const behind = wire.receive('s1', 'in', userChange(1));
      // The frame behind it reaches its timeout: its clock stops, it stays held, in order.
      await new Promise<void>((resolve) => {
        const check = () =>
          gate.heldFrame(behind.id)?.deadline === undefined ? resolve() : gate.once('changed', check);
        check();
      });
      assert.deepEqual(wire.texts('s1', 'in'), [], 'nothing was forwarded under the cursor');
      gate.unwatch(selected.id);
      assert.ok(gate.heldFrame(selected.id)?.deadline, 'a fresh clock');
      const [released, how] = (await once(gate, 'released')) as [Frame, ReleaseHow];
      assert.deepEqual([released.id, how], [selected.id, 'timeout']);
      assert.deepEqual(wire.texts('s1', 'in'), [selected.raw, behind.raw], 'the expired one follows, in order');
    });

    it('endEdit gives the frame a fresh clock', async () => {
      gate.setHoldTimeout(40, 10);
      gate.pause('out');
      const frame = wire.receive('s1', 'out', presence('x'));
      gate.beginEdit(frame.id);
      gate.endEdit(frame.id);
      assert.ok(gate.heldFrame(frame.id)?.deadline);
      const [released, how] = await once(gate, 'released');
      assert.equal(released.id, frame.id);
      assert.equal(how, 'timeout');
    });
  });

  describe('breakpoints', () => {
    // The case: one rule on Dialogs DELETE, twenty User changes right behind it.
    const deleteThenUsers = () => {
      const held = wire.receive('s1', 'in', callGone());
      const users = Array.from({ length: 20 }, (_, n) => wire.receive('s1', 'in', userChange(n)));
      return { held, users };
    };
    const isReordered = (f: Frame) => {
      const c = compileFilter('is:reordered');
      assert.ok(c.ok);
      return c.filter.matcher()(f);
    };

    it('by default let the rest pass: only the matching frame is held, it goes out of order, flagged reordered', () => {
      gate.setBreakpoints([{ id: 'b1', filter: 'event:DELETE' }]);
      const { held, users } = deleteThenUsers();
      assert.equal(gate.heldCount, 1);
      assert.deepEqual(
        wire.texts('s1', 'in'),
        users.map((u) => u.raw),
        'the twenty User changes flowed, in order',
      );
      assert.equal(gate.heldFrame(held.id)?.aside, true);
      assert.deepEqual(gate.waitingQueues(), [], 'nothing waits behind it');
      assert.equal(gate.waitingBehind(held.id), 0);
      gate.forward(held.id);
      assert.deepEqual(wire.texts('s1', 'in'), [...users.map((u) => u.raw), held.raw]);
      assert.deepEqual(flags(store.get(held.id)!), { reordered: true });
      assert.equal(isReordered(store.get(held.id)!), true, 'is:reordered finds it');
      assert.deepEqual(
        users.filter((u) => flags(store.get(u.id)!).reordered),
        [],
        'the frames that flowed are not',
      );
    });

    it('hold in order: every later frame of that session and direction waits behind it, and says behind which', () => {
      gate.setBreakpoints([{ id: 'b1', filter: 'event:DELETE', rest: 'wait' }]);
      const { held, users } = deleteThenUsers();
      const other = wire.receive('s1', 'out', presence('out flows'));
      assert.equal(gate.heldCount, 21);
      assert.deepEqual(wire.texts('s1', 'in'), []);
      assert.deepEqual(wire.texts('s1', 'out'), [other.raw], 'the other direction flows');
      assert.deepEqual(
        gate.waitingQueues().map((q) => [q.session, q.dir, q.head.frame.id, q.head.rule?.id, q.waiting]),
        [['s1', 'in', held.id, 'b1', 20]],
      );
      assert.equal(gate.waitingBehind(held.id), 20);
      assert.equal(gate.waitsBehind(users[7].id)?.frame.id, held.id);
      assert.deepEqual([...new Set(gate.held().map((h) => h.reason))], ['breakpoint', 'behind']);
      gate.forward(held.id);
      assert.deepEqual(wire.texts('s1', 'in'), [held.raw, ...users.map((u) => u.raw)]);
      assert.equal(gate.heldCount, 0);
      assert.deepEqual(
        [held, ...users].filter((f) => isReordered(store.get(f.id)!)),
        [],
        'in order: nothing reordered',
      );
    });

    it('hold in order: forwarding a frame that waits behind the held one overtakes it, flagged reordered', () => {
      gate.setBreakpoints([{ id: 'b1', filter: 'event:DELETE', rest: 'wait' }]);
      const { held, users } = deleteThenUsers();
      gate.forward(users[3].id);
      assert.deepEqual(wire.texts('s1', 'in'), [users[3].raw]);
      assert.deepEqual(flags(store.get(users[3].id)!), { reordered: true });
      gate.forward(held.id);
      assert.equal(flags(store.get(held.id)!).reordered, undefined, 'the held one kept its place: it went first');
      assert.equal(wire.texts('s1', 'in').length, 21);
    });

    it('let the rest pass: a frame forwarded before anything overtook it is not reordered', () => {
      gate.setBreakpoints([{ id: 'b1', filter: 'event:DELETE' }]);
      const held = wire.receive('s1', 'in', callGone());
      wire.receive('s1', 'out', presence('the other direction does not count'));
      wire.receive('s2', 'in', userChange(1));
      gate.forward(held.id);
      assert.deepEqual(flags(store.get(held.id)!), {});
    });

    it('let the rest pass: frames held aside by two rules go out as each is forwarded', () => {
      gate.setBreakpoints([
        { id: 'b1', filter: 'event:DELETE' },
        { id: 'b2', filter: 'state:READY' },
      ]);
      const gone = wire.receive('s1', 'in', callGone());
      const ready = wire.receive('s1', 'in', userChange(1));
      const notReady = wire.receive('s1', 'in', userChange(2));
      assert.deepEqual(wire.texts('s1', 'in'), [notReady.raw]);
      gate.forward(ready.id);
      gate.forward(gone.id);
      assert.deepEqual(wire.texts('s1', 'in'), [notReady.raw, ready.raw, gone.raw]);
      assert.equal(store.get(ready.id)!.flags.reordered, true);
      assert.equal(store.get(gone.id)!.flags.reordered, true);
    });

    it('a rule switched to hold in order keeps what comes next behind its frame; back to pass releases them', () => {
      gate.setBreakpoints([{ id: 'b1', filter: 'event:DELETE' }]);
      const held = wire.receive('s1', 'in', callGone());
      const before = wire.receive('s1', 'in', userChange(1));
      gate.setBreakpoints([{ id: 'b1', filter: 'event:DELETE', rest: 'wait' }]);
      assert.equal(gate.heldFrame(held.id)?.aside, undefined);
      const after = wire.receive('s1', 'in', userChange(2));
      assert.deepEqual(wire.texts('s1', 'in'), [before.raw]);
      assert.equal(gate.waitingBehind(held.id), 1);
      gate.setBreakpoints([{ id: 'b1', filter: 'event:DELETE', rest: 'pass' }]);
      assert.deepEqual(wire.texts('s1', 'in'), [before.raw, after.raw], 'the waiting frame goes');
      assert.equal(gate.isHeld(held.id), true, 'the matching one stays held');
      assert.equal(store.get(after.id)!.flags.reordered, true, 'it overtook the held one');
      assert.throws(() => gate.setBreakpoints([{ id: 'b9', filter: 'x', rest: 'later' as 'pass' }]), /rest must be/);
    });

    it('removing a let-the-rest-pass rule forwards its frame; resume forwards frames held aside too, oldest first', () => {
      gate.setBreakpoints([{ id: 'b1', filter: 'event:DELETE' }]);
      const first = wire.receive('s1', 'in', callGone());
      gate.setBreakpoints([]);
      assert.deepEqual(wire.texts('s1', 'in'), [first.raw]);
      gate.setBreakpoints([{ id: 'b1', filter: 'event:DELETE' }]);
      const aside = wire.receive('s1', 'in', callGone());
      gate.pause('in');
      const paused = wire.receive('s1', 'in', userChange(3));
      gate.resume('in');
      assert.deepEqual(wire.texts('s1', 'in'), [first.raw, aside.raw, paused.raw]);
      assert.equal(gate.heldCount, 0);
    });

    it('the hold timeout forwards a frame held aside on its own', async () => {
      gate.setHoldTimeout(30, 10);
      gate.setBreakpoints([{ id: 'b1', filter: 'event:DELETE' }]);
      const held = wire.receive('s1', 'in', callGone());
      const next = wire.receive('s1', 'in', userChange(1));
      const [released, how] = (await once(gate, 'released')) as [Frame, ReleaseHow];
      assert.equal(released.id, held.id);
      assert.equal(how, 'timeout');
      assert.deepEqual(wire.texts('s1', 'in'), [next.raw, held.raw]);
      assert.equal(store.get(held.id)!.flags.reordered, true);
    });

    it('rules in the filter language hold matching frames only', () => {
      gate.setBreakpoints([{ id: 'away', filter: 'dir:out away' }]);
      wire.receive('s1', 'out', presence('here'));
      const caught = wire.receive('s1', 'out', presence('away'));
      wire.receive('s1', 'in', presence('away'));
      assert.equal(gate.heldFrame(caught.id)?.rule?.id, 'away');
      assert.deepEqual(wire.texts('s1', 'in'), [presence('away')]);
      assert.throws(() => gate.setBreakpoints([{ id: 'bad', filter: 'dir:sideways' }]), /breakpoint "bad": dir:/);
    });

    it('removing or disabling a rule releases the frames it held, in order; another rule keeps its own', () => {
      gate.setBreakpoints([
        { id: 'a', filter: '"<status>a"', rest: 'wait' },
        { id: 'b', filter: '"<status>b"', rest: 'wait' },
      ]);
      const a1 = wire.receive('s1', 'out', presence('a1'));
      const b1 = wire.receive('s1', 'out', presence('b1'));
      const c1 = wire.receive('s1', 'out', presence('c1'));
      assert.equal(gate.heldFrame(c1.id)?.reason, 'behind');
      gate.setBreakpoints([
        { id: 'a', filter: '"<status>a"', enabled: false, rest: 'wait' },
        { id: 'b', filter: '"<status>b"', rest: 'wait' },
      ]);
      assert.deepEqual(wire.texts(), [presence('a1')], 'b1 still held by its rule, c1 behind it');
      assert.equal(gate.isHeld(a1.id), false);
      assert.equal(gate.heldFrame(b1.id)?.rule?.id, 'b');
      gate.setBreakpoints([]);
      assert.deepEqual(wire.texts(), [presence('a1'), presence('b1'), presence('c1')]);
      assert.equal(gate.heldCount, 0);
    });

    it('a rule change does not release a frame open in an editor', () => {
      gate.setBreakpoints([{ id: 'a', filter: 'dir:out' }]);
      const frame = wire.receive('s1', 'out', presence('a'));
      gate.beginEdit(frame.id);
      gate.setBreakpoints([]);
      assert.equal(gate.isHeld(frame.id), true);
      gate.forward(frame.id);
      assert.deepEqual(wire.texts(), [presence('a')]);
    });
  });

  describe('replace rules', () => {
    it('rewrite passing frames on the fly, flagged edited with the original kept', () => {
      gate.setReplaceRules([{ match: 'away', replace: 'dnd', direction: 'out' }]);
      const out = wire.receive('s1', 'out', presence('away'));
      const inbound = wire.receive('s1', 'in', presence('away'));
      assert.deepEqual(wire.texts('s1', 'out'), [presence('dnd')]);
      assert.deepEqual(wire.texts('s1', 'in'), [presence('away')], 'direction respected');
      assert.equal(store.get(out.id)!.raw, presence('dnd'));
      assert.equal(store.get(out.id)!.original, presence('away'));
      assert.equal(store.get(out.id)!.flags.edited, true);
      assert.equal(store.get(inbound.id)!.flags.edited, undefined);
    });

    it('rewrite a held frame too; forwarding sends the rewritten text', () => {
      gate.setReplaceRules([{ match: '<status>(\\w+)</status>', replace: '<status>[$1]</status>', regex: true }]);
      gate.pause('out');
      const frame = wire.receive('s1', 'out', presence('away'));
      assert.equal(gate.heldFrame(frame.id)?.pending, presence('[away]'));
      gate.forward(frame.id);
      assert.deepEqual(wire.texts(), [presence('[away]')]);
      assert.equal(store.get(frame.id)!.flags.edited, true);
    });

    it('a bad rule is refused with a clear error and the old rules stay', () => {
      gate.setReplaceRules([{ match: 'a', replace: 'b' }]);
      assert.throws(() => gate.setReplaceRules([{ id: 'broken', match: '(', replace: '', regex: true }]), RuleError);
      assert.equal(gate.replaceRules.length, 1);
      assert.throws(() => gate.setBreakpoints([{ id: 'bad', match: '[' }]), /breakpoint "bad"/);
    });
  });

  describe('resend and inject', () => {
    it('resends a captured frame on its session, as a new injected frame', () => {
      const session = new RecordingSession('s1', store);
      live.add(session);
      const frame = wire.receive('s1', 'out', presence('away'));
      const copy = gate.resend(frame.id);
      assert.notEqual(copy.id, frame.id);
      assert.deepEqual(copy.flags, { injected: true });
      assert.deepEqual(session.sent, [{ dir: 'out', raw: presence('away') }]);
      const edited = gate.resend(frame.id, { raw: presence('xa') });
      assert.deepEqual(edited.flags, { injected: true, edited: true });
    });

    it('resend sends what the row shows (the edit); Resend Original sends the text before it', () => {
      const session = new RecordingSession('s1', store);
      live.add(session);
      gate.pause('out');
      const frame = wire.receive('s1', 'out', presence('TALKING'));
      gate.forward(frame.id, presence('HOLD'));
      assert.equal(store.get(frame.id)!.raw, presence('HOLD'));
      const again = gate.resend(frame.id);
      assert.equal(again.raw, presence('HOLD'));
      assert.deepEqual(again.flags, { injected: true, edited: true });
      const original = gate.resendOriginal(frame.id);
      assert.equal(original.raw, presence('TALKING'));
      assert.deepEqual(original.flags, { injected: true });
      assert.deepEqual(
        session.sent.map((s) => s.raw),
        [presence('HOLD'), presence('TALKING')],
      );
    });

    it('injects in either direction, and says why when it cannot', () => {
      const session = new RecordingSession('s1', store, ['out']);
      live.add(session);
      const f = gate.inject('s1', 'out', presence('x'));
      assert.equal(f.flags.injected, true);
      assert.throws(() => gate.inject('s1', 'in', msg('x')), /cannot send to the client/);
      assert.throws(() => gate.inject('nope', 'out', msg('x')), /not connected/);
      session.open = false;
      assert.throws(() => gate.inject('s1', 'out', msg('x')), /is closed towards the server/);
      assert.throws(() => gate.forward(9999), /not held/);
    });
  });
});
