/**
 * The embedded Finesse simulator: a WebSocket server speaking the Finesse notification flow
 * (RFC 7395 open, SASL PLAIN, bind, session, presence, XEP-0060 subscribe to /finesse/api/…
 * nodes on pubsub.{domain}) that plays a scenario of escaped <Update>s to each subscribed
 * client. It is what `npm start` connects the extension to and what `finesse-frames simulate`
 * serves, so the whole tool can be tried without a Finesse server. Binds 127.0.0.1:0 by default.
 */
import { EventEmitter } from 'node:events';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import { eventMessage, PUBSUB_NS } from '../finesse/builders';
import { decodeUpdateText, updateLabel } from '../finesse/update';
import { SUBPROTOCOL } from '../xmpp/framing';
import { Element, xml } from '../xmpp/xml';
import { agentFor, defaultScenario, Scenario, ScenarioContext, stepNode } from './scenario';
import { DISCO_INFO_NS, errorReply, PING_NS, resultReply, XmppServerSession } from './xmppServerSession';
import { PUBSUB_ERRORS_NS } from '../xmpp/namespaces';
export { PUBSUB_ERRORS_NS };


/** The node names a Finesse notification server has (others are item-not-found). */
const FINESSE_NODE = /^\/finesse\/api\/(?:User\/[^/]+(?:\/(?:Dialogs|Queues))?|Team\/[^/]+\/Users|Queue\/[^/]+|SystemInfo)$/;

export interface SimulatorOptions {
  listen?: { host: string; port: number };
  domain?: string;
  /** user → password; default {agent1: 'agent1'}. */
  users?: Record<string, string>;
  scenario?: Scenario;
  /** Start the scenario again after its last step, for as long as the client stays. */
  loop?: boolean;
  /** Delays are divided by this; Infinity plays every step at once (in order). Default 1. */
  speed?: number;
  /** Team whose Users node carries the scenario's team steps; default '1'. */
  teamId?: string;
}

export interface StepEvent {
  /** Connection number, 1, 2, … in the order clients connected. */
  client: number;
  jid: string;
  index: number;
  iteration: number;
  node: string;
  /** `User agent1 PUT → READY`. */
  label: string;
  /** False when the client had not subscribed to the step's node (it was skipped). */
  delivered: boolean;
}

export interface SimulatorEvents {
  online: [{ client: number; jid: string }];
  subscribe: [{ client: number; jid: string; node: string }];
  step: [StepEvent];
  /** The scenario ended for a client (never with `loop`). */
  done: [{ client: number; jid: string }];
  disconnect: [{ client: number; jid?: string }];
}

export class FinesseSimulator extends EventEmitter<SimulatorEvents> {
  readonly domain: string;
  readonly pubsubJid: string;
  private readonly users: Record<string, string>;
  private readonly scenario: Scenario;
  private readonly speed: number;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly clients = new Set<SimulatedClient>();
  private clientSeq = 0;
  private listenUrl: string | undefined;

  constructor(private readonly opts: SimulatorOptions = {}) {
    super();
    this.domain = opts.domain ?? 'finesse.test';
    this.pubsubJid = `pubsub.${this.domain}`;
    this.users = opts.users ?? { agent1: 'agent1' };
    this.scenario = opts.scenario ?? defaultScenario();
    this.speed = opts.speed ?? 1;
    if (!(this.speed > 0)) throw new RangeError(`speed must be a positive number, got ${opts.speed}`);
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      maxPayload: 1 << 20,
      handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
    this.http = createServer((_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain', Connection: 'close' });
      res.end('Finesse simulator: connect with a WebSocket (subprotocol "xmpp") to /ws/\n');
    });
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  /** Starts listening; resolves to `ws://HOST:PORT/ws/`. */
  async listen(): Promise<string> {
    if (this.listenUrl) return this.listenUrl;
    const { host, port } = this.opts.listen ?? { host: '127.0.0.1', port: 0 };
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    const addr = this.http.address() as AddressInfo;
    const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.listenUrl = `ws://${shown}:${addr.port}/ws/`;
    return this.listenUrl;
  }

  get url(): string | undefined {
    return this.listenUrl;
  }

  /** Connected clients (for status and tests). */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Ends every stream with <system-shutdown/> and stops listening. */
  async close(): Promise<void> {
    const closing = [...this.clients].map((c) => c.shutdown());
    this.http.closeAllConnections();
    await Promise.all(closing);
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.wss.close();
    this.listenUrl = undefined;
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://simulator').pathname;
    if (path !== '/ws' && path !== '/ws/') return refuse(socket, 404, 'Not Found', 'no WebSocket endpoint here; use /ws/');
    // Like Prosody: an upgrade without the xmpp subprotocol is not an XMPP client.
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(SUBPROTOCOL)) return refuse(socket, 501, 'Not Implemented', 'the WebSocket subprotocol "xmpp" is required');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  private onConnection(ws: WebSocket): void {
    const client = new SimulatedClient(this, ++this.clientSeq, ws);
    this.clients.add(client);
    client.stream.once('close', () => {
      client.stop();
      this.clients.delete(client);
      this.emit('disconnect', { client: client.seq, jid: client.stream.jid });
    });
  }

  /** @internal for SimulatedClient */
  authenticate(user: string, password: string): boolean {
    return Object.hasOwn(this.users, user) && this.users[user] === password;
  }
  /** @internal */
  get settings(): { scenario: Scenario; speed: number; loop: boolean; teamId: string } {
    return { scenario: this.scenario, speed: this.speed, loop: !!this.opts.loop, teamId: this.opts.teamId ?? '1' };
  }
}

function refuse(socket: Duplex, status: number, text: string, body: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** One connected client: its stream, its pubsub subscriptions, its scenario playback. */
class SimulatedClient {
  readonly stream: XmppServerSession;
  private readonly subscriptions = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private playing = false;
  private index = 0;
  private iteration = 0;
  private itemSeq = 0;
  private closed: Promise<void>;

  constructor(
    private readonly sim: FinesseSimulator,
    readonly seq: number,
    private readonly ws: WebSocket,
  ) {
    this.stream = new XmppServerSession(ws, {
      domain: sim.domain,
      authenticate: (user, password) => sim.authenticate(user, password),
      onIq: (iq) => this.onIq(iq),
    });
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
    this.stream.on('state', (s) => {
      if (s === 'online' && this.stream.jid) sim.emit('online', { client: seq, jid: this.stream.jid });
    });
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Server shutdown: stream error, <close/>, and a bounded wait for the client's close frame. */
  shutdown(): Promise<void> {
    this.stop();
    this.stream.close('system-shutdown', 1001);
    // A client that never answers the close frame must not keep the simulator from stopping.
    const force = setTimeout(() => this.ws.terminate(), 1000);
    force.unref();
    return this.closed.finally(() => clearTimeout(force));
  }

  private get context(): ScenarioContext {
    return { agent: agentFor(this.stream.user ?? 'agent', this.sim.settings.teamId), teamId: this.sim.settings.teamId, iteration: this.iteration };
  }

  private onIq(iq: Element): Element | undefined {
    const jid = this.stream.jid;
    if (iq.attrs.to !== this.sim.pubsubJid) return undefined;
    const child = iq.getChildElements()[0];
    if (!child) return errorReply(iq, 'modify', 'bad-request', jid);
    const ns = child.attrs.xmlns;
    if (iq.attrs.type === 'get' && child.name === 'ping' && ns === PING_NS) return resultReply(iq, jid);
    if (iq.attrs.type === 'get' && child.name === 'query' && ns === DISCO_INFO_NS) {
      return resultReply(iq, jid, xml('query', { xmlns: DISCO_INFO_NS }, xml('identity', { category: 'pubsub', type: 'service', name: 'Finesse notifications' }), xml('feature', { var: PUBSUB_NS }), xml('feature', { var: `${PUBSUB_NS}#subscribe` })));
    }
    if (child.name !== 'pubsub' || ns !== PUBSUB_NS) return undefined;
    const op = child.getChildElements()[0];
    if (iq.attrs.type === 'set' && op?.name === 'subscribe') return this.subscribe(iq, op);
    if (iq.attrs.type === 'set' && op?.name === 'unsubscribe') return this.unsubscribe(iq, op);
    return errorReply(iq, 'cancel', 'feature-not-implemented', jid, xml('unsupported', { xmlns: PUBSUB_ERRORS_NS, feature: op?.name ?? 'pubsub' }));
  }

  /** XEP-0060 §6.1: the reply is what Prosody sends: <subscription node jid subscription="subscribed"/>. */
  private subscribe(iq: Element, op: Element): Element {
    const { node, jid } = op.attrs;
    const self = this.stream.jid;
    if (!node) return errorReply(iq, 'modify', 'bad-request', self, xml('nodeid-required', { xmlns: PUBSUB_ERRORS_NS }));
    if (!jid || bare(jid) !== bare(this.stream.bareJid ?? '')) return errorReply(iq, 'modify', 'bad-request', self, xml('invalid-jid', { xmlns: PUBSUB_ERRORS_NS }));
    if (!FINESSE_NODE.test(node)) return errorReply(iq, 'cancel', 'item-not-found', self);
    this.subscriptions.add(node);
    this.sim.emit('subscribe', { client: this.seq, jid: self ?? jid, node });
    // Start after the reply is on the wire, so the client sees its result before any event.
    setImmediate(() => this.maybeStart());
    return resultReply(iq, self, xml('pubsub', { xmlns: PUBSUB_NS }, xml('subscription', { node, jid, subscription: 'subscribed' })));
  }

  private unsubscribe(iq: Element, op: Element): Element {
    const { node, jid } = op.attrs;
    const self = this.stream.jid;
    if (!node) return errorReply(iq, 'modify', 'bad-request', self, xml('nodeid-required', { xmlns: PUBSUB_ERRORS_NS }));
    if (!jid || bare(jid) !== bare(this.stream.bareJid ?? '')) return errorReply(iq, 'modify', 'bad-request', self, xml('invalid-jid', { xmlns: PUBSUB_ERRORS_NS }));
    if (!this.subscriptions.delete(node)) return errorReply(iq, 'cancel', 'unexpected-request', self, xml('not-subscribed', { xmlns: PUBSUB_ERRORS_NS }));
    return resultReply(iq, self, xml('pubsub', { xmlns: PUBSUB_NS }, xml('subscription', { node, jid, subscription: 'none' })));
  }

  private maybeStart(): void {
    if (this.playing || this.stream.state !== 'online') return;
    const { scenario } = this.sim.settings;
    const ctx = this.context;
    if (!scenario.requires.every((t) => this.subscriptions.has(stepNode(t, ctx)))) return;
    if (!scenario.steps.length) return;
    this.playing = true;
    this.schedule();
  }

  private schedule(): void {
    const { scenario, speed } = this.sim.settings;
    const step = scenario.steps[this.index];
    const delay = Number.isFinite(speed) ? step.delayMs / speed : 0;
    this.timer = setTimeout(() => this.play(), delay);
  }

  private play(): void {
    const { scenario, loop } = this.sim.settings;
    const jid = this.stream.jid;
    if (!jid || this.stream.state !== 'online') return;
    const ctx = this.context;
    const step = scenario.steps[this.index];
    const node = stepNode(step.target, ctx);
    const updateXml = step.update(ctx);
    const delivered = this.subscriptions.has(node);
    if (delivered) {
      const itemId = `${this.sim.domain}-${this.seq}-${++this.itemSeq}`;
      this.stream.send(eventMessage({ from: this.sim.pubsubJid, to: jid, node, itemId, updateXml }));
    }
    this.sim.emit('step', { client: this.seq, jid, index: this.index, iteration: this.iteration, node, label: updateLabel(decodeUpdateText(updateXml, node)), delivered });
    this.index++;
    if (this.index >= scenario.steps.length) {
      if (!loop) {
        this.timer = undefined;
        this.sim.emit('done', { client: this.seq, jid });
        return;
      }
      this.index = 0;
      this.iteration++;
    }
    this.schedule();
  }
}

function bare(jid: string): string {
  const slash = jid.indexOf('/');
  return (slash < 0 ? jid : jid.slice(0, slash)).toLowerCase();
}
