/**
 * Queues (skill groups in Unified CCE) of the local Finesse and the statistics Finesse publishes
 * on `/finesse/api/Queue/{id}` (Queue Notifications: a <Queue> with its <statistics>).
 *
 * The configuration is minimal: queue 1 ("Sales") holds the agents of team 1, and a scenario
 * `ring` that names another queue adds the ringing agent to it. A call offered through a queue
 * counts in `callsInQueue` until it is answered or dropped (on a real peripheral it leaves the
 * queue when it is routed; here the ringing agent is the only place it can wait, and a gadget
 * showing queue figures then has something to show).
 */
import type { UserState } from '../finesse/builders';
import { nodes } from '../finesse/nodes';
import { Element, xml } from '../xmpp/xml';

export const DEFAULT_QUEUE = { id: '1', name: 'Sales', teamId: '1' };

/** One agent as the statistics count it. */
export interface QueueMember {
  state: UserState;
  /** What the agent is talking on, when TALKING or HOLD. */
  talking?: 'inbound' | 'outbound' | 'internal';
}

/** One call waiting in the queue (offered and not yet answered). */
export interface QueuedCall {
  since: number;
}

export interface QueueStatistics {
  callsInQueue: number;
  startTimeOfLongestCallInQueue: string;
  agentsReady: number;
  agentsNotReady: number;
  agentsBusyOther: number;
  agentsLoggedOn: number;
  agentsTalkingInbound: number;
  agentsTalkingOutbound: number;
  agentsTalkingInternal: number;
  agentsWrapUpNotReady: number;
  agentsWrapUpReady: number;
}

export function queueStatistics(members: QueueMember[], calls: QueuedCall[]): QueueStatistics {
  const count = (f: (m: QueueMember) => boolean) => members.filter(f).length;
  const oldest = calls.length ? Math.min(...calls.map((c) => c.since)) : undefined;
  const onCall = (m: QueueMember) => m.state === 'TALKING' || m.state === 'HOLD';
  return {
    callsInQueue: calls.length,
    // The guide's format is YYYY-MM-DDThh:MM:ssZ (no milliseconds); empty when nothing waits.
    startTimeOfLongestCallInQueue: oldest === undefined ? '' : new Date(oldest).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    agentsReady: count((m) => m.state === 'READY'),
    agentsNotReady: count((m) => m.state === 'NOT_READY'),
    agentsBusyOther: count((m) => m.state === 'RESERVED'),
    agentsLoggedOn: count((m) => m.state !== 'LOGOUT'),
    agentsTalkingInbound: count((m) => onCall(m) && m.talking === 'inbound'),
    agentsTalkingOutbound: count((m) => onCall(m) && m.talking === 'outbound'),
    agentsTalkingInternal: count((m) => onCall(m) && m.talking === 'internal'),
    agentsWrapUpNotReady: count((m) => m.state === 'WORK'),
    agentsWrapUpReady: count((m) => m.state === 'WORK_READY'),
  };
}

/** The Queue object (REST body and Update data alike: the guide uses <Queue> for both). */
export function queueElement(id: string, name: string, stats: QueueStatistics): Element {
  return xml(
    'Queue',
    {},
    xml('uri', {}, nodes.queue(id)),
    xml('name', {}, name),
    xml('statistics', {}, ...Object.entries(stats).map(([k, v]) => xml(k, {}, String(v)))),
  );
}
