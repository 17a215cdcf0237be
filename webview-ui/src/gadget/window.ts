/**
 * gadgets.window (dynamic-height, settitle), gadgets.loadingindicator, gadgets.views and the
 * gadgets.rpc subset: each one a message to the container (src/protocol/gadgetHub.ts) where
 * Shindig makes an rpc call.
 */
import type { GadgetRuntimeConfig } from '../../../src/protocol/gadgetConfig';
import type { Channel } from './channel';

type Fn = (...args: unknown[]) => unknown;

/** The document's content height: the lowest bottom edge in body, so a gadget can also shrink. */
function contentHeight(): number {
  const body = document.body;
  if (!body) return 0;
  let bottom = 0;
  for (const el of Array.from(body.children)) {
    const rect = el.getBoundingClientRect();
    if (!rect.height && !rect.width) continue;
    const margin = parseFloat(getComputedStyle(el).marginBottom) || 0;
    bottom = Math.max(bottom, rect.bottom + margin);
  }
  const style = getComputedStyle(body);
  const extra = (parseFloat(style.paddingBottom) || 0) + (parseFloat(style.marginBottom) || 0);
  return Math.ceil(bottom + window.scrollY + extra);
}

export function makeWindow(ch: Channel) {
  let oldHeight: number | undefined;
  const win = {
    adjustHeight(optHeight?: unknown) {
      let h = parseInt(String(optHeight), 10);
      const auto = isNaN(h);
      if (auto) h = win.getHeight();
      if (h !== oldHeight && !isNaN(h) && !(auto && h === 0)) {
        oldHeight = h;
        ch.send({ type: 'adjustHeight', height: h });
      }
    },
    getHeight: contentHeight,
    getWidth: () => document.documentElement.scrollWidth,
    getViewportDimensions: () => ({ width: window.innerWidth, height: window.innerHeight }),
    setTitle(title: unknown) {
      ch.send({ type: 'setTitle', title: String(title) });
    },
  };
  return win;
}

/** loadingindicator: shown until dismissed (manual-dismiss) or the gadget has loaded, at most loading-timeout s. */
export function makeLoadingIndicator(
  ch: Channel,
  config: GadgetRuntimeConfig,
  onLoad: (f: Fn) => void,
  warn: (m: string) => void,
) {
  const params = config.features.loadingindicator;
  let shown = false;
  const dismiss = () => {
    if (!shown) return;
    shown = false;
    ch.send({ type: 'loading', shown: false });
  };
  if (params) {
    shown = true;
    ch.send({ type: 'loading', shown: true });
    const manual = params['manual-dismiss']?.[0]?.trim() === 'true';
    const timeout = Number(params['loading-timeout']?.[0] ?? '10');
    if (!manual) onLoad(dismiss);
    if (timeout > 0)
      setTimeout(() => {
        if (!shown) return;
        warn(`gadgets.loadingindicator: not dismissed within loading-timeout (${timeout} s); dismissed`);
        dismiss();
      }, timeout * 1000);
  }
  return { dismiss };
}

export function makeViews(
  config: GadgetRuntimeConfig,
  urlParams: () => Record<string, string>,
  warn: (m: string) => void,
) {
  const ViewType = Object.fromEntries(
    ['CANVAS', 'HOME', 'PREVIEW', 'PROFILE', 'FULL_PAGE', 'DASHBOARD', 'POPUP'].map((v) => [v, v]),
  );
  const view = (name: string) => ({ getName: () => name, isOnlyVisibleGadget: () => false });
  return {
    ViewType,
    View: view,
    getCurrentView: () => view(config.view),
    getSupportedViews: () => ({ [config.view]: view(config.view) }),
    getParams(): Record<string, unknown> {
      const raw = urlParams()['view-params'];
      if (!raw) return {};
      try {
        return JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return {};
      }
    },
    requestNavigateTo(target: unknown) {
      warn(
        `gadgets.views.requestNavigateTo(${JSON.stringify(target)}): the container renders one view per gadget; not navigated`,
      );
    },
  };
}

/** gadgets.rpc, no-op-safe: the services Shindig's features call map to the protocol's messages. */
export function makeRpc(ch: Channel, win: ReturnType<typeof makeWindow>, warn: (m: string) => void) {
  const services: Record<string, Fn> = {};
  const warned = new Set<string>();
  return {
    register(service: string, handler: Fn) {
      services[service] = handler;
    },
    unregister(service: string) {
      delete services[service];
    },
    registerDefault() {},
    unregisterDefault() {},
    call(_target: unknown, service: string, _callback: unknown, ...args: unknown[]) {
      if (service === 'resize_iframe') return win.adjustHeight(args[0]);
      if (service === 'set_title') return win.setTitle(args[0]);
      if (service === 'set_pref') return;
      if (!warned.has(service)) {
        warned.add(service);
        warn(`gadgets.rpc.call(${service}): the container has no such service; not called`);
      }
    },
    setupReceiver() {},
    removeReceiver() {},
    getRelayUrl: () => undefined,
    setRelayUrl() {},
    setAuthToken() {},
    getReceiverOrigin: () => location.origin,
    config() {},
    forceParentVerifiable() {},
    RPC_ID: (ch.contained && window.name) || 'gadget',
  };
}
