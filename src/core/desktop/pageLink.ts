/**
 * One open desktop page, server side: its control WebSocket, its hub (Hub) and master publisher,
 * and a hub member per gadget frame. The page relays its frames' postMessages here; this routes
 * them (subscribe, publish, unsubscribe), answers `hello` with `connected` (a frame saying hello
 * again is a new document: its old subscriptions go), and turns the agent line's Updates and
 * connection changes into the publisher's publishes.
 */
import type { WebSocket } from 'ws';
import type { Frame } from '../capture/frame';
import type { FrameStore } from '../capture/frameStore';
import type { FrameGate } from '../intercept/gate';
import type { FromGadget, GadgetLogLevel, GadgetSource, ToGadget } from '../../protocol/gadgetHub';
import type { DesktopConfig, FromDesktopPage, ToDesktopPage } from '../../protocol/desktopHub';
import { isFromGadget } from '../../protocol/gadgetHub';
import type { AgentLine } from './agentLine';
import { DESKTOP, GadgetMember, Hub } from './hub';
import { MasterPublisher, TOPICS } from './masterPublisher';

export interface GadgetLog {
  mid: string;
  title: string;
  level: GadgetLogLevel;
  text: string;
  source?: GadgetSource;
}

export interface GadgetError {
  mid: string;
  title: string;
  message: string;
  source?: GadgetSource;
  stack?: string;
}

export interface PageLinkOptions {
  ws: WebSocket;
  line: AgentLine;
  config: DesktopConfig;
  store: FrameStore;
  session: string;
  gate?: FrameGate;
  onLog(log: GadgetLog): void;
  onError(err: GadgetError): void;
  onHub(frame: Frame): void;
}

class FrameMember implements GadgetMember {
  constructor(
    readonly mid: string,
    public title: string,
    private readonly send: (m: ToDesktopPage) => void,
  ) {}

  get label(): string {
    return this.title ? `${this.mid} ${this.title}` : this.mid;
  }

  deliver(subId: string, topic: string, data: unknown): void {
    this.send({ type: 'toGadget', mid: this.mid, msg: { ffd: 1, type: 'deliver', subId, topic, data } });
  }
}

export class PageLink {
  readonly hub: Hub;
  private readonly publisher: MasterPublisher;
  private readonly members = new Map<string, FrameMember>();
  private activeTab: string | undefined;
  private readonly detach: (() => void)[] = [];

  constructor(private readonly opts: PageLinkOptions) {
    const { line } = opts;
    const hub = new Hub({
      store: opts.store,
      session: opts.session,
      gate: opts.gate,
      onFrame: opts.onHub,
      onWarning: (text) => opts.onLog({ mid: '', title: 'desktop', level: 'warn', text }),
    });
    this.hub = hub;
    this.activeTab = opts.config.tabs[0]?.id;
    for (const g of opts.config.gadgets) this.members.set(g.mid, new FrameMember(g.mid, g.title, (m) => this.send(m)));
    this.publisher = new MasterPublisher(hub, {
      subscribeNode: (node) => line.subscribeNode(node),
      unsubscribeNode: (node) => line.unsubscribeNode(node),
      activeTab: () => this.activeTab,
      activateTab: (id) => {
        if (!opts.config.tabs.some((t) => t.id === id)) return false;
        this.send({ type: 'activateTab', id });
        return true;
      },
      reloadGadget: (mid) => this.reload(mid),
      log: (text) => opts.onLog({ mid: '', title: 'desktop', level: 'log', text }),
    });
    const onUpdate = (node: string, xml: string, frameId: number) => this.publisher.relayUpdate(node, xml, frameId);
    const onConnection = (c: { status: string; resourceID?: string }) => this.publisher.setConnection(c);
    const onAgent = () => this.send({ type: 'agent', agent: line.agent });
    line.on('update', onUpdate);
    line.on('connection', onConnection);
    line.on('agent', onAgent);
    this.detach.push(
      () => line.off('update', onUpdate),
      () => line.off('connection', onConnection),
      () => line.off('agent', onAgent),
    );
    this.publisher.setConnection(line.connection);
    opts.ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let msg: unknown;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      this.onPage(msg as FromDesktopPage);
    });
    this.send({ type: 'config', config: opts.config });
    this.send({ type: 'agent', agent: line.agent });
  }

  /** Reloads one gadget's frame (live reload, ReloadGadgetReq); its subscriptions go with it. */
  reload(mid: string): boolean {
    const m = this.members.get(mid);
    if (!m) return false;
    this.hub.forget(m);
    this.send({ type: 'reload', mid });
    return true;
  }

  notice(level: 'info' | 'error', text: string): void {
    this.send({ type: 'notice', level, text });
  }

  close(): void {
    for (const d of this.detach.splice(0)) d();
    this.publisher.close();
  }

  private send(m: ToDesktopPage): void {
    if (this.opts.ws.readyState === this.opts.ws.OPEN) this.opts.ws.send(JSON.stringify(m));
  }

  private toGadget(mid: string, msg: ToGadget): void {
    this.send({ type: 'toGadget', mid, msg });
  }

  private onPage(msg: FromDesktopPage): void {
    if (!msg || typeof msg !== 'object') return;
    switch (msg.type) {
      case 'gadget':
        if (isFromGadget(msg.msg)) this.onGadget(msg.msg);
        break;
      case 'activeTab':
        if (
          typeof msg.id === 'string' &&
          msg.id !== this.activeTab &&
          this.opts.config.tabs.some((t) => t.id === msg.id)
        ) {
          this.activeTab = msg.id;
          this.hub.publish(DESKTOP, TOPICS.CS_ACTIVE_TAB, msg.id);
        }
        break;
      case 'setState':
        if (typeof msg.state === 'string')
          this.opts.line
            .setState(msg.state, typeof msg.reasonCodeId === 'string' ? msg.reasonCodeId : undefined)
            .catch((e: Error) => this.notice('error', `Could not change state: ${e.message}`));
        break;
    }
  }

  private onGadget(msg: FromGadget): void {
    const m = this.members.get(msg.mid);
    if (!m) return;
    switch (msg.type) {
      case 'hello':
        this.hub.forget(m);
        this.toGadget(m.mid, { ffd: 1, type: 'connected' });
        break;
      case 'subscribe': {
        const error = this.hub.subscribe(m, String(msg.subId), String(msg.topic));
        this.toGadget(m.mid, { ffd: 1, type: 'subscribed', subId: String(msg.subId), ...(error ? { error } : {}) });
        break;
      }
      case 'unsubscribe':
        this.hub.unsubscribe(m, String(msg.subId));
        break;
      case 'publish': {
        const r = this.hub.publish(m, String(msg.topic), msg.data);
        if (typeof r === 'string') this.opts.onError({ mid: m.mid, title: m.title, message: `publish refused: ${r}` });
        break;
      }
      case 'setTitle':
        if (typeof msg.title === 'string') m.title = msg.title.slice(0, 200);
        break;
      case 'log':
        this.opts.onLog({
          mid: m.mid,
          title: m.title,
          level: msg.level,
          text: String(msg.text),
          ...(msg.source ? { source: msg.source } : {}),
        });
        break;
      case 'error':
        this.opts.onError({
          mid: m.mid,
          title: m.title,
          message: String(msg.message),
          ...(msg.source ? { source: msg.source } : {}),
          ...(msg.stack ? { stack: String(msg.stack) } : {}),
        });
        break;
    }
  }
}
