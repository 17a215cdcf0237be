/**
 * One agent's Finesse Updates of every kind the builders make (user, dialog POST/PUT/DELETE,
 * apiErrors, team user), alone and inside the event messages that carry them: the corpus on
 * which the fast readers are held to the parser (fastXml, notificationText).
 */
import {
  apiErrorUpdate,
  dialogUpdate,
  eventMessage,
  teamUserUpdate,
  userUpdate,
} from '../../src/core/finesse/builders';

const agent = { id: '1001001', loginName: 'agent1' };
const call = { id: '7', from: '5551234', to: '1001' };
/** The agent's own node, where every sample event is published. */
export const agentNode = `/finesse/api/User/${agent.id}`;

export const sampleUpdates = [
  userUpdate(agent, 'READY', { requestId: 'req-1', t: 0 }),
  userUpdate(agent, 'NOT_READY', { reasonCodeId: '12', t: 5 }),
  dialogUpdate(agent, call, 'ALERTING', 'POST', { requestId: 'q' }),
  dialogUpdate(agent, call, 'ACTIVE', 'PUT'),
  dialogUpdate(agent, call, 'DROPPED', 'DELETE'),
  apiErrorUpdate(agent, 'req-9'),
  teamUserUpdate('1', agent, 'TALKING'),
];

export const sampleEvents = sampleUpdates.map((updateXml, i) =>
  eventMessage({
    from: 'pubsub.finesse.test',
    to: 'agent1@finesse.test/desktop',
    node: agentNode,
    itemId: `i${i}`,
    updateXml,
  }),
);
