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
  const take = () => published.splice(0).map((p) => {
    const u = decodeUpdateText(p.updateXml, p.node);
    return `${p.node} ${u.event} ${u.state} ${u.requestId ?? ''}`.trim();
  });
  return { d, take };
}

describe('simulator desk (agent state machine)', () => {
  it('signs in with LOGIN then NOT_READY on the User and Team nodes, both with the requestId', () => {
    const { d, take } = desk();
    assert.deepEqual(d.setState('a1', { state: 'LOGIN', extension: '1001' }, 'r1'), { ok: true });
    assert.deepEqual(take(), [`${USER} PUT LOGIN r1`, `${TEAM} PUT LOGIN r1`, `${USER} PUT NOT_READY r1`, `${TEAM} PUT NOT_READY r1`]);
    assert.match(d.userBody('a1') ?? '', /^<User>.*<extension>1001<\/extension>.*<state>NOT_READY<\/state>/);
  });

  it('refuses LOGIN without an extension, READY from LOGOUT and LOGOUT from READY, with apiErrors', () => {
    const { d, take } = desk();
    const missing = d.setState('a1', { state: 'LOGIN' }, 'r0');
    assert.equal(!missing.ok && missing.error.type, 'Parameter Missing');
    const ready = d.setState('a1', { state: 'READY' }, 'r1');
    assert.ok(!ready.ok);
    assert.deepEqual([ready.error.status, ready.error.type, ready.error.message], [400, 'Invalid State', 'Cannot change state to READY from LOGOUT']);
    assert.deepEqual(take(), [`${USER} PUT Parameter Missing r0`, `${USER} PUT Invalid State r1`]);
    d.setState('a1', { state: 'LOGIN', extension: '1001' });
    d.setState('a1', { state: 'READY' });
    take();
    assert.equal(d.setState('a1', { state: 'LOGOUT' }, 'r2').ok, false);
    assert.equal(d.setState('a1', { state: 'BOGUS' }, 'r3').ok, false);
    assert.equal(d.setState('a1', { state: 'NOT_READY', reasonCodeId: '999' }, 'r4').ok, false);
    assert.deepEqual(take(), [`${USER} PUT Invalid State r2`, `${USER} PUT Invalid Input r3`, `${USER} PUT Invalid Input r4`]);
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
    for (const [action, dialogState, userState] of [['ANSWER', 'ACTIVE', 'TALKING'], ['HOLD', 'HELD', 'HOLD'], ['RETRIEVE', 'ACTIVE', 'TALKING']]) {
      assert.deepEqual(d.dialogAction(id, 'a1', { action }, action), { ok: true });
      assert.deepEqual(take(), [`${DIALOGS} PUT ${dialogState} ${action}`, `${USER} PUT ${userState} ${action}`, `${TEAM} PUT ${userState} ${action}`]);
    }
    assert.match(d.dialog(id)?.participantState ?? '', /ACTIVE/);
    assert.deepEqual(d.dialogAction(id, 'a1', { action: 'UPDATE_CALL_DATA', variables: [{ name: 'callVariable1', value: 'y' }] }, 'u'), { ok: true });
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
    assert.deepEqual(take(), [`${DIALOGS} POST INITIATED c`, `${DIALOGS} PUT ACTIVE c`, `${USER} PUT TALKING c`, `${TEAM} PUT TALKING c`]);
  });

  it('batch holds the Updates back until flush', () => {
    const { d, take } = desk();
    const { result, flush } = d.batch(() => d.setState('a1', { state: 'LOGIN', extension: '1' }, 'b'));
    assert.deepEqual(result, { ok: true });
    assert.deepEqual(take(), []);
    flush();
    assert.equal(take().length, 4);
  });

  it('authenticates only users with a password', () => {
    const d = new Desk([{ id: 'a1', loginName: 'a1', password: 'pw' }, { id: 'mate', loginName: 'mate' }]);
    assert.equal(d.authenticate('a1', 'pw'), true);
    assert.equal(d.authenticate('a1', 'no'), false);
    assert.equal(d.authenticate('mate', ''), false);
    assert.equal(d.authenticate('nobody', 'pw'), false);
  });
});
