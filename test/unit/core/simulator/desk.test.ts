// The agent/dialog state machine: which transitions Finesse allows, what each publishes on which
// node with which requestId, and how a refused request is answered and evented.
import assert from 'node:assert/strict';
import { Desk, Publication } from '../../../../src/core/simulator/desk';
import { decodeUpdateText } from '../../../../src/core/finesse/update';

const USER = '/finesse/api/User/a1';
const DIALOGS = '/finesse/api/User/a1/Dialogs';
const TEAM = '/finesse/api/Team/7/Users';

function desk() {
  const d = new Desk([{ id: 'a1', loginName: 'a1', password: 'pw', extension: '1001', teamId: '7' }]);
  const published: Publication[] = [];
  d.on('publish', (p) => published.push(p));
  const take = () =>
    published.splice(0).map((p) => {
      const u = decodeUpdateText(p.updateXml, p.node);
      return `${p.node} ${u.event} ${u.state} ${u.requestId ?? ''}`.trim();
    });
  return { d, take };
}

describe('simulator desk (agent state machine)', () => {
  it('signs in with LOGIN then NOT_READY on the User and Team nodes, both with the requestId', () => {
    const { d, take } = desk();
    assert.deepEqual(d.setState('a1', { state: 'LOGIN', extension: '1001' }, 'r1'), { ok: true });
    assert.deepEqual(take(), [
      `${USER} PUT LOGIN r1`,
      `${TEAM} PUT LOGIN r1`,
      `${USER} PUT NOT_READY r1`,
      `${TEAM} PUT NOT_READY r1`,
    ]);
    assert.match(d.userBody('a1') ?? '', /^<User>.*<extension>1001<\/extension>.*<state>NOT_READY<\/state>/);
  });

  it('refuses LOGIN without an extension, READY from LOGOUT and LOGOUT from READY, with apiErrors', () => {
    const { d, take } = desk();
    const missing = d.setState('a1', { state: 'LOGIN' }, 'r0');
    assert.equal(!missing.ok && missing.error.type, 'Parameter Missing');
    const ready = d.setState('a1', { state: 'READY' }, 'r1');
    assert.ok(!ready.ok);
    assert.deepEqual(
      [ready.error.status, ready.error.type, ready.error.message],
      [400, 'Invalid State', 'Cannot change state to READY from LOGOUT'],
    );
    assert.deepEqual(take(), [`${USER} PUT Parameter Missing r0`, `${USER} PUT Invalid State r1`]);
    d.setState('a1', { state: 'LOGIN', extension: '1001' });
    d.setState('a1', { state: 'READY' });
    take();
    assert.equal(d.setState('a1', { state: 'LOGOUT' }, 'r2').ok, false);
    assert.equal(d.setState('a1', { state: 'BOGUS' }, 'r3').ok, false);
    assert.equal(d.setState('a1', { state: 'NOT_READY', reasonCodeId: '999' }, 'r4').ok, false);
    assert.deepEqual(take(), [
      `${USER} PUT Invalid State r2`,
      `${USER} PUT Invalid Input r3`,
      `${USER} PUT Invalid Input r4`,
    ]);
  });

  it('rings a READY agent, answers, holds, retrieves, drops into WORK; actions follow the state', () => {
    const { d, take } = desk();
    d.setState('a1', { state: 'LOGIN', extension: '1001' });
    assert.equal(d.ring('a1', { from: '555' }).ok, false, 'no call to a NOT_READY agent');
    d.setState('a1', { state: 'READY' });
    take();
    const rung = d.ring('a1', { from: '555', variables: [{ name: 'callVariable1', value: 'x' }] });
    assert.ok(rung.ok && rung.dialogId);
    const id = rung.dialogId as string;
    assert.deepEqual(take(), [`${DIALOGS} POST ALERTING`, `${USER} PUT RESERVED`, `${TEAM} PUT RESERVED`]);
    assert.equal(d.dialogAction(id, 'a1', { action: 'HOLD' }, 'h0').ok, false, 'no HOLD while alerting');
    take();
    for (const [action, dialogState, userState] of [
      ['ANSWER', 'ACTIVE', 'TALKING'],
      ['HOLD', 'HELD', 'HOLD'],
      ['RETRIEVE', 'ACTIVE', 'TALKING'],
    ]) {
      assert.deepEqual(d.dialogAction(id, 'a1', { action }, action), { ok: true });
      assert.deepEqual(take(), [
        `${DIALOGS} PUT ${dialogState} ${action}`,
        `${USER} PUT ${userState} ${action}`,
        `${TEAM} PUT ${userState} ${action}`,
      ]);
    }
    assert.match(d.dialog(id)?.participantState ?? '', /ACTIVE/);
    assert.deepEqual(
      d.dialogAction(id, 'a1', { action: 'UPDATE_CALL_DATA', variables: [{ name: 'callVariable1', value: 'y' }] }, 'u'),
      { ok: true },
    );
    assert.deepEqual(take(), [`${DIALOGS} PUT ACTIVE u`]);
    assert.equal(d.dialog(id)?.variables[0].value, 'y');
    assert.deepEqual(d.dialogAction(id, 'a1', { action: 'DROP' }, 'd'), { ok: true });
    assert.deepEqual(take(), [`${DIALOGS} DELETE DROPPED d`, `${USER} PUT WORK d`, `${TEAM} PUT WORK d`]);
    assert.equal(d.dialog(id), undefined);
    assert.equal(d.setState('a1', { state: 'READY' }).ok, true, 'READY after wrap-up');
  });

  it('NOT_READY during a call is pending and applied when the call ends; READY during a call is refused', () => {
    const { d, take } = desk();
    d.setState('a1', { state: 'LOGIN', extension: '1001' });
    d.setState('a1', { state: 'READY' });
    const id = (d.ring('a1', { from: '555' }) as { dialogId: string }).dialogId;
    d.dialogAction(id, 'a1', { action: 'ANSWER' });
    take();
    assert.equal(d.setState('a1', { state: 'READY' }, 'bad').ok, false);
    assert.equal(d.setState('a1', { state: 'NOT_READY', reasonCodeId: '22' }, 'p').ok, true);
    assert.match(d.userBody('a1') ?? '', /<pendingState>NOT_READY<\/pendingState>/);
    d.dialogAction(id, 'a1', { action: 'DROP' }, 'd');
    assert.equal(d.stateOf('a1'), 'NOT_READY');
    assert.match(d.userBody('a1') ?? '', /<pendingState\/>.*<reasonCodeId>22<\/reasonCodeId>/);
  });

  it('makes a call from NOT_READY (POST INITIATED, PUT ACTIVE, TALKING) and checks fromAddress', () => {
    const { d, take } = desk();
    d.setState('a1', { state: 'LOGIN', extension: '1001' });
    take();
    assert.equal(d.makeCall('a1', { fromAddress: '9999', toAddress: '5' }, 'x').ok, false);
    assert.equal(d.makeCall('a1', { fromAddress: '1001' }, 'y').ok, false);
    take();
    assert.equal(d.makeCall('a1', { fromAddress: '1001', toAddress: '5550000' }, 'c').ok, true);
    assert.deepEqual(take(), [
      `${DIALOGS} POST INITIATED c`,
      `${DIALOGS} PUT ACTIVE c`,
      `${USER} PUT TALKING c`,
      `${TEAM} PUT TALKING c`,
    ]);
  });

  it('batch holds the Updates back until flush', () => {
    const { d, take } = desk();
    const { result, flush } = d.batch(() => d.setState('a1', { state: 'LOGIN', extension: '1' }, 'b'));
    assert.deepEqual(result, { ok: true });
    assert.deepEqual(take(), []);
    flush();
    assert.equal(take().length, 4);
  });

  it('an internal call follows a transfer: hold shows on the other side, the caller ends up with the new agent', () => {
    const d = new Desk(
      ['a1', 'a2', 'a3'].map((id, i) => ({ id, loginName: id, password: 'pw', extension: `100${i + 1}`, teamId: '7' })),
    );
    const published: Publication[] = [];
    d.on('publish', (p) => published.push(p));
    const dialogUpdates = (owner: string) =>
      published
        .splice(0)
        .filter((p) => p.node === `/finesse/api/User/${owner}/Dialogs`)
        .map((p) => decodeUpdateText(p.updateXml, p.node));
    for (const id of ['a1', 'a2', 'a3']) d.setState(id, { state: 'LOGIN', extension: `100${id.slice(1)}` });
    d.setState('a3', { state: 'READY' });
    const id = d.makeCall('a1', { toAddress: '1002' }, 'mc');
    assert.ok(id.ok && id.dialogId);
    assert.equal(d.dialog(id.dialogId, 'a2')?.participantState, 'ALERTING');
    d.dialogAction(id.dialogId, 'a2', { action: 'ANSWER' });
    published.splice(0);
    d.dialogAction(id.dialogId, 'a2', { action: 'HOLD' }, 'h');
    const seen = dialogUpdates('a1');
    assert.equal(seen.length, 1);
    assert.match(
      seen[0].xml,
      /<mediaAddress>1001<\/mediaAddress>.*<state>ACTIVE<\/state>.*<mediaAddress>1002<\/mediaAddress>.*<state>HELD<\/state>.*<state>ACTIVE<\/state><toAddress>/s,
    );
    // a3 has no call until a2 transfers it (a held call may be transferred, as on Finesse).
    assert.equal(d.dialog(id.dialogId, 'a3'), undefined);
    assert.deepEqual(d.dialogAction(id.dialogId, 'a2', { action: 'TRANSFER', toAddress: '1003' }, 't'), { ok: true });
    assert.equal(d.stateOf('a2'), 'WORK');
    assert.equal(d.dialog(id.dialogId, 'a3')?.participantState, 'ALERTING');
    assert.equal(d.dialog(id.dialogId, 'a3')?.from, '1001', 'the call comes from the party a2 talked to');
    published.splice(0);
    d.dialogAction(id.dialogId, 'a3', { action: 'ANSWER' }, 'a');
    const caller = dialogUpdates('a1');
    assert.match(
      caller[0].xml,
      /<mediaAddress>1003<\/mediaAddress><mediaAddressType>AGENT_DEVICE<\/mediaAddressType><startTime>[^<]*<\/startTime><state>ACTIVE<\/state>/,
    );
    d.dialogAction(id.dialogId, 'a1', { action: 'DROP' }, 'bye');
    assert.deepEqual([d.stateOf('a1'), d.stateOf('a3'), d.dialog(id.dialogId)], ['WORK', 'WORK', undefined]);
  });

  it('MAKE_CALL to an agent who is signed out or busy answers at once, as any number does', () => {
    const d = new Desk(
      ['a1', 'a2'].map((id, i) => ({ id, loginName: id, password: 'pw', extension: `100${i + 1}`, teamId: '7' })),
    );
    d.setState('a1', { state: 'LOGIN', extension: '1001' });
    const made = d.makeCall('a1', { toAddress: '1002' });
    assert.ok(made.ok && made.dialogId);
    assert.deepEqual(
      [d.dialog(made.dialogId, 'a1')?.participantState, d.dialog(made.dialogId, 'a2'), d.stateOf('a2')],
      ['ACTIVE', undefined, 'LOGOUT'],
    );
  });

  it('authenticates only users with a password', () => {
    const d = new Desk([
      { id: 'a1', loginName: 'a1', password: 'pw' },
      { id: 'mate', loginName: 'mate' },
    ]);
    assert.equal(d.authenticate('a1', 'pw'), true);
    assert.equal(d.authenticate('a1', 'no'), false);
    assert.equal(d.authenticate('mate', ''), false);
    assert.equal(d.authenticate('nobody', 'pw'), false);
  });
});
