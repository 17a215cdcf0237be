/**
 * The desktop's side of the hub, as finesse.js's two master publishers do it inside the Finesse
 * desktop (clientservices/MasterPublisher and containerservices/MasterPublisher):
 *  - every Update from the desktop's XMPP connection is published on the node's topic
 *    (`/finesse/api/User/1001` → `finesse.api.User.1001`) as `{content: NODE + UpdateXml,
 *    object: xml2JsObj(UpdateXml)}`; an Update that does not convert is not published (as there);
 *  - `finesse.info.connection` carries `{status, resourceID}`; `ConnectionInfoReq` on
 *    `finesse.info.requests` is answered there with the request's `invokeID`;
 *  - `SubscribeNodeReq`/`UnsubscribeNodeReq` ({data: {node}, invokeID}) subscribe the node on the
 *    XMPP connection (XEP-0060 with the full JID) once for all requesters, with the same
 *    bookkeeping (subscribing, active, unsubscribing, holding), and are answered on
 *    `finesse.info.responses.INVOKEID` (nothing on success, `{error: {errorType, errorMessage}}`
 *    or `{subscribe: {content, object}}` on failure);
 *  - container services on `finesse.containerservices.requests`: ActiveTabReq (publishes the tab
 *    id on `finesse.containerservices.activeTab`), SetActiveTabReq, ReloadGadgetReq (published
 *    on `finesse.containerservices.reloadGadget`, which the desktop acts on by reloading that
 *    gadget's frame).
 */
import { nodeTopic } from './topics';
import { DESKTOP, Hub } from './hub';
import { xml2JsObj } from './xml2JsObj';

export interface ConnectionInfo {
  status: string;
  resourceID?: string;
}

/** What the publisher needs of the XMPP connection and of the page. */
export interface PublisherPorts {
  /** Subscribes the node on the XMPP connection: undefined on success, else the error XML. */
  subscribeNode(node: string): Promise<string | undefined>;
  unsubscribeNode(node: string): Promise<string | undefined>;
  activeTab(): string | undefined;
  activateTab(id: string): boolean;
  reloadGadget(mid: string): void;
  log(text: string): void;
}

export const TOPICS = {
  REQUESTS: 'finesse.info.requests',
  RESPONSES: 'finesse.info.responses',
  CONNECTION: 'finesse.info.connection',
  CS_REQUESTS: 'finesse.containerservices.requests',
  CS_ACTIVE_TAB: 'finesse.containerservices.activeTab',
  CS_RELOAD_GADGET: 'finesse.containerservices.reloadGadget',
} as const;

interface NodeBook {
  subscribing: Set<string>;
  active: Set<string>;
  unsubscribing: Set<string>;
  holding: Set<string>;
}

const NOT_CONNECTED = (what: 'subscribe' | 'unsubscribe') => ({
  error: { errorType: 'Not connected', errorMessage: `Cannot ${what} without connection.` },
});

export class MasterPublisher {
  private connInfo: Partial<ConnectionInfo> = {};
  private readonly nodesList = new Map<string, NodeBook>();
  private readonly unsubscribers: (() => void)[] = [];

  constructor(
    private readonly hub: Hub,
    private readonly ports: PublisherPorts,
  ) {
    this.unsubscribers.push(
      hub.subscribeDesktop(TOPICS.REQUESTS, (_t, data) => this.onRequest(data)),
      hub.subscribeDesktop(TOPICS.CS_REQUESTS, (_t, data) => this.onContainerRequest(data)),
      hub.subscribeDesktop(TOPICS.CS_RELOAD_GADGET, (_t, data) => {
        const id = (data as { gadgetId?: unknown } | undefined)?.gadgetId;
        if (id !== undefined && id !== null && id !== '') this.ports.reloadGadget(String(id));
      }),
    );
  }

  /** An Update arrived on `node` in the XMPP frame `frameId`: publish it as finesse.js does. */
  relayUpdate(node: string, updateXml: string, frameId?: number): void {
    let object: unknown;
    try {
      object = xml2JsObj(updateXml);
    } catch (e) {
      this.ports.log(
        `MasterPublisher: malformed event payload on ${node} (frame ${frameId ?? '?'}): ${(e as Error).message}`,
      );
      return;
    }
    this.hub.publish(DESKTOP, nodeTopic(node), { content: node + updateXml, object }, frameId);
  }

  /** The XMPP connection's status changed. */
  setConnection(info: ConnectionInfo): void {
    const before = this.connInfo.status;
    this.connInfo = { ...info };
    this.hub.publish(DESKTOP, TOPICS.CONNECTION, this.connInfoCopy());
    if (before === 'connected' && info.status !== 'connected') this.cleanupPending();
  }

  get connection(): Partial<ConnectionInfo> {
    return { ...this.connInfo };
  }

  close(): void {
    for (const u of this.unsubscribers.splice(0)) u();
  }

  private connInfoCopy(): Record<string, unknown> {
    return { status: this.connInfo.status, resourceID: this.connInfo.resourceID };
  }

  private respond(invokeID: unknown, data: unknown): void {
    this.hub.publish(DESKTOP, `${TOPICS.RESPONSES}.${String(invokeID)}`, data);
  }

  private onRequest(data: unknown): void {
    if (!isRequest(data)) return;
    switch (data.type) {
      case 'ConnectionInfoReq': {
        const copy = this.connInfoCopy();
        if (data.invokeID !== undefined) copy.invokeID = data.invokeID;
        this.hub.publish(DESKTOP, TOPICS.CONNECTION, copy);
        break;
      }
      case 'SubscribeNodeReq':
        if (typeof data.data.node === 'string') this.subscribeNode(data.data.node, String(data.invokeID));
        break;
      case 'UnsubscribeNodeReq':
        if (typeof data.data.node === 'string') this.unsubscribeNode(data.data.node, String(data.invokeID));
        break;
      case 'ConnectionReq':
        this.ports.log(
          'MasterPublisher: F403: Access denied. Non-master ClientService instances do not have the clearance level to make this request: makeConnectionReq',
        );
        break;
    }
  }

  private onContainerRequest(data: unknown): void {
    if (!isRequest(data)) return;
    switch (data.type) {
      case 'ActiveTabReq':
        this.hub.publish(DESKTOP, TOPICS.CS_ACTIVE_TAB, this.ports.activeTab());
        break;
      case 'SetActiveTabReq':
        if (typeof data.data.id === 'string' && !this.ports.activateTab(data.data.id))
          this.ports.log(`No tab found with id: ${data.data.id}`);
        break;
      case 'ReloadGadgetReq':
        this.hub.publish(DESKTOP, TOPICS.CS_RELOAD_GADGET, data.data);
        break;
    }
  }

  private book(node: string): NodeBook {
    let b = this.nodesList.get(node);
    if (!b) {
      b = { subscribing: new Set(), active: new Set(), unsubscribing: new Set(), holding: new Set() };
      this.nodesList.set(node, b);
    }
    return b;
  }

  private subscribeNode(node: string, subid: string): void {
    if (this.connInfo.status !== 'connected') return this.respond(subid, NOT_CONNECTED('subscribe'));
    const b = this.book(node);
    if (b.active.size) {
      b.active.add(subid);
      return this.respond(subid, undefined);
    }
    if (b.unsubscribing.size) return void b.holding.add(subid);
    const first = b.subscribing.size === 0;
    b.subscribing.add(subid);
    if (!first) return;
    this.ports.log(`MasterPublisher: subscribing to node '${node}'`);
    void this.ports.subscribeNode(node).then((err) => {
      const errObj = err === undefined ? undefined : this.errorObject(err);
      for (const id of [...b.subscribing]) {
        this.respond(id, errObj);
        if (err === undefined) b.active.add(id);
        b.subscribing.delete(id);
      }
    });
  }

  private unsubscribeNode(node: string, subid: string): void {
    const b = this.nodesList.get(node);
    if (!b) return this.respond(subid, undefined);
    if (this.connInfo.status !== 'connected') return this.respond(subid, NOT_CONNECTED('unsubscribe'));
    if (b.active.size > 1) {
      b.active.delete(subid);
      return this.respond(subid, undefined);
    }
    if (b.active.size !== 1) return this.respond(subid, undefined);
    b.unsubscribing.add(subid);
    b.active.clear();
    this.ports.log(`MasterPublisher: unsubscribing from node '${node}'`);
    void this.ports.unsubscribeNode(node).then((err) => {
      const errObj = err === undefined ? undefined : this.errorObject(err);
      for (const id of [...b.unsubscribing]) {
        this.respond(id, errObj);
        b.unsubscribing.delete(id);
      }
      if (err === undefined && b.holding.size)
        for (const id of [...b.holding]) {
          b.holding.delete(id);
          this.subscribeNode(node, id);
        }
    });
  }

  /** finesse.js's failure answer: the error XML and its conversion. */
  private errorObject(err: string): Record<string, unknown> {
    const out: Record<string, unknown> = { subscribe: { content: err } as Record<string, unknown> };
    try {
      (out.subscribe as Record<string, unknown>).object = xml2JsObj(err);
    } catch (e) {
      out.error = { errorType: 'parseError', errorMessage: `Could not serialize XML: ${(e as Error).message}` };
    }
    return out;
  }

  private cleanupPending(): void {
    const errObj = { error: { errorType: 'Disconnected', errorMessage: 'Outstanding request will never complete.' } };
    for (const b of this.nodesList.values()) {
      for (const id of b.subscribing) this.respond(id, errObj);
      for (const id of b.unsubscribing) this.respond(id, errObj);
    }
  }
}

function isRequest(data: unknown): data is { type: string; data: Record<string, unknown>; invokeID?: unknown } {
  const d = data as { type?: unknown; data?: unknown } | null;
  return !!d && typeof d === 'object' && typeof d.type === 'string' && typeof d.data === 'object' && d.data !== null;
}
