/**
 * Session replay, server side: a WebSocket listener (subprotocol `xmpp`) that plays the server
 * half of a recorded session to whatever real client connects. Each client request is matched
 * to a recorded one (replayScript.ts) and answered with the recorded replies, rewritten to this
 * client's ids and JID (idRewrite.ts); the server's unprompted frames (Finesse pubsub events)
 * follow with the recorded timing scaled by `speed`, or one at a time on `step()`.
 *
 * SASL: the recording's payload is redacted, so any credentials are accepted over PLAIN (the
 * only mechanism offered) and answered with the recorded outcome, also when the recorded client
 * used SCRAM. Requests the recording never saw get the answer of a server without that feature
 * (standardAnswers.ts), never silence; recorded answers to things this client did not do (its
 * logout presence echo) are never sent. What was skipped, and why, is told on `notice`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { Frame } from '../capture/frame';
import { frameView } from '../capture/frameView';
import { FrameStore, SessionInfo } from '../capture/frameStore';
import { captureClose, captureMessage } from '../proxy/capture';
import { listenForUpgrades } from '../proxy/upgradeListener';
import { classifyText, closeFrame, FRAMING_NS, SUBPROTOCOL } from '../xmpp/framing';
import { plainUser, SASL_NS } from '../xmpp/sasl';
import { Element, xml } from '../xmpp/xml';
import { IdRewriter, parseJid } from './idRewrite';
import { buildScript, Gate, isSubscribe, ReplayScript, signatureOf, Signature, Step } from './replayScript';
import { STREAMS_NS } from '../xmpp/namespaces';
import { plainOnlyFeatures, standardAnswer } from './standardAnswers';
import type { ReplayNotice } from './replayNotices';
import { headerToOpen, parseStreamHeader } from '../proxy/tcp/streamHeader';
import { withoutStartTls } from '../proxy/tcp/tcpReplay';

export type { ReplayNotice } from './replayNotices';

const REPLAY_PATH = '/ws/';

export interface ReplayServerOptions {
  /** The recorded frames of the session to serve (both directions). */
  frames: readonly Frame[];
  /** Default 127.0.0.1:0. */
  listen?: { host: string; port: number };
  /** 1 = recorded timing, 2 = twice as fast, 0 (or Infinity) = as fast as possible. */
  speed?: number;
  /** Server pushes wait for step() instead of their recorded time. */
  step?: boolean;
  /** Where each replayed connection's frames are captured; a private store when omitted. */
  store?: FrameStore;
  /** The recording's upstream URL, shown as the replayed sessions' target. */
  target?: string;
  /**
   * How long the script waits for a recorded pubsub subscribe or initial presence the client
   * does not send before it plays on (a client that subscribes to fewer nodes than the
   * recorded one, or never says it is available). Default 10 s.
   */
  subscribeWaitMs?: number;
  /** Browser origins allowed besides loopback and same-origin pages (net/origin.ts). */
  allowedOrigins?: readonly string[];
  /**
   * The agent id to put in node names and Update payloads (`--as`); by default the id the
   * client logs in with.
   */
  agentId?: string;
}

/**
 * What a replayed connection runs over: a WebSocket, or an XMPP-over-TCP client made to look
 * like one (proxy/tcp/tcpReplay.ts).
 */
export interface ReplaySocket {
  readonly readyState: number;
  send(data: string | Buffer): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
}

/** What a connection's script is waiting for, for status lines and the step button. */
export type Waiting = { for: 'client'; frame: Frame } | { for: 'step'; frame: Frame } | { for: 'nothing' };

export interface ReplayConnectionEvents {
  waiting: [Waiting];
  /** A recorded frame was sent to the client (rewritten text). */
  sent: [Frame];
  /** A recorded request the client never sent was given up on after subscribeWaitMs. */
  skipped: [Frame];
  /** What the replay did differently from the recording for this client, and why (one line; the same as data). */
  notice: [string, ReplayNotice];
  /** The whole recording has been played. */
  done: [];
  close: [];
}

export class ReplayConnection extends EventEmitter<ReplayConnectionEvents> {
  readonly session: SessionInfo;
  private readonly consumed = new Set<Gate>();
  private readonly rewriter: IdRewriter;
  private gateWaiter?: { gate: Gate; resolve: (answered: boolean) => void };
  private stepWaiter?: () => void;
  /** Nexts given while no push was waiting yet (the script still waits for the client). */
  private stepCredit = 0;
  private timer?: NodeJS.Timeout;
  private closed = false;
  private finished = false;
  waiting: Waiting = { for: 'nothing' };

  constructor(
    private readonly ws: ReplaySocket,
    private readonly script: ReplayScript,
    private readonly server: ReplayServer,
    private readonly store: FrameStore,
    remote: string,
    target?: string,
  ) {
    super();
    this.rewriter = new IdRewriter(script.boundJid);
    this.rewriter.agentId = server.agentId;
    this.session = store.openSession({
      id: `replay-${randomUUID()}`,
      label: `replay ${remote}`,
      ...(target ? { target } : {}),
    });
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', (code, reason) => {
      captureClose(store, this.session.id, 'out', code, reason);
      this.reportUnasked();
      this.halt();
      store.endSession(this.session.id);
      this.ended = true;
      this.emit('close');
    });
    ws.on('error', () => this.halt());
  }

  /** True once the socket is closed (the 'close' event has been emitted). */
  ended = false;

  /** Server pushes not yet sent (what `--step` has left). */
  get pushesLeft(): number {
    return this.script.steps.slice(this.stepIndex).filter((st) => st.type === 'push').length;
  }

  private stepIndex = 0;

  private notice(text: string, notice: ReplayNotice): void {
    this.emit('notice', text, notice);
  }

  /** Recorded answers never sent because this client never made their request. */
  private reportUnasked(): void {
    const unasked = this.script.gates.filter((g) => !this.consumed.has(g) && g.replies.length && !g.sig.handshake);
    if (!unasked.length) return;
    const what = unasked.map((g) => describeRequest(g.frame)).join(', ');
    this.notice(`skipped ${unasked.length} recorded answer(s) to requests this client did not make: ${what}`, {
      kind: 'skipped',
      requests: unasked.map((g) => describeRequest(g.frame)),
    });
  }

  get done(): boolean {
    return this.finished;
  }

  /** Plays the script: waits at the client's requests, times (or steps) the pushes. */
  async run(): Promise<void> {
    for (const step of this.script.steps) {
      if (this.closed) return;
      if (step.type === 'gate') await this.passGate(step);
      else await this.playPush(step);
      this.stepIndex++;
    }
    if (this.closed) return;
    this.finished = true;
    this.setWaiting({ for: 'nothing' });
    this.emit('done');
  }

  /**
   * Releases the next push in step mode. A Next given while the script still waits for the
   * client (its presence or a subscribe) is kept, and releases the push as soon as it is due;
   * false when the script has nothing left to push.
   */
  step(): boolean {
    const release = this.stepWaiter;
    if (!release) {
      if (this.closed || !this.server.stepMode || this.pushesLeft <= this.stepCredit) return false;
      this.stepCredit++;
      return true;
    }
    this.stepWaiter = undefined;
    this.waiting = { for: 'nothing' };
    release();
    return true;
  }

  /** Stops the script and closes the socket with `code` (the 'close' event follows). */
  close(code = 1001, reason = ''): void {
    this.halt();
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.close(code, reason);
    captureClose(this.store, this.session.id, 'in', code, reason);
  }

  /** Drops the connection without a close frame, as a server that went away. */
  terminate(): void {
    this.halt();
    this.ws.terminate();
  }

  /** Stops the script: no timer, no waiter is left behind. */
  private halt(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.gateWaiter?.resolve(false);
    const step = this.stepWaiter;
    this.stepWaiter = undefined;
    step?.();
  }

  private setWaiting(w: Waiting): void {
    this.waiting = w;
    this.emit('waiting', w);
  }

  private async passGate(gate: Gate): Promise<void> {
    if (this.consumed.has(gate)) return;
    // Only the handshake, subscriptions and initial presence hold the pushes back (a server
    // delivers an agent's Updates only once its client is available); a recorded roster or disco
    // request the new client does not make must not stall the replay. A presence the recorded
    // client sent only after the server had already pushed did not gate anything there either.
    const bounded = isSubscribe(gate.sig) || (gate.sig.key === 'presence' && !gate.afterPush);
    const wait = gate.sig.handshake ? Infinity : bounded ? (this.server.subscribeWaitMs ?? 10_000) : 0;
    if (wait === 0) return;
    this.setWaiting({ for: 'client', frame: gate.frame });
    const answered = await new Promise<boolean>((resolve) => {
      this.gateWaiter = { gate, resolve };
      if (Number.isFinite(wait)) this.timer = setTimeout(() => resolve(false), wait);
    });
    clearTimeout(this.timer);
    this.gateWaiter = undefined;
    if (!answered && !this.closed) {
      this.emit('skipped', gate.frame);
      this.notice(
        `played on without the recorded ${describeRequest(gate.frame)}: this client did not send it within ${this.server.subscribeWaitMs ?? 10_000} ms`,
        { kind: 'playedOn', request: describeRequest(gate.frame) },
      );
    }
  }

  private async playPush(push: Extract<Step, { type: 'push' }>): Promise<void> {
    if (this.server.stepMode && this.stepCredit > 0) {
      this.stepCredit--;
    } else if (this.server.stepMode) {
      this.setWaiting({ for: 'step', frame: push.frame });
      await new Promise<void>((resolve) => (this.stepWaiter = resolve));
    } else {
      const speed = this.server.speed;
      const delay = speed > 0 && Number.isFinite(speed) ? push.gapMs / speed : 0;
      await new Promise<void>((resolve) => {
        if (delay >= 1) this.timer = setTimeout(resolve, delay);
        else setImmediate(resolve);
      });
    }
    if (this.closed) return;
    this.sendRecorded(push.frame);
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    const frame = captureMessage(this.store, this.session.id, 'out', data, isBinary);
    if (isBinary || this.closed) return;
    if (frame.kind === 'close') return this.answerClose();
    const sig = signatureOf(frame);
    if (!sig) return; // presence, iq results, keepalives: the recorded server said nothing to them either
    // A replay cannot count and acknowledge stanzas: stream management is refused even where
    // the recorded server granted it, or the client would wait for acks that never come.
    const gate = sig.key.startsWith('sm:') ? undefined : this.findGate(sig);
    if (gate) this.answer(gate, frame);
    else this.answerUnrecorded(sig, frame);
  }

  /** The first unanswered recorded request like this one (same pubsub node preferred). */
  private findGate(sig: Signature): Gate | undefined {
    let loose: Gate | undefined;
    const detail = sig.detail === undefined ? undefined : this.rewriter.toRecordedNode(sig.detail);
    for (const gate of this.script.gates) {
      if (this.consumed.has(gate) || gate.sig.key !== sig.key) continue;
      if (gate.sig.detail === detail) return gate;
      loose ??= gate;
    }
    return loose;
  }

  private answer(gate: Gate, request: Frame): void {
    this.consumed.add(gate);
    const el = frameView(request).element as Element;
    if (gate.sig.key === 'auth') {
      this.rewriter.clientUser = plainUser(request.raw) ?? this.rewriter.clientUser;
      if (gate.replies.some((r) => frameView(r).element?.name === 'challenge')) return this.answerMultiStepSasl(gate);
    }
    if (gate.sig.key.startsWith('iq:')) {
      const recordedId = frameView(gate.frame).element?.attrs.id;
      if (recordedId && el.attrs.id) this.rewriter.mapId(recordedId, el.attrs.id);
      const resource = el.getChild('bind')?.getChildText('resource')?.trim();
      if (gate.sig.handshake && resource) this.rewriter.clientResource = resource;
    }
    for (const reply of gate.replies)
      this.sendRecorded(
        gate.sig.key === 'open' && frameView(reply).summary?.name?.endsWith('features')
          ? { ...reply, raw: plainOnlyFeatures(reply.raw) }
          : reply,
      );
    if (this.gateWaiter?.gate === gate) this.gateWaiter.resolve(true);
  }

  /**
   * The recorded client logged in with a challenge-response mechanism (SCRAM): its exchange
   * cannot verify anything for this client, which authenticates with PLAIN. The recorded
   * outcome (the last SASL answer) is sent at once, and the recorded <response/>s are done.
   */
  private answerMultiStepSasl(auth: Gate): void {
    const sasl = this.script.gates.filter(
      (g) => g.sig.key === 'response' && g.frame.t >= auth.frame.t && !this.consumed.has(g),
    );
    const handshakeEnd = this.script.gates.find((g) => g.sig.key === 'open' && g.frame.t > auth.frame.t);
    const responses = sasl.filter((g) => !handshakeEnd || g.frame.t < handshakeEnd.frame.t);
    for (const g of responses) this.consumed.add(g);
    const outcome = [auth, ...responses]
      .flatMap((g) => g.replies)
      .reverse()
      .find((r) => /^(success|failure)$/.test(frameView(r).element?.name ?? ''));
    const success = !outcome || frameView(outcome).element?.name === 'success';
    this.send(success ? xml('success', { xmlns: SASL_NS }).toString() : this.rewriter.rewrite(outcome.raw));
    const mechanism = frameView(auth.frame).element?.attrs.mechanism ?? 'challenge-response';
    this.notice(
      `the recorded login used ${mechanism}; answered this client's PLAIN login with the recorded ${success ? 'success' : 'failure'}`,
      { kind: 'login', mechanism },
    );
    for (const g of [auth, ...responses]) if (this.gateWaiter?.gate === g) this.gateWaiter.resolve(true);
  }

  private answerUnrecorded(sig: Signature, request: Frame): void {
    const el = frameView(request).element;
    if (sig.key === 'open') {
      const domain = this.script.domain ?? el?.attrs.to ?? 'localhost';
      this.send(
        xml('open', {
          xmlns: FRAMING_NS,
          from: domain,
          id: randomBytes(8).toString('hex'),
          version: '1.0',
          'xml:lang': 'en',
        }).toString(),
      );
      this.send(xml('stream:features', { 'xmlns:stream': STREAMS_NS }).toString());
      return;
    }
    if (sig.key === 'auth' || sig.key === 'response') {
      this.send(xml('failure', { xmlns: SASL_NS }, xml('not-authorized')).toString());
      return;
    }
    if (!el) return;
    const jid = parseJid(this.rewriter.clientJid ?? '') ? this.rewriter.clientJid : undefined;
    const answer = standardAnswer(el, sig.key, sig.detail, jid);
    if (!answer) return;
    this.send(answer.raw);
    if (!sig.key.startsWith('iq:get:urn:xmpp:ping') && !sig.key.includes(':pubsub:') && !sig.key.startsWith('presence'))
      this.notice(`answered ${describeRequest(request)} the recording lacks: ${answer.reason}`, {
        kind: 'answered',
        request: describeRequest(request),
      });
  }

  /** RFC 7395 §3.6: the client's <close/> is answered with ours, then the server closes. */
  private answerClose(): void {
    this.send(this.script.closeReply?.raw ?? closeFrame());
    this.close(1000);
  }

  private sendRecorded(frame: Frame): void {
    if (frame.kind === 'closeframe') {
      const m = /^(\d+)\s?(.*)$/.exec(frame.raw);
      const code = m ? Number(m[1]) : 1000;
      // 1005/1006 say "no close frame was sent": the recorded server just went away.
      if (code === 1005 || code === 1006 || code < 1000 || code >= 5000) this.terminate();
      else this.close(code, m?.[2] ?? '');
      return;
    }
    if (frame.kind === 'binary') {
      if (this.ws.readyState !== WebSocket.OPEN) return;
      const data = Buffer.from(frame.raw, 'base64');
      this.ws.send(data);
      this.emit(
        'sent',
        this.store.append({
          session: this.session.id,
          dir: 'in',
          kind: 'binary',
          raw: frame.raw,
          bytes: data.length,
          flags: { replayed: true },
        }),
      );
      return;
    }
    this.send(this.rewriter.rewrite(framingOf(frame)));
  }

  private send(raw: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(raw);
    this.emit(
      'sent',
      this.store.append({
        session: this.session.id,
        dir: 'in',
        kind: classifyText(raw),
        raw,
        flags: { replayed: true },
      }),
    );
  }
}

/** A TCP recording's stream header and end tag as the RFC 7395 <open/> and <close/> (a TCP client's socket turns them back). */
function framingOf(frame: Frame): string {
  if (frame.kind === 'open') {
    const header = parseStreamHeader(frame.raw);
    if (header) return headerToOpen(header);
  }
  if (frame.kind === 'close' && /^\s*<\/[^\s>]*stream\s*>\s*$/.test(frame.raw)) return closeFrame();
  return frame.raw;
}

/** `iq get jabber:iq:roster query`, `subscribe /finesse/api/Team/1/Users`, `presence unavailable`. */
function describeRequest(frame: Frame): string {
  const el = frameView(frame).element;
  if (!el) return frame.kind;
  const payload = el.getChildElements()[0];
  if (el.name === 'presence') return `presence${el.attrs.type ? ` type=${el.attrs.type}` : ''}`;
  if (el.name !== 'iq') return `<${el.name}${el.attrs.xmlns ? ` xmlns="${el.attrs.xmlns}"` : ''}/>`;
  const op = payload?.getChildElements()[0];
  if (op?.attrs.node) return `${op.name} ${op.attrs.node}`;
  return `iq ${el.attrs.type} ${payload ? `${payload.attrs.xmlns ?? ''} ${payload.name}`.trim() : '(empty)'}`;
}

export interface ReplayServerEvents {
  connection: [ReplayConnection];
  error: [Error];
}

export class ReplayServer extends EventEmitter<ReplayServerEvents> {
  readonly store: FrameStore;
  readonly script: ReplayScript;
  speed: number;
  stepMode: boolean;
  /** See ReplayServerOptions.subscribeWaitMs; changes apply to the next wait. */
  subscribeWaitMs: number | undefined;
  /** See ReplayServerOptions.agentId. */
  readonly agentId: string | undefined;
  private readonly wss: WebSocketServer;
  private server?: Server;
  private address?: string;
  private readonly connections = new Set<ReplayConnection>();

  constructor(private readonly opts: ReplayServerOptions) {
    super();
    this.store = opts.store ?? new FrameStore();
    // A TCP recording's STARTTLS is the transport's business: the script starts after it.
    this.script = buildScript(withoutStartTls(opts.frames));
    this.speed = opts.speed ?? 1;
    if (!(this.speed >= 0)) throw new RangeError(`speed must be 0 or more, got ${opts.speed}`);
    this.stepMode = opts.step ?? false;
    this.subscribeWaitMs = opts.subscribeWaitMs;
    this.agentId = opts.agentId;
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
  }

  get url(): string | undefined {
    return this.address;
  }

  /** Connections being served now. */
  get active(): ReplayConnection[] {
    return [...this.connections];
  }

  async listen(): Promise<string> {
    if (this.address) return this.address;
    const { host, port } = this.opts.listen ?? { host: '127.0.0.1', port: 0 };
    const { server, bound } = await listenForUpgrades(
      host,
      port,
      'finesse-frames replay: connect an XMPP WebSocket client to this address',
      (req, socket, head) => this.handleUpgrade(req, socket, head),
      this.opts.allowedOrigins,
    );
    this.server = server;
    const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
    this.address = `ws://${shown}:${bound.port}${REPLAY_PATH}`;
    return this.address;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) =>
      this.accept(ws, `${req.socket.remoteAddress}:${req.socket.remotePort}`),
    );
  }

  /** Serves the recording to one connected client (a WebSocket, or TCP via tcpReplay.ts). */
  accept(socket: ReplaySocket, remote: string): ReplayConnection {
    const conn = new ReplayConnection(socket, this.script, this, this.store, remote, this.opts.target);
    this.connections.add(conn);
    conn.once('close', () => this.connections.delete(conn));
    this.emit('connection', conn);
    conn.run().catch((e: Error) => this.emit('error', e));
    return conn;
  }

  /** Step mode: releases the next push on every connection; how many were released. */
  step(): number {
    let n = 0;
    for (const c of this.connections) if (c.step()) n++;
    return n;
  }

  /** Switches between timed and step-by-step play; a waiting push is released when leaving step mode. */
  setStepMode(on: boolean): void {
    this.stepMode = on;
    if (!on) this.step();
  }

  /** Closes every connection (1001, going away) and stops listening. */
  async close(): Promise<void> {
    const open = [...this.connections].filter((c) => !c.ended);
    const closed = Promise.all(open.map((c) => once(c, 'close')));
    for (const c of open) c.close(1001);
    // A client that does not answer the close handshake is cut after a grace period.
    const cut = setTimeout(() => open.forEach((c) => c.terminate()), 2000);
    await closed;
    clearTimeout(cut);
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}
