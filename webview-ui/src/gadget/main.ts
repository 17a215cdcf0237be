/**
 * The gadgets.* runtime that /gadgets/ifr loads into every gadget frame before any script of the
 * gadget (dist/gadget-runtime.js): Shindig's features as the Finesse desktop's container provides
 * them (core, settitle, dynamic-height, pubsub-2, setprefs, loadingindicator, views, rpc), over
 * postMessage to the container page (src/protocol/gadgetHub.ts). It also forwards the gadget's
 * console and errors to the container, and reloads the frame when the container asks.
 */
import { GADGET_CONFIG_ID, type GadgetRuntimeConfig } from '../../../src/protocol/gadgetConfig';
import { channel } from './channel';
import { forwardLog } from './gadgetLog';
import { makeIframeHubClient, HubError, type HubParams } from './hub';
import { makeIo } from './io';
import { makePrefs } from './prefs';
import { json, makeConfig, makeUtil } from './util';
import { makeLoadingIndicator, makeRpc, makeViews, makeWindow } from './window';

function readConfig(): GadgetRuntimeConfig {
  const el = document.getElementById(GADGET_CONFIG_ID);
  const parsed = el?.textContent ? (JSON.parse(el.textContent) as Partial<GadgetRuntimeConfig>) : {};
  return {
    mid: '0',
    specUrl: '',
    title: '',
    view: 'default',
    features: { core: {} },
    defaultPrefs: {},
    messages: {},
    lang: 'en',
    country: 'US',
    makeRequestUrl: '/gadgets/makeRequest',
    ...parsed,
  };
}

const runtimeUrl = (document.currentScript as HTMLScriptElement | null)?.src.split('?')[0] ?? '';
const config = readConfig();
const ch = channel(config.mid);
forwardLog(ch, runtimeUrl);
ch.on((m) => {
  if (m.type === 'reload') location.reload();
});

const warn = (m: string) => console.warn(m);
const util = makeUtil(config, warn);
const win = makeWindow(ch);
const IframeHubClient = makeIframeHubClient(ch, config.mid, warn);
const hubSettings: { params: HubParams; onConnect?: (...a: unknown[]) => unknown } = {
  params: {
    HubClient: {
      onSecurityAlert: (_source: unknown, alertType: unknown) =>
        console.error(`gadgets.Hub security alert: ${String(alertType)}`),
    },
    IframeHubClient: {},
  },
};

const gadgets: Record<string, unknown> = {
  util,
  json,
  config: makeConfig({
    'core.io': { jsonProxyUrl: config.makeRequestUrl, unparseableCruft: "throw 1; < don't be evil' >" },
    'core.util': config.features,
  }),
  Prefs: makePrefs(config, util.getUrlParameters()),
  io: makeIo({ proxyUrl: config.makeRequestUrl, urlParams: () => util.getUrlParameters(), ch, parseJson: json.parse }),
  window: win,
  views: makeViews(config, () => util.getUrlParameters(), warn),
  rpc: makeRpc(ch, win, warn),
  loadingindicator: makeLoadingIndicator(ch, config, (f) => util.registerOnLoadHandler(f), warn),
  HubSettings: hubSettings,
  log: Object.assign((m: unknown) => console.log(m), { INFO: 1, WARNING: 2, ERROR: 3, NONE: 4 }),
  warn: (m: unknown) => console.warn(m),
  error: (m: unknown) => console.error(m),
  setLogLevel() {},
};

const w = window as unknown as Record<string, unknown>;
w.gadgets = gadgets;
w.OpenAjax = { hub: { IframeHubClient, Error: HubError } };
// Shindig's legacy aliases, still found in older gadgets.
w._IG_AdjustIFrameHeight = win.adjustHeight;
w._IG_SetTitle = win.setTitle;

// On an error page (config.problem) the server has reported the problem already; the page only
// shows it and still reloads when the container asks. Its hello tells the container that this
// frame's earlier subscriptions (before a reload) are gone.
if (config.problem) ch.send({ type: 'hello' });
else if ('pubsub-2' in config.features) {
  util.registerOnLoadHandler(() => {
    try {
      const hub = new IframeHubClient(hubSettings.params);
      gadgets.Hub = hub;
      hub.connect(hubSettings.onConnect);
    } catch (e) {
      console.error(`ERROR creating or connecting IframeHubClient in gadgets.Hub [${(e as Error).message}]`);
    }
  });
}
