/**
 * Realistic Finesse <Update> documents, shaped as in the Finesse Web Services developer guide
 * (User, Dialog, Team users, apiErrors). Used by the embedded simulator, the inject templates
 * and the tests' fixtures, so all three speak the same Finesse.
 */
import { escapeXml, escapeXmlText, xml, Element } from '../xmpp/xml';
import { nodes } from './nodes';
import { PUBSUB_EVENT_NS } from './update';
import { PUBSUB_NS } from '../xmpp/namespaces';
export { PUBSUB_NS };

export type UserState =
  'LOGIN' | 'NOT_READY' | 'READY' | 'RESERVED' | 'TALKING' | 'WORK' | 'WORK_READY' | 'LOGOUT' | 'HOLD';
export type DialogState =
  'INITIATING' | 'INITIATED' | 'ALERTING' | 'ACTIVE' | 'HELD' | 'FAILED' | 'DROPPED' | 'WRAP_UP';

export interface Agent {
  id: string; // loginId, e.g. 1001001
  loginName: string; // e.g. agent1
  firstName?: string;
  lastName?: string;
  extension?: string;
  teamId?: string;
  teamName?: string;
}

const iso = (t: number) => new Date(t).toISOString();

function update(data: Element, event: string, source: string, requestId = ''): string {
  return xml(
    'Update',
    {},
    xml('data', {}, data),
    xml('event', {}, event),
    xml('requestId', {}, requestId),
    xml('source', {}, source),
  ).toString();
}

export function userElement(agent: Agent, state: UserState, opts: { reasonCodeId?: string; t?: number } = {}): Element {
  const t = opts.t ?? Date.now();
  return xml(
    'user',
    {},
    xml('dialogs', {}, nodes.userDialogs(agent.id)),
    xml('extension', {}, agent.extension ?? agent.id),
    xml('firstName', {}, agent.firstName ?? 'Agent'),
    xml('lastName', {}, agent.lastName ?? agent.loginName),
    xml('loginId', {}, agent.id),
    xml('loginName', {}, agent.loginName),
    xml('mediaType', {}, '1'),
    xml('pendingState', {}),
    xml('reasonCodeId', {}, opts.reasonCodeId ?? '-1'),
    xml('roles', {}, xml('role', {}, 'Agent')),
    xml('settings', {}, xml('wrapUpOnIncoming', {}, 'OPTIONAL')),
    xml('state', {}, state),
    xml('stateChangeTime', {}, iso(t)),
    xml('teamId', {}, agent.teamId ?? '1'),
    xml('teamName', {}, agent.teamName ?? 'Default'),
    xml('uri', {}, nodes.user(agent.id)),
  );
}

/** A User state change, as published on /finesse/api/User/{id}. */
export function userUpdate(
  agent: Agent,
  state: UserState,
  opts: { requestId?: string; reasonCodeId?: string; t?: number } = {},
): string {
  return update(userElement(agent, state, opts), 'PUT', nodes.user(agent.id), opts.requestId);
}

export interface Call {
  id: string; // dialog id, e.g. 16777236
  from: string;
  to: string;
  callType?: string;
  startTime?: number;
}

function dialogElement(call: Call, state: DialogState, opts: { t?: number; actions?: string[] } = {}): Element {
  const t = opts.t ?? Date.now();
  const actions =
    opts.actions ?? (state === 'ALERTING' ? ['ANSWER'] : state === 'ACTIVE' ? ['HOLD', 'DROP', 'TRANSFER_SST'] : []);
  return xml(
    'Dialog',
    {},
    xml('associatedDialogUri', {}),
    xml('fromAddress', {}, call.from),
    xml('id', {}, call.id),
    xml(
      'mediaProperties',
      {},
      xml('DNIS', {}, call.to),
      xml('callType', {}, call.callType ?? 'ACD_IN'),
      xml('dialedNumber', {}, call.to),
      xml('outboundClassification', {}),
      xml(
        'callvariables',
        {},
        xml('CallVariable', {}, xml('name', {}, 'callVariable1'), xml('value', {}, 'case-4711')),
      ),
    ),
    xml('mediaType', {}, 'Voice'),
    xml(
      'participants',
      {},
      xml(
        'Participant',
        {},
        xml('actions', {}, ...actions.map((a) => xml('action', {}, a))),
        xml('mediaAddress', {}, call.to),
        xml('mediaAddressType', {}, 'AGENT_DEVICE'),
        xml('startTime', {}, iso(call.startTime ?? t)),
        xml('state', {}, state),
        xml('stateCause', {}),
        xml('stateChangeTime', {}, iso(t)),
      ),
    ),
    xml('state', {}, state),
    xml('toAddress', {}, call.to),
    xml('uri', {}, `/finesse/api/Dialog/${call.id}`),
  );
}

/**
 * A Dialog change on /finesse/api/User/{id}/Dialogs: POST with <dialogs> when the call
 * arrives, PUT with <dialog> while it changes, DELETE when it is gone.
 */
export function dialogUpdate(
  agent: Agent,
  call: Call,
  state: DialogState,
  event: 'POST' | 'PUT' | 'DELETE',
  opts: { requestId?: string; t?: number } = {},
): string {
  const dialog = dialogElement(call, state, opts);
  const data = event === 'POST' ? xml('dialogs', {}, dialog) : dialog;
  if (event !== 'POST') dialog.name = 'dialog';
  return update(data, event, nodes.userDialogs(agent.id), opts.requestId);
}

/** An API error answering a client request (requestId echoes the X-Finesse-RequestId). */
export function apiErrorUpdate(
  agent: Agent,
  requestId: string,
  errorType = 'Invalid State',
  errorMessage = 'Cannot change state to READY from TALKING',
): string {
  const err = xml(
    'apiErrors',
    {},
    xml(
      'apiError',
      {},
      xml('errorData', {}, agent.id),
      xml('errorMessage', {}, errorMessage),
      xml('errorType', {}, errorType),
      xml('peripheralErrorCode', {}, '-1'),
      xml('peripheralErrorMsg', {}),
      xml('peripheralErrorText', {}),
    ),
  );
  return update(err, 'PUT', nodes.user(agent.id), requestId);
}

/** A team member's state change on /finesse/api/Team/{id}/Users. */
export function teamUserUpdate(teamId: string, agent: Agent, state: UserState, opts: { t?: number } = {}): string {
  return update(xml('user', {}, ...userElement(agent, state, opts).getChildElements()), 'PUT', nodes.teamUsers(teamId));
}

/** The pubsub <item> payload Finesse publishes: the Update escaped inside <notification>. */
export function notificationXml(updateXml: string): string {
  return `<notification xmlns="${PUBSUB_NS}">${escapeXmlText(updateXml)}</notification>`;
}

/** The whole event message a subscriber receives, as Finesse's notification server sends it. */
export function eventMessage(opts: {
  from: string;
  to: string;
  node: string;
  itemId: string;
  updateXml: string;
  id?: string;
}): string {
  const a = (v: string) => escapeXml(v);
  const id = opts.id ? ` id="${a(opts.id)}"` : '';
  return `<message from="${a(opts.from)}" to="${a(opts.to)}"${id} xmlns="jabber:client"><event xmlns="${PUBSUB_EVENT_NS}"><items node="${a(opts.node)}"><item id="${a(opts.itemId)}">${notificationXml(opts.updateXml)}</item></items></event></message>`;
}
