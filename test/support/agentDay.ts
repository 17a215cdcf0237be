/**
 * A short agent day as reverse mode captures it (REST calls as http frames, Updates as
 * WebSocket stanzas, all in one store), with realistic gaps: sign in NOT_READY, READY, a call
 * that rings, is answered and dropped, wrap-up, an invalid transition answered by apiErrors,
 * READY again; a colleague's states from the Team Users node. For the timeline's tests,
 * benchmark and screenshot.
 *
 * The day starts where the test says (DAY_START when it does not): nothing here reads the wall
 * clock, and a test that needs "now" gives the code under test its own clock, set relative to
 * the day (`day.t + 3 * HOUR`), so the result is the same on any date.
 */
import { FrameStore } from '../../src/core/capture/frameStore';
import {
  Agent,
  apiErrorUpdate,
  Call,
  dialogUpdate,
  eventMessage,
  teamUserUpdate,
  UserState,
  userUpdate,
} from '../../src/core/finesse/builders';
import { nodes } from '../../src/core/finesse/nodes';
import { formatRequest, formatResponse } from '../../src/core/http/message';

const agent1: Agent = {
  id: 'agent1',
  loginName: 'agent1',
  firstName: 'Ada',
  lastName: 'Lovelace',
  extension: '1001',
  teamId: '1',
};
const agent2: Agent = {
  id: 'agent2',
  loginName: 'agent2',
  firstName: 'Alan',
  lastName: 'Turing',
  extension: '1002',
  teamId: '1',
};
export const dayCall: Call = { id: '16777236', from: '+1 919 555 0142', to: '1001' };

/** Any instant works: only the times relative to it matter (a Monday 09:00 UTC reads well). */
export const DAY_START = Date.UTC(2026, 10, 30, 9, 0, 0);
export const HOUR = 3_600_000;

/** Appends the day's frames; `t` is the time of the last one (or the start, before any). */
export class CaptureWriter {
  constructor(
    readonly store = new FrameStore(),
    public t = DAY_START,
  ) {}
  private requests = 0;
  rest(method: string, path: string, status: number, body = '', requestId?: string): number {
    const headers: [string, string][] = [
      ['Authorization', 'Basic [redacted]'],
      ['Content-Type', 'application/xml'],
    ];
    if (requestId) headers.push(['requestId', requestId]);
    const req = this.store.append({
      session: 'http-day',
      dir: 'out',
      kind: 'http',
      raw: formatRequest(method, path, headers, body),
      t: this.t,
    });
    this.store.append({
      session: 'http-day',
      dir: 'in',
      kind: 'http',
      raw: formatResponse(status, status === 202 ? 'Accepted' : 'Bad Request', [], ''),
      t: this.t + 4,
      answers: req.id,
    });
    this.requests++;
    return req.id;
  }
  update(node: string, updateXml: string, dt = 40): number {
    this.t += dt;
    return this.store.append({
      session: 'ws-day',
      dir: 'in',
      kind: 'stanza',
      raw: eventMessage({
        from: 'pubsub.finesse.test',
        to: 'agent1@finesse.test/desktop',
        node,
        itemId: `i${this.t}`,
        updateXml,
      }),
      t: this.t,
    }).id;
  }
  state(agent: Agent, state: UserState, requestId?: string): number {
    return this.update(nodes.user(agent.id), userUpdate(agent, state, { requestId, t: this.t }));
  }
  wait(seconds: number): void {
    this.t += seconds * 1000;
  }
}

/** The day of agent1 (and a colleague), in store order. */
export function agentDay(w = new CaptureWriter()): CaptureWriter {
  w.rest(
    'PUT',
    '/finesse/api/User/agent1',
    202,
    '<User><state>LOGIN</state><extension>1001</extension></User>',
    'login-1',
  );
  w.state(agent1, 'NOT_READY', 'login-1');
  w.update(nodes.teamUsers('1'), teamUserUpdate('1', agent2, 'READY', { t: w.t }));
  w.wait(20);
  w.rest('PUT', '/finesse/api/User/agent1', 202, '<User><state>READY</state></User>', 'ready-1');
  w.state(agent1, 'READY', 'ready-1');
  w.wait(35);
  w.update(nodes.userDialogs('agent1'), dialogUpdate(agent1, dayCall, 'ALERTING', 'POST', { t: w.t }));
  w.state(agent1, 'RESERVED');
  w.update(nodes.teamUsers('1'), teamUserUpdate('1', agent2, 'TALKING', { t: w.t }));
  w.wait(6);
  w.rest(
    'PUT',
    `/finesse/api/Dialog/${dayCall.id}`,
    202,
    '<Dialog><requestedAction>ANSWER</requestedAction></Dialog>',
    'answer-1',
  );
  w.update(
    nodes.userDialogs('agent1'),
    dialogUpdate(agent1, dayCall, 'ACTIVE', 'PUT', { requestId: 'answer-1', t: w.t }),
  );
  w.state(agent1, 'TALKING');
  w.wait(50);
  w.rest('PUT', '/finesse/api/User/agent1', 400, '<User><state>READY</state></User>', 'bad-1');
  w.update(
    nodes.user('agent1'),
    apiErrorUpdate(agent1, 'bad-1', 'Invalid State', 'Cannot change state to READY from TALKING'),
  );
  w.wait(40);
  w.rest(
    'PUT',
    `/finesse/api/Dialog/${dayCall.id}`,
    202,
    '<Dialog><requestedAction>DROP</requestedAction></Dialog>',
    'drop-1',
  );
  w.update(
    nodes.userDialogs('agent1'),
    dialogUpdate(agent1, dayCall, 'DROPPED', 'PUT', { requestId: 'drop-1', t: w.t }),
  );
  w.update(nodes.userDialogs('agent1'), dialogUpdate(agent1, dayCall, 'DROPPED', 'DELETE', { t: w.t }));
  w.state(agent1, 'WORK_READY');
  w.update(nodes.teamUsers('1'), teamUserUpdate('1', agent2, 'NOT_READY', { t: w.t }));
  w.wait(30);
  w.rest('PUT', '/finesse/api/User/agent1', 202, '<User><state>READY</state></User>', 'ready-2');
  w.state(agent1, 'READY', 'ready-2');
  w.wait(25);
  return w;
}
