// Every kind of Update the desk publishes — user states with and without reason and pending
// state, team users, dialogs in every state, made calls, call data, apiErrors — validates against
// schemas/ as the event message a client receives.
import assert from 'node:assert/strict';
import { Desk, Publication } from '../../../../src/core/simulator/desk';
import { eventMessage } from '../../../../src/core/finesse/builders';
import { validateXml } from '../../../../src/core/validation/validator';
import { formatDiagnostic } from '../../../../src/core/validation/diagnostic';
import { decodeUpdateText } from '../../../../src/core/finesse/update';

describe('simulator Updates against schemas/', () => {
  it('accepts every Update of a full day on the desk', async () => {
    const desk = new Desk([
      {
        id: 'a1',
        loginName: 'a1',
        password: 'p',
        extension: '1001',
        firstName: 'Ann',
        lastName: 'Lee',
        teamId: '1',
        teamName: 'Blue',
      },
    ]);
    const published: Publication[] = [];
    desk.on('publish', (p) => published.push(p));
    const ok = (o: { ok: boolean }) => assert.ok(o.ok);
    ok(desk.setState('a1', { state: 'LOGIN', extension: '1001' }, 'r1'));
    ok(desk.setState('a1', { state: 'NOT_READY', reasonCodeId: '22' }, 'r2'));
    ok(desk.makeCall('a1', { toAddress: '5550000', variables: [{ name: 'callVariable1', value: 'v' }] }, 'r3'));
    const made = desk.activeDialogOf('a1')?.id as string;
    ok(desk.dialogAction(made, 'a1', { action: 'TRANSFER_SST', toAddress: '2000' }, 'r4'));
    ok(desk.setState('a1', { state: 'READY' }, 'r5'));
    const rung = desk.ring('a1', { from: '555', variables: [{ name: 'user.ecc', value: '<&>' }] }) as {
      dialogId: string;
    };
    for (const action of ['ANSWER', 'HOLD', 'RETRIEVE', 'UPDATE_CALL_DATA'])
      ok(
        desk.dialogAction(rung.dialogId, 'a1', { action, variables: [{ name: 'callVariable2', value: 'x' }] }, action),
      );
    ok(desk.setState('a1', { state: 'WORK_READY' }, 'pending'));
    assert.equal(desk.dialogAction(rung.dialogId, 'a1', { action: 'ANSWER' }, 'bad').ok, false);
    ok(desk.dialogAction(rung.dialogId, 'a1', { action: 'DROP' }, 'drop'));
    ok(desk.setState('a1', { state: 'NOT_READY', reasonCodeId: '23' }));
    ok(desk.setState('a1', { state: 'LOGOUT', reasonCodeId: '31' }, 'out'));

    const kinds = new Set(
      published.map((p) => {
        const u = decodeUpdateText(p.updateXml, p.node);
        return `${u.kind}:${u.state}`;
      }),
    );
    for (const k of [
      'user:LOGIN',
      'user:NOT_READY',
      'user:TALKING',
      'user:HOLD',
      'user:WORK_READY',
      'user:LOGOUT',
      'dialogs:INITIATED',
      'dialog:ACTIVE',
      'dialog:HELD',
      'dialog:DROPPED',
      'dialogs:ALERTING',
      'apiErrors:Generic Error',
    ]) {
      assert.ok(kinds.has(k), `${k} published (got ${[...kinds].join(', ')})`);
    }
    const problems: string[] = [];
    for (const p of published) {
      const stanza = eventMessage({
        from: 'pubsub.finesse.test',
        to: 'a1@finesse.test/x',
        node: p.node,
        itemId: 'i',
        updateXml: p.updateXml,
      });
      for (const d of await validateXml(stanza))
        if (d.severity === 'error') problems.push(`${p.node}: ${formatDiagnostic(d)}\n${p.updateXml}`);
    }
    assert.deepEqual(problems, []);
  });
});
