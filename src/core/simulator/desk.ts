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
 *
 * A call between two agents of the desk (MAKE_CALL to a signed-in agent's extension, or a
 * transfer to one) is one dialog id seen from both sides: each agent has its own record (its own
 * participant state and actions) on its own Dialogs node, both listing the two participants.
 * Queue statistics (queues.ts) are published on the Queue node whenever a call or an agent of
 * the queue changes them.
 */
import { EventEmitter } from 'node:events';
import { Agent, DialogState, UserState } from '../finesse/builders';
import { nodes } from '../finesse/nodes';
import { xml } from '../xmpp/xml';
import {
  ApiError,
  apiErrorsUpdate,
  CallVariable,
  DialogRecord,
  dialogElement,
  OtherParticipant,
  REASON_CODES,
  updateXml,
  userObject,
} from './payloads';
import { DEFAULT_QUEUE, QueueMember, queueElement, queueStatistics } from './queues';

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
  /** The state an unanswered call returns the agent to (READY or NOT_READY). */
  beforeRing?: UserState;
}

interface Queue {
  id: string;
  name: string;
  members: Set<string>;
  /** The last statistics published, so an Update goes out only when they change. */
  published?: string;
}

/** Dialog records are per agent: the two sides of an internal call share the dialog id. */
const key = (owner: string, dialogId: string) => `${owner}\u0000${dialogId}`;

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
  private readonly queues = new Map<string, Queue>();

  constructor(users: DeskUser[]) {
    super();
    for (const user of users) this.agents.set(user.id, { user, state: 'LOGOUT', stateChangeTime: Date.now() });
    const members = users.filter((u) => (u.teamId ?? '1') === DEFAULT_QUEUE.teamId).map((u) => u.id);
    const queue: Queue = { id: DEFAULT_QUEUE.id, name: DEFAULT_QUEUE.name, members: new Set(members) };
    queue.published = JSON.stringify(this.statisticsOf(queue));
    this.queues.set(queue.id, queue);
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
    return `<Dialogs>${this.dialogsOf(id)
      .map((d) => this.dialogEl(d).toString())
      .join('')}</Dialogs>`;
  }

  /** `owner`'s side of the dialog (any side without `owner`). */
  dialog(id: string, owner?: string): DialogRecord | undefined {
    if (owner !== undefined) return this.dialogs.get(key(owner, id));
    return [...this.dialogs.values()].find((d) => d.id === id);
  }

  /** GET Dialog/{id} for `owner`. */
  dialogBody(id: string, owner: string): string | undefined {
    const d = this.dialogs.get(key(owner, id));
    return d && this.dialogEl(d).toString();
  }

  /** GET Queue/{id}. */
  queueBody(id: string): string | undefined {
    const q = this.queues.get(id);
    return q && queueElement(q.id, q.name, this.statisticsOf(q)).toString();
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
    if (!a)
      return {
        ok: false,
        error: { status: 404, type: 'User Not Found', message: `The user ${id} does not exist`, data: id },
      };
    const want = req.state.toUpperCase() as UserState;
    if (!REQUESTABLE.includes(want))
      return this.fail(
        a,
        { status: 400, type: 'Invalid Input', message: `Invalid state ${req.state}`, data: 'state' },
        requestId,
      );
    if (req.reasonCodeId !== undefined && !REASON_CODES.some((r) => r.id === req.reasonCodeId && r.category === want)) {
      return this.fail(
        a,
        {
          status: 400,
          type: 'Invalid Input',
          message: `Invalid reasonCodeId ${req.reasonCodeId} for ${want}`,
          data: 'reasonCodeId',
        },
        requestId,
      );
    }
    if (
      ON_CALL.includes(a.state) &&
      (want === 'NOT_READY' || want === 'LOGOUT' || want === 'WORK' || want === 'WORK_READY')
    ) {
      a.pendingState = want;
      a.reasonCodeId = req.reasonCodeId ?? a.reasonCodeId;
      this.publishUser(a, requestId);
      return { ok: true };
    }
    if (!(ALLOWED[a.state] ?? []).includes(want)) {
      return this.fail(
        a,
        { status: 400, type: 'Invalid State', message: `Cannot change state to ${want} from ${a.state}`, data: id },
        requestId,
      );
    }
    if (want === 'LOGIN') {
      const extension = req.extension?.trim();
      if (!extension)
        return this.fail(
          a,
          { status: 400, type: 'Parameter Missing', message: 'extension is required to sign in', data: 'extension' },
          requestId,
        );
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
  ring(id: string, call: { from: string; variables?: CallVariable[]; callType?: string; queue?: string }): Outcome {
    const a = this.agents.get(id);
    if (!a)
      return {
        ok: false,
        error: { status: 404, type: 'User Not Found', message: `The user ${id} does not exist`, data: id },
      };
    if (a.state !== 'READY')
      return {
        ok: false,
        error: { status: 400, type: 'Invalid State', message: `Cannot offer a call to ${id} in ${a.state}`, data: id },
      };
    const queueId = call.queue ?? (this.queueOfTeam(a) ? DEFAULT_QUEUE.id : undefined);
    if (queueId) this.joinQueue(a, queueId);
    const d = this.newDialog(
      a,
      call.from,
      this.extensionOf(a),
      'ALERTING',
      call.callType ?? 'ACD_IN',
      call.variables ?? [],
    );
    d.queueId = queueId;
    this.publishDialog(d, 'POST', '');
    a.beforeRing = 'READY';
    this.change(a, 'RESERVED', '');
    return { ok: true, dialogId: d.id };
  }

  /**
   * POST User/{id}/Dialogs MAKE_CALL. To the extension of a signed-in agent who is not on a call,
   * the call rings that agent (dialog ALERTING, the caller INITIATED) until it answers; to any
   * other number the far end answers at once (there is no far end here).
   */
  makeCall(
    id: string,
    req: { fromAddress?: string; toAddress?: string; variables?: CallVariable[] },
    requestId = '',
  ): Outcome {
    const a = this.agents.get(id);
    if (!a)
      return {
        ok: false,
        error: { status: 404, type: 'User Not Found', message: `The user ${id} does not exist`, data: id },
      };
    if (!req.toAddress)
      return this.fail(
        a,
        { status: 400, type: 'Parameter Missing', message: 'toAddress is required', data: 'toAddress' },
        requestId,
      );
    if (req.fromAddress && req.fromAddress !== this.extensionOf(a)) {
      return this.fail(
        a,
        {
          status: 400,
          type: 'Invalid Input',
          message: `fromAddress ${req.fromAddress} is not the extension ${id} is signed in to`,
          data: 'fromAddress',
        },
        requestId,
      );
    }
    if (a.state !== 'NOT_READY' && a.state !== 'READY')
      return this.fail(
        a,
        { status: 400, type: 'Invalid State', message: `Cannot make a call in ${a.state}`, data: id },
        requestId,
      );
    const callee = this.reachableAt(req.toAddress, a);
    const d = this.newDialog(
      a,
      this.extensionOf(a),
      req.toAddress,
      'INITIATED',
      callee ? 'AGENT_INSIDE' : 'OUT',
      req.variables ?? [],
    );
    if (callee) {
      this.publishDialog(d, 'POST', requestId);
      this.offer(callee, d, requestId);
      this.change(a, 'TALKING', requestId);
      return { ok: true, dialogId: d.id };
    }
    this.publishDialog(d, 'POST', requestId);
    this.setDialog(d, 'ACTIVE');
    this.publishDialog(d, 'PUT', requestId);
    this.change(a, 'TALKING', requestId);
    return { ok: true, dialogId: d.id };
  }

  /** PUT Dialog/{id} with requestedAction: ANSWER, HOLD, RETRIEVE, DROP, TRANSFER(_SST), UPDATE_CALL_DATA. */
  dialogAction(
    dialogId: string,
    by: string,
    req: { action: string; toAddress?: string; variables?: CallVariable[] },
    requestId = '',
  ): Outcome {
    const d = this.dialogs.get(key(by, dialogId));
    const a = this.agents.get(by);
    if (!a)
      return {
        ok: false,
        error: { status: 404, type: 'User Not Found', message: `The user ${by} does not exist`, data: by },
      };
    if (!d || d.owner !== by)
      return {
        ok: false,
        error: {
          status: 404,
          type: 'Not Found',
          message: `Invalid dialogId ${dialogId} specified for dialog`,
          data: dialogId,
        },
      };
    const action = req.action.toUpperCase();
    const invalid = () =>
      this.fail(
        a,
        {
          status: 400,
          type: 'Generic Error',
          message: `${action} is not allowed on a dialog in ${d.participantState}`,
          data: dialogId,
        },
        requestId,
      );
    switch (action) {
      case 'ANSWER':
        if (d.participantState !== 'ALERTING') return invalid();
        this.setDialog(d, 'ACTIVE');
        a.beforeRing = undefined;
        this.publishDialog(d, 'PUT', requestId);
        this.change(a, 'TALKING', requestId);
        this.answered(d, requestId);
        return { ok: true };
      case 'HOLD':
        if (d.participantState !== 'ACTIVE') return invalid();
        this.setDialog(d, 'HELD');
        this.publishDialog(d, 'PUT', requestId);
        this.change(a, 'HOLD', requestId);
        this.toldToPeer(d, requestId);
        return { ok: true };
      case 'RETRIEVE':
        if (d.participantState !== 'HELD') return invalid();
        this.setDialog(d, 'ACTIVE');
        this.publishDialog(d, 'PUT', requestId);
        this.change(a, 'TALKING', requestId);
        this.toldToPeer(d, requestId);
        return { ok: true };
      case 'DROP':
      case 'TRANSFER':
      case 'TRANSFER_SST':
        if (!['ALERTING', 'ACTIVE', 'HELD', 'INITIATED'].includes(d.participantState)) return invalid();
        if (action !== 'DROP' && !req.toAddress)
          return this.fail(
            a,
            { status: 400, type: 'Parameter Missing', message: 'toAddress is required', data: 'toAddress' },
            requestId,
          );
        if (action !== 'DROP' && d.participantState !== 'ACTIVE' && d.participantState !== 'HELD') return invalid();
        if (action === 'DROP') return this.hangUp(a, d, requestId);
        return this.transfer(a, d, req.toAddress as string, requestId);
      case 'UPDATE_CALL_DATA': {
        if (!['ALERTING', 'ACTIVE', 'HELD'].includes(d.participantState)) return invalid();
        for (const v of req.variables ?? []) {
          const old = d.variables.find((x) => x.name === v.name);
          if (old) old.value = v.value;
          else d.variables.push({ ...v });
        }
        this.publishDialog(d, 'PUT', requestId);
        const peer = this.peerOf(d);
        if (peer) {
          peer.variables = d.variables.map((v) => ({ ...v }));
          this.publishDialog(peer, 'PUT', requestId);
        }
        return { ok: true };
      }
      default:
        return this.fail(
          a,
          {
            status: 400,
            type: 'Invalid Input',
            message: `Unknown requestedAction ${req.action}`,
            data: 'requestedAction',
          },
          requestId,
        );
    }
  }

  /** The agent's live call, for scripted answer/drop. */
  activeDialogOf(id: string): DialogRecord | undefined {
    return this.dialogsOf(id).at(-1);
  }

  private dialogsOf(id: string): DialogRecord[] {
    return [...this.dialogs.values()].filter((d) => d.owner === id);
  }

  /** A signed-in agent of the desk at `address` who can take a call now (not `caller`). */
  private reachableAt(address: string, caller: AgentRecord): AgentRecord | undefined {
    return [...this.agents.values()].find(
      (b) =>
        b !== caller &&
        b.state !== 'LOGOUT' &&
        this.extensionOf(b) === address &&
        (b.state === 'READY' || b.state === 'NOT_READY'),
    );
  }

  /** Rings `callee` with the call `d` (made by or transferred from its peer): its own ALERTING record. */
  private offer(
    callee: AgentRecord,
    d: DialogRecord,
    requestId: string,
    transfer?: { from: string; variables: CallVariable[] },
  ): void {
    const t = Date.now();
    const rung: DialogRecord = {
      id: d.id,
      from: transfer?.from ?? d.from,
      to: this.extensionOf(callee),
      callType: transfer ? 'TRANSFER' : d.callType,
      state: 'ALERTING',
      participantState: 'ALERTING',
      variables: (transfer?.variables ?? d.variables).map((v) => ({ ...v })),
      startTime: t,
      stateChangeTime: t,
      owner: callee.user.id,
      address: this.extensionOf(callee),
    };
    this.dialogs.set(key(rung.owner, rung.id), rung);
    if (!transfer || d.peer) {
      rung.peer = transfer ? d.peer : d.owner;
      const other = transfer ? this.peerOf(d) : d;
      if (other) other.peer = callee.user.id;
    }
    this.publishDialog(rung, 'POST', requestId);
    const other = this.peerOf(rung);
    if (other) {
      other.state = 'ALERTING';
      other.stateChangeTime = t;
      this.publishDialog(other, 'PUT', requestId);
    }
    callee.beforeRing = callee.state;
    if (callee.state === 'READY') this.change(callee, 'RESERVED', requestId);
    else this.publishQueues(requestId);
  }

  /** The callee answered: the other side of an internal call becomes ACTIVE too. */
  private answered(d: DialogRecord, requestId: string): void {
    const other = this.peerOf(d);
    if (!other) return;
    this.setDialog(other, 'ACTIVE');
    this.publishDialog(other, 'PUT', requestId);
    this.publishQueues(requestId);
  }

  /**
   * Hold and retrieve on an internal call change one participant: the other agent's dialog
   * (still ACTIVE, as a dialog is while one participant is) lists the new state.
   */
  private toldToPeer(d: DialogRecord, requestId: string): void {
    const other = this.peerOf(d);
    if (!other) return;
    if (other.participantState === 'ACTIVE') other.state = 'ACTIVE';
    this.publishDialog(other, 'PUT', requestId);
  }

  /** DROP: this side ends, and so does the other side when it is an agent of the desk. */
  private hangUp(a: AgentRecord, d: DialogRecord, requestId: string): Outcome {
    const other = this.peerOf(d);
    this.endCall(a, d, requestId);
    const b = other && this.agents.get(other.owner);
    if (other && b) this.endCall(b, other, requestId);
    return { ok: true };
  }

  /**
   * TRANSFER / TRANSFER_SST: to a signed-in agent's extension the call (with its call variables)
   * rings that agent; the transferring agent's side ends either way.
   */
  private transfer(a: AgentRecord, d: DialogRecord, toAddress: string, requestId: string): Outcome {
    const target = this.reachableAt(toAddress, a);
    if (target && target.user.id !== d.peer) {
      const customer = d.address === d.from ? d.to : d.from;
      this.offer(target, d, requestId, { from: customer, variables: d.variables });
      d.peer = undefined;
    }
    this.endCall(a, d, requestId);
    return { ok: true };
  }

  private endCall(a: AgentRecord, d: DialogRecord, requestId: string): void {
    const wasRinging = d.participantState === 'ALERTING';
    this.setDialog(d, 'DROPPED');
    this.publishDialog(d, 'DELETE', requestId);
    this.dialogs.delete(key(d.owner, d.id));
    const other = this.peerOf(d);
    if (other) other.peer = undefined;
    const pending = a.pendingState;
    a.pendingState = undefined;
    const before = a.beforeRing;
    a.beforeRing = undefined;
    // A call that was never answered leaves no wrap-up: the agent is back where it was.
    if (wasRinging && before && !pending) this.change(a, before, requestId);
    else if (pending === 'LOGOUT' || pending === 'NOT_READY') this.change(a, pending, requestId);
    else this.change(a, pending === 'WORK_READY' ? 'WORK_READY' : 'WORK', requestId);
  }

  private newDialog(
    a: AgentRecord,
    from: string,
    to: string,
    state: DialogState,
    callType: string,
    variables: CallVariable[],
  ): DialogRecord {
    const t = Date.now();
    const d: DialogRecord = {
      id: String(this.dialogSeq++),
      from,
      to,
      callType,
      state,
      participantState: state,
      variables: variables.map((v) => ({ ...v })),
      startTime: t,
      stateChangeTime: t,
      owner: a.user.id,
      address: this.extensionOf(a),
    };
    this.dialogs.set(key(d.owner, d.id), d);
    return d;
  }

  private peerOf(d: DialogRecord): DialogRecord | undefined {
    return d.peer === undefined ? undefined : this.dialogs.get(key(d.peer, d.id));
  }

  private dialogEl(d: DialogRecord, root = 'Dialog') {
    const other = this.peerOf(d);
    const others: OtherParticipant[] = other
      ? [
          {
            address: other.address ?? other.to,
            state: other.participantState,
            startTime: other.startTime,
            stateChangeTime: other.stateChangeTime,
          },
        ]
      : [];
    return dialogElement(d, root, others);
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
    return userObject(agent, a.state, {
      reasonCodeId: a.reasonCodeId,
      t: a.stateChangeTime,
      pendingState: a.pendingState,
      root,
    });
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
    this.publish({
      node: nodes.user(id),
      updateXml: updateXml(this.userEl(a, 'user'), 'PUT', nodes.user(id), requestId),
    });
    const team = nodes.teamUsers(a.user.teamId ?? '1');
    this.publish({ node: team, updateXml: updateXml(this.userEl(a, 'user'), 'PUT', team, requestId) });
    this.publishQueues(requestId);
  }

  private queueOfTeam(a: AgentRecord): boolean {
    return this.queues.get(DEFAULT_QUEUE.id)?.members.has(a.user.id) ?? false;
  }

  private joinQueue(a: AgentRecord, queueId: string): void {
    let q = this.queues.get(queueId);
    if (!q) {
      q = { id: queueId, name: `Queue ${queueId}`, members: new Set() };
      q.published = JSON.stringify(this.statisticsOf(q));
      this.queues.set(queueId, q);
    }
    q.members.add(a.user.id);
  }

  private statisticsOf(q: Queue) {
    const members: QueueMember[] = [...q.members].flatMap((id) => {
      const a = this.agents.get(id);
      if (!a) return [];
      const call = this.dialogsOf(id).find(
        (d) => d.participantState === 'ACTIVE' || d.participantState === 'HELD' || d.participantState === 'INITIATED',
      );
      const talking = !call
        ? undefined
        : call.peer !== undefined || call.callType === 'AGENT_INSIDE'
          ? 'internal'
          : call.callType === 'OUT'
            ? 'outbound'
            : 'inbound';
      return [{ state: a.state, talking }];
    });
    const waiting = [...this.dialogs.values()]
      .filter((d) => d.queueId === q.id && d.participantState === 'ALERTING')
      .map((d) => ({ since: d.startTime }));
    return queueStatistics(members, waiting);
  }

  /** A Queue Update for each queue whose statistics changed (Finesse batches them; here they go at once). */
  private publishQueues(requestId: string): void {
    for (const q of this.queues.values()) {
      const stats = this.statisticsOf(q);
      const text = JSON.stringify(stats);
      if (text === q.published) continue;
      q.published = text;
      const node = nodes.queue(q.id);
      this.publish({ node, updateXml: updateXml(queueElement(q.id, q.name, stats), 'PUT', node, requestId) });
    }
  }

  private publishDialog(d: DialogRecord, event: 'POST' | 'PUT' | 'DELETE', requestId: string): void {
    const node = nodes.userDialogs(d.owner);
    const data = event === 'POST' ? this.dialogEl(d, 'Dialog') : this.dialogEl(d, 'dialog');
    this.publish({
      node,
      updateXml: updateXml(event === 'POST' ? xml('dialogs', {}, data) : data, event, node, requestId),
    });
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
