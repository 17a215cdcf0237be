/** Finesse pubsub node names (Finesse Web Services developer guide, "Notifications"). */
export const FINESSE_API = '/finesse/api';

export const nodes = {
  user: (id: string) => `${FINESSE_API}/User/${id}`,
  userDialogs: (id: string) => `${FINESSE_API}/User/${id}/Dialogs`,
  userQueues: (id: string) => `${FINESSE_API}/User/${id}/Queues`,
  teamUsers: (teamId: string) => `${FINESSE_API}/Team/${teamId}/Users`,
  queue: (queueId: string) => `${FINESSE_API}/Queue/${queueId}`,
  systemInfo: () => `${FINESSE_API}/SystemInfo`,
};

export interface NodeInfo {
  /** Entity the node is about: User, Dialogs, Team, Queue, SystemInfo… */
  entity: string;
  id?: string;
}

/** `/finesse/api/User/agent1/Dialogs` → { entity: 'Dialogs', id: 'agent1' }. */
export function describeNode(node: string): NodeInfo | undefined {
  const m = /^\/finesse\/api\/([A-Za-z]+)(?:\/([^/]+))?(?:\/([A-Za-z]+))?/.exec(node);
  if (!m) return undefined;
  const [, entity, id, sub] = m;
  if (sub) return { entity: sub, id };
  return id ? { entity, id } : { entity };
}

/** `User agent1`, `Team 1 Users` — for list columns. */
export function nodeLabel(node: string): string {
  const m = /^\/finesse\/api\/(.*)$/.exec(node);
  return m ? m[1].split('/').join(' ') : node;
}
