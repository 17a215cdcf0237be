/**
 * activate(): wires the thin VS Code layer to the core and nothing else. It creates the one
 * FrameStore every view reads, the live-session registry and the log, then lets each feature
 * register its commands. Features load their heavy parts (ws, the session, the proxy, the panel's
 * webview host) on first use, so activation only defines commands and one status bar item.
 */
import * as vscode from 'vscode';
import { DEFAULT_CAPACITY, FrameStore } from './core/capture/frameStore';
import { LiveSessionRegistry } from './core/capture/liveSession';
import type { Services } from './vscode/services';
import * as connection from './vscode/connection';
import * as intercept from './vscode/intercept';
import * as panel from './vscode/panel';
import * as proxy from './vscode/proxy';
import * as status from './vscode/status';
import * as sessions from './vscode/sessions';
import * as timeline from './vscode/timeline';
import * as simulator from './vscode/simulator';
import * as gadget from './vscode/gadget';
import { startLabDesktop } from './vscode/gadget/labDesktop';
import * as sessionsView from './vscode/sessionsView';
import { GateSlot } from './vscode/intercept/gateSlot';
import { PanelHookSlot } from './vscode/panel/hooks';
import { StanzaSelection } from './vscode/panel/selection';

/** What activate() returns: the services tests and scripts drive the extension through. */
export interface FinesseApi {
  store: FrameStore;
  live: LiveSessionRegistry;
  /** Time spent in activate(), performance.now() based. */
  activationMs: number;
  connections: connection.Connections;
  proxies: proxy.Proxies;
  /** The Sessions tree view (its entries, for tests) and what selecting one showed. */
  sessions: sessionsView.SessionsView;
  onDidShowSession: typeof sessionsView.onDidShowSession;
  /** Gadget debugging: the gadgets' log lines, a debug session's desktop. */
  gadgets: gadget.GadgetDebugging;
}

let stopping: (() => Promise<unknown>) | undefined;

function storeCapacity(): number {
  const n = vscode.workspace.getConfiguration('finesse').get<number>('store.capacity', DEFAULT_CAPACITY);
  return Number.isInteger(n) && n >= 1000 ? Math.min(n, 5_000_000) : DEFAULT_CAPACITY;
}

/** `finesse.store.maxBytes` (MB in the setting): payload bytes kept in memory. */
function storeMaxBytes(): number {
  const mb = vscode.workspace.getConfiguration('finesse').get<number>('store.maxBytes', 256);
  return (Number.isFinite(mb) && mb >= 16 ? Math.min(mb, 65_536) : 256) * 1024 * 1024;
}

export function activate(context: vscode.ExtensionContext): FinesseApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Finesse', { log: true });
  context.subscriptions.push(log);
  const capacity = storeCapacity();
  const store = new FrameStore(capacity, { maxBytes: storeMaxBytes() });
  const live = new LiveSessionRegistry();
  const services: Services = {
    context,
    store,
    live,
    log,
    interceptGate: new GateSlot(),
    panelHooks: new PanelHookSlot(),
    selection: new StanzaSelection(),
  };

  const connections = new connection.Connections(services);
  const proxies = new proxy.Proxies(services);
  proxies.setGate(services.interceptGate); // intercept plugs its Interceptor in behind this slot on first use
  const sessionsTree = sessionsView.register(services, connections);
  const localFinesse = new simulator.LocalFinesse();
  const gadgets = gadget.register(services, localFinesse, startLabDesktop);
  context.subscriptions.push(
    connections,
    proxies,
    ...connection.register(services, connections),
    ...proxy.register(services, proxies),
    ...status.register(services, connections, proxies),
    ...panel.register(services),
    ...sessions.register(services),
    ...intercept.register(services),
    ...timeline.register(services),
    ...simulator.register(services, localFinesse),
    ...gadgets.disposables,
    ...sessionsTree.disposables,
  );
  // Menus and the command palette offer Pause and the like only while a proxy runs or a session is live.
  const onProxies = () =>
    void vscode.commands.executeCommand('setContext', 'finesse.proxyRunning', proxies.list().length > 0);
  context.subscriptions.push(proxies.onDidChange(onProxies));
  // Disconnect is offered only while a Connect session exists (connecting, online or retrying).
  const onConnections = () =>
    void vscode.commands.executeCommand('setContext', 'finesse.connected', connections.list().length > 0);
  context.subscriptions.push(connections.onDidChange(onConnections));
  stopping = () => Promise.all([connections.stopAll(), proxies.stopAll()]);

  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms (store capacity ${capacity} frames)`);
  return {
    store,
    live,
    activationMs,
    connections,
    proxies,
    sessions: sessionsTree.view,
    onDidShowSession: sessionsView.onDidShowSession,
    gadgets: gadgets.api,
  };
}

/** Sessions say <close/> and proxies close their clients before the host goes away. */
export async function deactivate(): Promise<void> {
  await stopping?.();
  stopping = undefined;
}
