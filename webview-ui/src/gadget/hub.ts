/**
 * pubsub-2: gadgets.HubSettings and gadgets.Hub, an OpenAjax Hub 2.0 IframeHubClient whose
 * ManagedHub is the container page. As in Shindig, gadgets.Hub is created by an onload handler
 * and connects at once, calling HubSettings.onConnect when the container acknowledges. Semantics
 * are OpenAjax's: subscribe(topic, onData, scope, onComplete, subscriberData) returns the
 * subscription id and calls onData(topic, data, subscriberData) with `this` = scope; topics are
 * checked as OpenAjax checks them (`*` one token, `**` the rest, only last); published data goes
 * as JSON, as Shindig's rpc carries it.
 */
import type { ToGadget } from '../../../src/protocol/gadgetHub';
import type { Channel } from './channel';

type Fn = (...args: unknown[]) => unknown;

export const HubError = {
  BadConnect: 'OpenAjax.hub.Error.BadConnect',
  BadContainer: 'OpenAjax.hub.Error.BadContainer',
  BadParameters: 'OpenAjax.hub.Error.BadParameters',
  Disconnected: 'OpenAjax.hub.Error.Disconnected',
  Duplicate: 'OpenAjax.hub.Error.Duplicate',
  NoContainer: 'OpenAjax.hub.Error.NoContainer',
  NoSubscription: 'OpenAjax.hub.Error.NoSubscription',
  NotAllowed: 'OpenAjax.hub.Error.NotAllowed',
  WrongProtocol: 'OpenAjax.hub.Error.WrongProtocol',
  IncompatBrowser: 'OpenAjax.hub.Error.IncompatBrowser',
} as const;

function assertSubTopic(topic: unknown): void {
  if (!topic || typeof topic !== 'string') throw new Error(HubError.BadParameters);
  const path = topic.split('.');
  path.forEach((p, i) => {
    if (p === '' || (p.includes('*') && p !== '*' && p !== '**')) throw new Error(HubError.BadParameters);
    if (p === '**' && i < path.length - 1) throw new Error(HubError.BadParameters);
  });
}

function assertPubTopic(topic: unknown): void {
  if (
    !topic ||
    typeof topic !== 'string' ||
    topic.includes('*') ||
    topic.includes('..') ||
    topic.startsWith('.') ||
    topic.endsWith('.')
  )
    throw new Error(HubError.BadParameters);
}

interface Sub {
  cb: Fn;
  sc: unknown;
  d: unknown;
  uns?: boolean;
  onComplete?: Fn;
}

export interface HubParams {
  HubClient?: { onSecurityAlert?: Fn; scope?: unknown; log?: Fn };
  IframeHubClient?: Record<string, unknown>;
}

export function makeIframeHubClient(ch: Channel, mid: string, warn: (m: string) => void) {
  return class IframeHubClient {
    private connected = false;
    private readonly subs: Record<string, Sub> = {};
    private subIndex = 0;
    private onConnect?: { cb?: Fn; scope?: unknown };
    private readonly scope: unknown;

    constructor(private readonly params: HubParams) {
      if (!params || !params.HubClient || !params.HubClient.onSecurityAlert) throw new Error(HubError.BadParameters);
      this.scope = params.HubClient.scope || window;
      ch.on((m) => this.receive(m));
    }

    connect(onComplete?: Fn, scope?: unknown): void {
      if (this.connected || this.onConnect) throw new Error(HubError.Duplicate);
      this.onConnect = { cb: onComplete, scope };
      if (!ch.contained) warn('gadgets.Hub: this frame is not inside a container page, so the hub never connects');
      ch.send({ type: 'hello' });
    }

    disconnect(onComplete?: Fn, scope?: unknown): void {
      if (!this.connected) throw new Error(HubError.Disconnected);
      this.connected = false;
      for (const id of Object.keys(this.subs)) ch.send({ type: 'unsubscribe', subId: id });
      if (onComplete) queueMicrotask(() => this.call(onComplete, scope || window, [this, true]));
    }

    getClientID(): string {
      return mid;
    }

    getPartnerOrigin(): string | null {
      return this.connected ? location.origin : null;
    }

    isConnected(): boolean {
      return this.connected;
    }

    getScope(): unknown {
      return this.scope;
    }

    getParameters(): HubParams {
      return this.params;
    }

    subscribe(topic: string, onData: Fn, scope?: unknown, onComplete?: Fn, subscriberData?: unknown): string {
      this.assertConn();
      assertSubTopic(topic);
      if (!onData) throw new Error(HubError.BadParameters);
      const subId = String(this.subIndex++);
      this.subs[subId] = { cb: onData, sc: scope || window, d: subscriberData, onComplete };
      ch.send({ type: 'subscribe', subId, topic });
      return subId;
    }

    publish(topic: string, data: unknown): void {
      this.assertConn();
      assertPubTopic(topic);
      const json = JSON.stringify(data);
      ch.send({ type: 'publish', topic, data: json === undefined ? null : (JSON.parse(json) as unknown) });
    }

    unsubscribe(subscriptionID: string, onComplete?: Fn, scope?: unknown): void {
      this.assertConn();
      if (!subscriptionID) throw new Error(HubError.BadParameters);
      const sub = this.subs[subscriptionID];
      if (!sub || sub.uns) throw new Error(HubError.NoSubscription);
      sub.uns = true;
      ch.send({ type: 'unsubscribe', subId: subscriptionID });
      // The container does not acknowledge an unsubscribe; OpenAjax completes it asynchronously.
      queueMicrotask(() => {
        delete this.subs[subscriptionID];
        if (onComplete) this.call(onComplete, scope || window, [subscriptionID, true]);
      });
    }

    getSubscriberData(subscriptionID: string): unknown {
      this.assertConn();
      const sub = this.subs[subscriptionID];
      if (!sub) throw new Error(HubError.NoSubscription);
      return sub.d;
    }

    getSubscriberScope(subscriptionID: string): unknown {
      this.assertConn();
      const sub = this.subs[subscriptionID];
      if (!sub) throw new Error(HubError.NoSubscription);
      return sub.sc;
    }

    private receive(m: ToGadget): void {
      if (m.type === 'connected') {
        if (this.connected || !this.onConnect) return;
        this.connected = true;
        const { cb, scope } = this.onConnect;
        if (cb) this.call(cb, scope || window, [this, true]);
      } else if (m.type === 'subscribed') {
        const sub = this.subs[m.subId];
        if (!sub) return;
        if (m.error) delete this.subs[m.subId];
        if (sub.onComplete) this.call(sub.onComplete, sub.sc, [m.subId, !m.error, m.error ?? '']);
      } else if (m.type === 'deliver') {
        const sub = this.subs[m.subId];
        if (sub && !sub.uns) this.call(sub.cb, sub.sc, [m.topic, m.data, sub.d]);
      }
    }

    /** A gadget callback: its exception goes to the console (and so the log), as OpenAjax logs it. */
    private call(fn: Fn, scope: unknown, args: unknown[]): void {
      try {
        fn.apply(scope, args);
      } catch (e) {
        console.error(e);
      }
    }

    private assertConn(): void {
      if (!this.connected) throw new Error(HubError.Disconnected);
    }
  };
}
