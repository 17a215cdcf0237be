/**
 * The XML the local Finesse speaks, shaped as in the Finesse Web Services developer guide: the
 * User and Dialog objects (REST bodies and Update data), ApiErrors (REST error bodies) and
 * apiErrors (the Update a failed asynchronous request publishes), SystemInfo, ReasonCodes, Team.
 * REST bodies use the capitalised roots (<User>, <Dialog>, <ApiErrors>); Updates carry the
 * lower-case roots Finesse notifications use (<user>, <dialog>, <dialogs>, <apiErrors>).
 */
import { userElement, Agent, UserState, DialogState } from '../finesse/builders';
import { nodes } from '../finesse/nodes';
import { Element, xml } from '../xmpp/xml';

export interface CallVariable {
  name: string;
  value: string;
}

/** One call as the desk keeps it. */
export interface DialogRecord {
  id: string;
  from: string;
  to: string;
  callType: string;
  state: DialogState;
  /** The agent's own participant state. */
  participantState: DialogState;
  variables: CallVariable[];
  startTime: number;
  stateChangeTime: number;
  /** Login id of the agent whose call this is. */
  owner: string;
  /** The owner's device on the call (its extension). */
  address?: string;
  /** Login id of the agent at the other end, when both ends are agents of this desk. */
  peer?: string;
  /** The queue an incoming call came through. */
  queueId?: string;
}

/** Another party on the call, listed after the owner in <participants>. */
export interface OtherParticipant {
  address: string;
  state: DialogState;
  startTime: number;
  stateChangeTime: number;
}

const iso = (t: number) => new Date(t).toISOString();

/** What the agent may do next on the call, as Finesse lists it in <actions>. */
function dialogActions(state: DialogState): string[] {
  switch (state) {
    case 'ALERTING':
      return ['ANSWER'];
    case 'ACTIVE':
      return ['HOLD', 'DROP', 'TRANSFER_SST', 'UPDATE_CALL_DATA'];
    case 'HELD':
      return ['RETRIEVE', 'DROP', 'UPDATE_CALL_DATA'];
    case 'INITIATED':
    case 'INITIATING':
      return ['DROP'];
    default:
      return [];
  }
}

function participant(
  address: string,
  state: DialogState,
  startTime: number,
  stateChangeTime: number,
  actions: string[],
): Element {
  return xml(
    'Participant',
    {},
    xml('actions', {}, ...actions.map((a) => xml('action', {}, a))),
    xml('mediaAddress', {}, address),
    xml('mediaAddressType', {}, 'AGENT_DEVICE'),
    xml('startTime', {}, iso(startTime)),
    xml('state', {}, state),
    xml('stateCause', {}),
    xml('stateChangeTime', {}, iso(stateChangeTime)),
  );
}

/** A Dialog as its owner sees it: the owner's Participant first (with its actions), then the others'. */
export function dialogElement(d: DialogRecord, root = 'Dialog', others: OtherParticipant[] = []): Element {
  return xml(
    root,
    {},
    xml('associatedDialogUri', {}),
    xml('fromAddress', {}, d.from),
    xml('id', {}, d.id),
    xml(
      'mediaProperties',
      {},
      xml('DNIS', {}, d.to),
      xml('callType', {}, d.callType),
      xml('dialedNumber', {}, d.to),
      xml('outboundClassification', {}),
      xml(
        'callvariables',
        {},
        ...d.variables.map((v) => xml('CallVariable', {}, xml('name', {}, v.name), xml('value', {}, v.value))),
      ),
    ),
    xml('mediaType', {}, 'Voice'),
    xml(
      'participants',
      {},
      participant(
        d.address ?? (d.owner === d.from ? d.from : d.to),
        d.participantState,
        d.startTime,
        d.stateChangeTime,
        dialogActions(d.participantState),
      ),
      ...others.map((o) => participant(o.address, o.state, o.startTime, o.stateChangeTime, [])),
    ),
    xml('state', {}, d.state),
    xml('toAddress', {}, d.to),
    xml('uri', {}, `/finesse/api/Dialog/${d.id}`),
  );
}

/** A user as REST returns it (<User>) or as an Update carries it (<user>). */
export function userObject(
  agent: Agent,
  state: UserState,
  opts: { reasonCodeId?: string; t?: number; pendingState?: string; root?: string } = {},
): Element {
  const el = userElement(agent, state, opts);
  el.name = opts.root ?? 'User';
  if (opts.pendingState) {
    const pending = el.getChild('pendingState');
    if (pending) pending.children = [opts.pendingState];
  }
  return el;
}

/** `<Update>` around a data element. */
export function updateXml(
  data: Element | undefined,
  event: 'POST' | 'PUT' | 'DELETE',
  source: string,
  requestId = '',
): string {
  return xml(
    'Update',
    {},
    xml('data', {}, ...(data ? [data] : [])),
    xml('event', {}, event),
    xml('requestId', {}, requestId),
    xml('source', {}, source),
  ).toString();
}

export interface ApiError {
  /** HTTP status the REST call answers. */
  status: number;
  /** `Invalid State`, `Parameter Missing`, `Not Found`, `Authorization Failure`… */
  type: string;
  message: string;
  data?: string;
}

/** The REST error body. */
export function apiErrorsBody(errors: ApiError[]): string {
  return xml(
    'ApiErrors',
    {},
    ...errors.map((e) =>
      xml(
        'ApiError',
        {},
        xml('ErrorType', {}, e.type),
        xml('ErrorMessage', {}, e.message),
        xml('ErrorData', {}, e.data ?? ''),
      ),
    ),
  ).toString();
}

/** The apiErrors Update a failed request publishes on the user's node, with its requestId. */
export function apiErrorsUpdate(userId: string, error: ApiError, requestId = ''): string {
  const err = xml(
    'apiErrors',
    {},
    xml(
      'apiError',
      {},
      xml('errorData', {}, error.data ?? userId),
      xml('errorMessage', {}, error.message),
      xml('errorType', {}, error.type),
      xml('peripheralErrorCode', {}, '-1'),
      xml('peripheralErrorMsg', {}),
      xml('peripheralErrorText', {}),
    ),
  );
  return updateXml(err, 'PUT', nodes.user(userId), requestId);
}

export interface ReasonCode {
  id: string;
  category: 'NOT_READY' | 'LOGOUT';
  code: string;
  label: string;
}

export const REASON_CODES: ReasonCode[] = [
  { id: '22', category: 'NOT_READY', code: '22', label: 'Lunch' },
  { id: '23', category: 'NOT_READY', code: '23', label: 'Meeting' },
  { id: '24', category: 'NOT_READY', code: '24', label: 'Training' },
  { id: '31', category: 'LOGOUT', code: '31', label: 'End of shift' },
];

export function reasonCodesBody(category: string | undefined): string {
  const list = REASON_CODES.filter((r) => !category || r.category === category);
  return xml(
    'ReasonCodes',
    {},
    ...list.map((r) =>
      xml(
        'ReasonCode',
        {},
        xml('category', {}, r.category),
        xml('code', {}, r.code),
        xml('forAll', {}, 'true'),
        xml('id', {}, r.id),
        xml('label', {}, r.label),
        xml('systemCode', {}, 'false'),
        xml('uri', {}, `/finesse/api/ReasonCode/${r.id}`),
      ),
    ),
  ).toString();
}

export function systemInfoBody(domain: string, t = Date.now()): string {
  return xml(
    'SystemInfo',
    {},
    xml('currentTimestamp', {}, iso(t)),
    xml('deploymentType', {}, 'UCCE'),
    xml('license', {}),
    xml('primaryNode', {}, xml('host', {}, domain)),
    xml('status', {}, 'IN_SERVICE'),
    xml('timezoneOffset', {}, '0'),
    xml('uri', {}, nodes.systemInfo()),
    xml('xmppDomain', {}, domain),
    xml('xmppPubSubDomain', {}, `pubsub.${domain}`),
  ).toString();
}
