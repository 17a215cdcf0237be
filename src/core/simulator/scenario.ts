/**
 * Scripted days for the local Finesse: what happens on the desk without a client asking — calls
 * ringing an agent, and the agent's own clicks when no desktop makes them. A scenario is data
 * (JSON or YAML, `finesse-frames simulate --scenario FILE`):
 *
 * ```yaml
 * users:                    # optional; default agent1 / agent1, extension 1001, team 1
 *   - { id: agent1, password: agent1, extension: "1001", team: "1" }
 * start: online             # online: when a session of the first user sends presence or
 *                           #   subscribes to its own User node (default)
 *                           # immediately: as soon as the simulator listens
 * loop: false               # start over after the last step
 * steps:
 *   - ring: { agent: agent1, from: "5551234", variables: { callVariable1: case-4711 }, queue: "2" }
 *                           # queue: the queue the call comes through (default 1, team 1's)
 *     when: READY           # wait until agent1 is READY (any step may wait on its agent's state)
 *     after: 2              # then wait 2 s (seconds; default 0)
 *   - answer: agent1        # the agent's call: answer / hold / retrieve / drop
 *   - state: { agent: agent1, to: NOT_READY, reasonCodeId: "22", requestId: r-1 }
 * ```
 * Each step runs as the matching REST request would; one the agent's state does not allow
 * publishes the same apiErrors Update a client would get and the day goes on.
 */
import { parse as parseYaml } from 'yaml';
import type { CallVariable } from './payloads';
import type { DeskUser } from './desk';

type ScenarioAction =
  | { kind: 'state'; agent: string; to: string; extension?: string; reasonCodeId?: string; requestId?: string }
  | { kind: 'ring'; agent: string; from: string; variables: CallVariable[]; queue?: string }
  | { kind: 'call'; agent: string; action: 'ANSWER' | 'HOLD' | 'RETRIEVE' | 'DROP'; requestId?: string };

export interface ScenarioStep {
  /** Seconds to wait (after `when` is met), at speed 1. */
  after: number;
  /** Wait until the step's agent is in this state first. */
  when?: string;
  action: ScenarioAction;
}

export interface Scenario {
  name: string;
  users?: DeskUser[];
  start: 'online' | 'immediately';
  loop?: boolean;
  steps: ScenarioStep[];
}

/** The agent everyone signs in as by default, and the teammate the demo day moves. */
export const DEFAULT_USER: DeskUser = {
  id: 'agent1',
  loginName: 'agent1',
  password: 'agent1',
  firstName: 'Agent',
  lastName: 'agent1',
  extension: '1001',
  teamId: '1',
  teamName: 'Blue',
};
export const TEAMMATE: DeskUser = {
  id: 'agent2',
  loginName: 'agent2',
  firstName: 'Bob',
  lastName: 'Jones',
  extension: '1002',
  teamId: '1',
  teamName: 'Blue',
};

/** `{n}` in a requestId becomes the loop iteration, so a looping day never repeats one. */
export function requestIdFor(template: string | undefined, iteration: number): string | undefined {
  return template?.replace(/\{n\}/g, String(iteration));
}

/**
 * The demo day `finesse-frames simulate` plays with no options, once agent1 is online: sign-in
 * (LOGIN → NOT_READY), READY, the teammate READY, a call rings and is answered, the desktop tries
 * READY while talking (apiErrors with its requestId), the call drops, wrap-up (WORK), READY
 * again, the teammate goes NOT_READY; then agent1 goes NOT_READY and signs out so a loop starts
 * from a signed-out agent. ~10 s at speed 1.
 */
export function defaultScenario(agent = DEFAULT_USER.id): Scenario {
  const step = (after: number, action: ScenarioAction): ScenarioStep => ({ after, action });
  return {
    name: 'demo-day',
    start: 'online',
    steps: [
      step(0.3, { kind: 'state', agent, to: 'LOGIN', extension: '1001', requestId: 'req-login-{n}' }),
      step(0.3, { kind: 'state', agent: TEAMMATE.id, to: 'LOGIN', extension: TEAMMATE.extension }),
      step(1, { kind: 'state', agent, to: 'READY', requestId: 'req-ready-{n}' }),
      step(0.5, { kind: 'state', agent: TEAMMATE.id, to: 'READY' }),
      step(1.5, { kind: 'ring', agent, from: '5551234', variables: [{ name: 'callVariable1', value: 'case-4711' }] }),
      step(1.5, { kind: 'call', agent, action: 'ANSWER', requestId: 'req-answer-{n}' }),
      step(0.8, { kind: 'state', agent, to: 'READY', requestId: 'req-err-{n}' }),
      step(1.5, { kind: 'call', agent, action: 'DROP', requestId: 'req-drop-{n}' }),
      step(1, { kind: 'state', agent, to: 'READY', requestId: 'req-wrapup-{n}' }),
      step(0.3, { kind: 'state', agent: TEAMMATE.id, to: 'NOT_READY', reasonCodeId: '22' }),
      step(0.5, { kind: 'state', agent: TEAMMATE.id, to: 'LOGOUT' }),
      step(0.5, { kind: 'state', agent, to: 'NOT_READY', reasonCodeId: '22', requestId: 'req-break-{n}' }),
      step(0.5, { kind: 'state', agent, to: 'LOGOUT', requestId: 'req-logout-{n}' }),
    ],
  };
}

/** A day with nothing scripted: the desk changes only when clients ask over REST. */
export function idleScenario(): Scenario {
  return { name: 'idle', start: 'immediately', steps: [] };
}

export class ScenarioError extends Error {}

/** Parses a scenario file's text (JSON is YAML too); errors name the step and the field. */
export function parseScenario(text: string, name = 'scenario'): Scenario {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ScenarioError(`${name}: not JSON or YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObject(doc)) throw new ScenarioError(`${name}: expected an object with "steps"`);
  const users =
    doc.users === undefined
      ? undefined
      : list(doc.users, `${name}: users`).map((u, i) => parseUser(u, `${name}: users[${i}]`));
  const start = doc.start ?? 'online';
  if (start !== 'online' && start !== 'immediately')
    throw new ScenarioError(`${name}: start must be "online" or "immediately"`);
  const steps = list(doc.steps ?? [], `${name}: steps`).map((s, i) =>
    parseStep(s, `${name}: steps[${i}]`, users?.[0]?.id ?? DEFAULT_USER.id),
  );
  return { name, users, start, loop: doc.loop === true, steps };
}

function parseUser(u: unknown, where: string): DeskUser {
  if (!isObject(u)) throw new ScenarioError(`${where}: expected an object`);
  const id = str(u.id, `${where}.id`);
  const password = u.password === undefined ? undefined : str(u.password, `${where}.password`);
  const extension = u.extension === undefined ? undefined : str(u.extension, `${where}.extension`);
  const teamId = u.team === undefined ? '1' : str(u.team, `${where}.team`);
  return {
    id,
    loginName: id,
    password,
    extension,
    teamId,
    teamName: u.teamName === undefined ? 'Blue' : str(u.teamName, `${where}.teamName`),
    firstName: optStr(u.firstName, `${where}.firstName`),
    lastName: optStr(u.lastName, `${where}.lastName`),
  };
}

function parseStep(s: unknown, where: string, defaultAgent: string): ScenarioStep {
  if (!isObject(s)) throw new ScenarioError(`${where}: expected an object`);
  const after = s.after === undefined ? 0 : Number(s.after);
  if (!(after >= 0)) throw new ScenarioError(`${where}.after: expected seconds ≥ 0`);
  const when = s.when === undefined ? undefined : str(s.when, `${where}.when`).toUpperCase();
  const kinds = ['ring', 'state', 'answer', 'hold', 'retrieve', 'drop'].filter((k) => k in s);
  if (kinds.length !== 1)
    throw new ScenarioError(`${where}: expected exactly one of ring, state, answer, hold, retrieve, drop`);
  const kind = kinds[0];
  const body = s[kind];
  let action: ScenarioAction;
  if (kind === 'ring') {
    if (!isObject(body)) throw new ScenarioError(`${where}.ring: expected { agent, from, variables }`);
    const vars = body.variables === undefined ? {} : body.variables;
    if (!isObject(vars)) throw new ScenarioError(`${where}.ring.variables: expected name: value pairs`);
    action = {
      kind: 'ring',
      agent: body.agent === undefined ? defaultAgent : str(body.agent, `${where}.ring.agent`),
      from: str(body.from, `${where}.ring.from`),
      variables: Object.entries(vars).map(([name, value]) => ({ name, value: String(value) })),
    };
    const queue = optStr(body.queue, `${where}.ring.queue`);
    if (queue !== undefined) action.queue = queue;
  } else if (kind === 'state') {
    if (!isObject(body)) throw new ScenarioError(`${where}.state: expected { agent, to }`);
    action = {
      kind: 'state',
      agent: body.agent === undefined ? defaultAgent : str(body.agent, `${where}.state.agent`),
      to: str(body.to, `${where}.state.to`).toUpperCase(),
      extension: optStr(body.extension, `${where}.state.extension`),
      reasonCodeId: optStr(body.reasonCodeId, `${where}.state.reasonCodeId`),
      requestId: optStr(body.requestId, `${where}.state.requestId`),
    };
  } else {
    const agent = body === null || body === true ? defaultAgent : str(body, `${where}.${kind}`);
    action = { kind: 'call', agent, action: kind.toUpperCase() as 'ANSWER' };
  }
  return { after, when, action };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function list(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new ScenarioError(`${where}: expected a list`);
  return v;
}
function str(v: unknown, where: string): string {
  if (typeof v === 'string' && v) return v;
  if (typeof v === 'number') return String(v);
  throw new ScenarioError(`${where}: expected a string`);
}
function optStr(v: unknown, where: string): string | undefined {
  return v === undefined ? undefined : str(v, where);
}
