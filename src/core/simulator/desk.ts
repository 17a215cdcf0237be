/**
 * The contact centre behind the local Finesse: each agent's state machine and calls, changed by
 * REST requests and by the scenario, and every change published as the Updates Finesse sends
 * (User node, the agent's Dialogs node, the team's Users node), each carrying the requestId of
 * the request that caused it. A request that is not allowed in the agent's state fails with the
 * ApiError Finesse answers (HTTP 400 Invalid State) and an apiErrors Update on the User node.
 *
 * Agent states (Unified CCE): LOGOUT → LOGIN → NOT_READY ⇄ READY; READY + call → RESERVED
 * (ALERTING) → TALKING (ACTIVE) ⇄ HOLD (HELD) → drop → WORK (wrap-up) → READY/NOT_READY.
 * NOT_READY/LOGOUT asked for during a call become the pendingState, applied when the call ends.
 */
import { EventEmitter } from 'node:events';
import { Agent, DialogState, UserState } from '../finesse/builders';
import { nodes } from '../finesse/nodes';
import { xml } from '../xmpp/xml';
import { ApiError, apiErrorsUpdate, CallVariable, DialogRecord, dialogElement, REASON_CODES, updateXml, userObject } from './payloads';

export interface DeskUser extends Agent {
  /** Undefined for agents who cannot sign in (a scripted teammate). */
  password?: string;
}

export interface Publication {
  node: string;
  /** The <Update> document, unescaped. */
  updateXml: string;
}

export type Outcome = { ok: true; dialogId?: string } | { ok: false; error: ApiError };

interface AgentRecord {
  user: DeskUser;
  state: UserState;
  reasonCodeId?: string;
  pendingState?: UserState;
  stateChangeTime: number;
  extension?: string;
}

const ALLOWED: Partial<Record<UserState, UserState[]>> = {
  LOGOUT: ['LOGIN'],
  NOT_READY: ['READY', 'NOT_READY', 'LOGOUT'],
  READY: ['NOT_READY'],
  WORK: ['READY', 'NOT_READY'],
  WORK_READY: ['READY', 'NOT_READY'],
};
const ON_CALL: UserState[] = ['RESERVED', 'TALKING', 'HOLD'];
const REQUESTABLE: UserState[] = ['LOGIN', 'READY', 'NOT_READY', 'LOGOUT', 'WORK', 'WORK_READY'];

export class Desk extends EventEmitter<{ publish: [Publication]; state: [{ user: string; state: UserState }] }> {
  private readonly agents = new Map<string, AgentRecord>();
  private readonly dialogs = new Map<string, DialogRecord>();
  private dialogSeq = 16777236;
  private held: Publication[] | undefined;

  constructor(users: DeskUser[]) {
    super();
    for (const user of users) this.agents.set(user.id, { user, state: 'LOGOUT', stateChangeTime: Date.now() });
  }

  /** Runs `act`, holding back the Updates it publishes until `flush` (so a REST answer can go first). */
  batch<T>(act: () => T): { result: T; flush(): void } {
    const held: Publication[] = [];
    this.held = held;
    try {
      return { result: act(), flush: () => held.forEach((p) => this.emit('publish', p)) };
    } finally {
      this.held = undefined;
    }
  }

  has(id: string): boolean {
    return this.agents.has(id);
  }

  /** Credentials check for REST Basic auth and SASL PLAIN. */
  authenticate(id: string, password: string): boolean {
    const a = this.agents.get(id);
    return !!a && a.user.password !== undefined && a.user.password === password;
  }

  stateOf(id: string): UserState | undefined {
    return this.agents.get(id)?.state;
  }

  userBody(id: string): string | undefined {
    const a = this.agents.get(id);
    return a && this.userEl(a, 'User').toString();
  }

  dialogsBody(id: string): string {
    return `<Dialogs>${this.dialogsOf(id).map((d) => dialogElement(d).toString()).join('')}</Dialogs>`;
  }

  dialog(id: string): DialogRecord | undefined {
    return this.dialogs.get(id);
  }

  teamBody(teamId: string): string | undefined {
    const members = [...this.agents.values()].filter((a) => (a.user.teamId ?? '1') === teamId);
    if (!members.length) return undefined;
    const name = members[0].user.teamName ?? 'Default';
    return `<Team><id>${teamId}</id><name>${name}</name><uri>/finesse/api/Team/${teamId}</uri><users>${members.map((m) => this.userEl(m, 'User').toString()).join('')}</users></Team>`;
  }

  /** PUT User/{id}: LOGIN (with extension), READY, NOT_READY (reasonCodeId), WORK, WORK_READY, LOGOUT. */
  setState(id: string, req: { state: string; extension?: string; reasonCodeId?: string }, requestId = ''): Outcome {
    const a = this.agents.get(id);
    if (!a) return { ok: false, error: { status: 404, type: 'User Not Found', message: `The user ${id} does not exist`, data: id } };
    const want = req.state.toUpperCase() as UserState;
    if (!REQUESTABLE.includes(want)) return this.fail(a, { status: 400, type: 'Invalid Input', message: `Invalid state ${req.state}`, data: 'state' }, requestId);
    if (req.reasonCodeId !== undefined && !REASON_CODES.some((r) => r.id === req.reasonCodeId && r.category === want)) {
      return this.fail(a, { status: 400, type: 'Invalid Input', message: `Invalid reasonCodeId ${req.reasonCodeId} for ${want}`, data: 'reasonCodeId' }, requestId);
    }
    if (ON_CALL.includes(a.state) && (want === 'NOT_READY' || want === 'LOGOUT' || want === 'WORK' || want === 'WORK_READY')) {
      a.pendingState = want;
      a.reasonCodeId = req.reasonCodeId ?? a.reasonCodeId;
      this.publishUser(a, requestId);
      return { ok: true };
    }
    if (!(ALLOWED[a.state] ?? []).includes(want)) {
      return this.fail(a, { status: 400, type: 'Invalid State', message: `Cannot change state to ${want} from ${a.state}`, data: id }, requestId);
    }
    if (want === 'LOGIN') {
      const extension = req.extension?.trim();
      if (!extension) return this.fail(a, { status: 400, type: 'Parameter Missing', message: 'extension is required to sign in', data: 'extension' }, requestId);
      a.extension = extension;
      this.change(a, 'LOGIN', requestId);
      // Finesse signs an agent in NOT_READY: a second Update follows the LOGIN one.
      this.change(a, 'NOT_READY', requestId);
      return { ok: true };
    }
    a.reasonCodeId = want === 'NOT_READY' || want === 'LOGOUT' ? (req.reasonCodeId ?? '-1') : undefined;
    this.change(a, want, requestId);
    return { ok: true };
  }

  /** An incoming call from `from` to a READY agent: Dialogs POST ALERTING, User RESERVED. */
  ring(id: string, call: { from: string; variables?: CallVariable[]; callType?: string }): Outcome {
    const a = this.agents.get(id);
    if (!a) return { ok: false, error: { status: 404, type: 'User Not Found', message: `The user ${id} does not exist`, data: id } };
    if (a.state !== 'READY') return { ok: false, error: { status: 400, type: 'Invalid State', message: `Cannot offer a call to ${id} in ${a.state}`, data: id } };
    const d = this.newDialog(a, call.from, this.extensionOf(a), 'ALERTING', call.callType ?? 'ACD_IN', call.variables ?? []);
    this.publishDialog(d, 'POST', '');
    this.change(a, 'RESERVED', '');
    return { ok: true, dialogId: d.id };
  }

  /** POST User/{id}/Dialogs MAKE_CALL: the far end answers at once (there is no far end here). */
  makeCall(id: string, req: { fromAddress?: string; toAddress?: string; variables?: CallVariable[] }, requestId = ''): Outcome {
    const a = this.agents.get(id);
    if (!a) return { ok: false, error: { status: 404, type: 'User Not Found', message: `The user ${id} does not exist`, data: id } };
    if (!req.toAddress) return this.fail(a, { status: 400, type: 'Parameter Missing', message: 'toAddress is required', data: 'toAddress' }, requestId);
    if (req.fromAddress && req.fromAddress !== this.extensionOf(a)) {
      return this.fail(a, { status: 400, type: 'Invalid Input', message: `fromAddress ${req.fromAddress} is not the extension ${id} is signed in to`, data: 'fromAddress' }, requestId);
    }
    if (a.state !== 'NOT_READY' && a.state !== 'READY') return this.fail(a, { status: 400, type: 'Invalid State', message: `Cannot make a call in ${a.state}`, data: id }, requestId);
    const d = this.newDialog(a, this.extensionOf(a), req.toAddress, 'INITIATED', 'OUT', req.variables ?? []);
    this.publishDialog(d, 'POST', requestId);
    this.setDialog(d, 'ACTIVE');
    this.publishDialog(d, 'PUT', requestId);
    this.change(a, 'TALKING', requestId);
    return { ok: true, dialogId: d.id };
  }

  /** PUT Dialog/{id} with requestedAction: ANSWER, HOLD, RETRIEVE, DROP, TRANSFER(_SST), UPDATE_CALL_DATA. */
  dialogAction(dialogId: string, by: string, req: { action: string; toAddress?: string; variables?: CallVariable[] }, requestId = ''): Outcome {
    const d = this.dialogs.get(dialogId);
    const a = this.agents.get(by);
    if (!a) return { ok: false, error: { status: 404, type: 'User Not Found', message: `The user ${by} does not exist`, data: by } };
    if (!d || d.owner !== by) return { ok: false, error: { status: 404, type: 'Not Found', message: `Invalid dialogId ${dialogId} specified for dialog`, data: dialogId } };
    const action = req.action.toUpperCase();
    const invalid = () => this.fail(a, { status: 400, type: 'Generic Error', message: `${action} is not allowed on a dialog in ${d.participantState}`, data: dialogId }, requestId);
    switch (action) {
      case 'ANSWER':
        if (d.participantState !== 'ALERTING') return invalid();
        this.setDialog(d, 'ACTIVE');
        this.publishDialog(d, 'PUT', requestId);
        this.change(a, 'TALKING', requestId);
        return { ok: true };
      case 'HOLD':
        if (d.participantState !== 'ACTIVE') return invalid();
        this.setDialog(d, 'HELD');
        this.publishDialog(d, 'PUT', requestId);
        this.change(a, 'HOLD', requestId);
        return { ok: true };
      case 'RETRIEVE':
        if (d.participantState !== 'HELD') return invalid();
        this.setDialog(d, 'ACTIVE');
        this.publishDialog(d, 'PUT', requestId);
        this.change(a, 'TALKING', requestId);
        return { ok: true };
      case 'DROP':
      case 'TRANSFER':
      case 'TRANSFER_SST':
        if (!['ALERTING', 'ACTIVE', 'HELD', 'INITIATED'].includes(d.participantState)) return invalid();
        if (action !== 'DROP' && !req.toAddress) return this.fail(a, { status: 400, type: 'Parameter Missing', message: 'toAddress is required', data: 'toAddress' }, requestId);
        if (action !== 'DROP' && d.participantState !== 'ACTIVE' && d.participantState !== 'HELD') return invalid();
        this.endCall(a, d, requestId);
        return { ok: true };
      case 'UPDATE_CALL_DATA': {
        if (!['ALERTING', 'ACTIVE', 'HELD'].includes(d.participantState)) return invalid();
        for (const v of req.variables ?? []) {
          const old = d.variables.find((x) => x.name === v.name);
          if (old) old.value = v.value;
          else d.variables.push({ ...v });
        }
        this.publishDialog(d, 'PUT', requestId);
        return { ok: true };
      }
      default:
        return this.fail(a, { status: 400, type: 'Invalid Input', message: `Unknown requestedAction ${req.action}`, data: 'requestedAction' }, requestId);
    }
  }

  /** The agent's live call, for scripted answer/drop. */
  activeDialogOf(id: string): DialogRecord | undefined {
    return this.dialogsOf(id).at(-1);
  }

  private dialogsOf(id: string): DialogRecord[] {
    return [...this.dialogs.values()].filter((d) => d.owner === id);
  }

  private endCall(a: AgentRecord, d: DialogRecord, requestId: string): void {
    this.setDialog(d, 'DROPPED');
    this.publishDialog(d, 'DELETE', requestId);
    this.dialogs.delete(d.id);
    const pending = a.pendingState;
    a.pendingState = undefined;
    if (pending === 'LOGOUT' || pending === 'NOT_READY') this.change(a, pending, requestId);
    else this.change(a, pending === 'WORK_READY' ? 'WORK_READY' : 'WORK', requestId);
  }

  private newDialog(a: AgentRecord, from: string, to: string, state: DialogState, callType: string, variables: CallVariable[]): DialogRecord {
    const t = Date.now();
    const d: DialogRecord = { id: String(this.dialogSeq++), from, to, callType, state, participantState: state, variables: variables.map((v) => ({ ...v })), startTime: t, stateChangeTime: t, owner: a.user.id };
    this.dialogs.set(d.id, d);
    return d;
  }

  private setDialog(d: DialogRecord, state: DialogState): void {
    d.state = state;
    d.participantState = state;
    d.stateChangeTime = Date.now();
  }

  private extensionOf(a: AgentRecord): string {
    return a.extension ?? a.user.extension ?? a.user.id;
  }

  private userEl(a: AgentRecord, root: string) {
    const agent = { ...a.user, extension: a.state === 'LOGOUT' ? '' : this.extensionOf(a) };
    return userObject(agent, a.state, { reasonCodeId: a.reasonCodeId, t: a.stateChangeTime, pendingState: a.pendingState, root });
  }

  private change(a: AgentRecord, state: UserState, requestId: string): void {
    a.state = state;
    a.stateChangeTime = Date.now();
    if (state !== 'NOT_READY' && state !== 'LOGOUT') a.reasonCodeId = undefined;
    this.publishUser(a, requestId);
    this.emit('state', { user: a.user.id, state });
  }

  private publishUser(a: AgentRecord, requestId: string): void {
    const id = a.user.id;
    this.publish({ node: nodes.user(id), updateXml: updateXml(this.userEl(a, 'user'), 'PUT', nodes.user(id), requestId) });
    const team = nodes.teamUsers(a.user.teamId ?? '1');
    this.publish({ node: team, updateXml: updateXml(this.userEl(a, 'user'), 'PUT', team, requestId) });
  }

  private publishDialog(d: DialogRecord, event: 'POST' | 'PUT' | 'DELETE', requestId: string): void {
    const node = nodes.userDialogs(d.owner);
    const data = event === 'POST' ? dialogElement(d, 'Dialog') : dialogElement(d, 'dialog');
    this.publish({ node, updateXml: updateXml(event === 'POST' ? xml('dialogs', {}, data) : data, event, node, requestId) });
  }

  private publish(p: Publication): void {
    if (this.held) this.held.push(p);
    else this.emit('publish', p);
  }

  private fail(a: AgentRecord, error: ApiError, requestId: string): Outcome {
    this.publish({ node: nodes.user(a.user.id), updateXml: apiErrorsUpdate(a.user.id, error, requestId) });
    return { ok: false, error };
  }
}
