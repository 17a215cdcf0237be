/**
 * Scenarios the embedded simulator plays to each subscribed client: deterministic steps, each a
 * delay and one Finesse <Update> published on the agent's User, Dialogs or Team node. Steps are
 * functions of a context (the logged-in agent, the loop iteration) so a looping scenario gives
 * every call a new dialog id and every error a new requestId, as a real server would.
 */
import { Agent, apiErrorUpdate, Call, dialogUpdate, teamUserUpdate, userUpdate } from '../finesse/builders';
import { nodes } from '../finesse/nodes';

/** Which of the agent's nodes a step publishes on. */
export type StepTarget = 'user' | 'dialogs' | 'team';

export interface ScenarioContext {
  agent: Agent;
  teamId: string;
  /** 0 on the first pass, then 1, 2, … when the scenario loops. */
  iteration: number;
}

export interface ScenarioStep {
  /** Wait before this step, in ms at speed 1. */
  delayMs: number;
  target: StepTarget;
  /** The <Update> document (unescaped) to publish. */
  update(ctx: ScenarioContext): string;
}

export interface Scenario {
  name: string;
  steps: ScenarioStep[];
  /**
   * Nodes a client must have subscribed to before the scenario starts for it. Starting on the
   * subscriptions (not on a timer) makes what a client receives independent of how fast it
   * subscribes: a step for a node the client never subscribed to is skipped, as pubsub would.
   */
  requires: StepTarget[];
}

export function stepNode(target: StepTarget, ctx: ScenarioContext): string {
  switch (target) {
    case 'user':
      return nodes.user(ctx.agent.id);
    case 'dialogs':
      return nodes.userDialogs(ctx.agent.id);
    case 'team':
      return nodes.teamUsers(ctx.teamId);
  }
}

/** The agent a logged-in XMPP user stands for (Finesse logs agents in by their id). */
export function agentFor(user: string, teamId = '1'): Agent {
  return { id: user, loginName: user, firstName: 'Agent', lastName: user, extension: '1001', teamId, teamName: 'Blue' };
}

/** The other member of the agent's team whose changes the Team node shows. */
export const TEAMMATE: Agent = { id: 'agent2', loginName: 'agent2', firstName: 'Bob', lastName: 'Jones', extension: '1002', teamId: '1', teamName: 'Blue' };

function call(ctx: ScenarioContext): Call {
  return { id: String(16777236 + ctx.iteration), from: '5551234', to: ctx.agent.extension ?? '1001', callType: 'ACD_IN' };
}

/**
 * An agent's short shift: LOGIN → NOT_READY → READY; a teammate goes READY; a call alerts, is
 * answered (TALKING), the desktop tries READY while talking and gets an apiErrors answer with
 * its requestId, the call drops, the agent wraps up (WORK) and is READY again; the teammate
 * goes NOT_READY. 13 steps, ~9 s at speed 1.
 */
export function defaultScenario(): Scenario {
  const s = (delayMs: number, target: StepTarget, update: (ctx: ScenarioContext) => string): ScenarioStep => ({ delayMs, target, update });
  return {
    name: 'agent-call',
    requires: ['user', 'dialogs'],
    steps: [
      s(300, 'user', (c) => userUpdate(c.agent, 'LOGIN')),
      s(300, 'user', (c) => userUpdate(c.agent, 'NOT_READY', { reasonCodeId: '22' })),
      s(1000, 'user', (c) => userUpdate(c.agent, 'READY', { requestId: `req-ready-${c.iteration}` })),
      s(500, 'team', (c) => teamUserUpdate(c.teamId, { ...TEAMMATE, teamId: c.teamId }, 'READY')),
      s(1500, 'dialogs', (c) => dialogUpdate(c.agent, call(c), 'ALERTING', 'POST')),
      s(0, 'user', (c) => userUpdate(c.agent, 'RESERVED')),
      s(1500, 'dialogs', (c) => dialogUpdate(c.agent, call(c), 'ACTIVE', 'PUT')),
      s(0, 'user', (c) => userUpdate(c.agent, 'TALKING')),
      s(800, 'user', (c) => apiErrorUpdate(c.agent, `req-err-${c.iteration}`)),
      s(1500, 'dialogs', (c) => dialogUpdate(c.agent, call(c), 'DROPPED', 'DELETE')),
      s(0, 'user', (c) => userUpdate(c.agent, 'WORK')),
      s(1000, 'user', (c) => userUpdate(c.agent, 'READY', { requestId: `req-wrapup-${c.iteration}` })),
      s(300, 'team', (c) => teamUserUpdate(c.teamId, { ...TEAMMATE, teamId: c.teamId }, 'NOT_READY')),
    ],
  };
}
