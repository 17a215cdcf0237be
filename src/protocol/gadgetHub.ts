/**
 * Messages between a gadget's frame (the gadgets.* runtime injected by /gadgets/ifr) and the
 * gadget desktop's container page, over `postMessage` (both are served from the local Finesse's
 * origin; each side checks `event.origin === location.origin` and the `ffd` tag). This is the
 * rpc that Shindig's pubsub-2 feature carries between an IframeHubClient and the ManagedHub.
 *
 *   gadget → `hello {mid}`                      container → `connected`  (HubSettings.onConnect)
 *   gadget → `subscribe {subId, topic}`         container → `subscribed {subId, error?}`
 *   gadget → `publish {topic, data}`            container → `deliver {subId, topic, data}` to each
 *                                                            matching subscription (OpenAjax
 *                                                            wildcards `*` one token, `**` the rest)
 *   gadget → `unsubscribe {subId}`
 *   gadget → `setTitle`, `adjustHeight`, `loading` (gadgets.window, loadingindicator)
 *   gadget → `log {level, text, source?}`, `error {message, source?, stack?}` (console.*,
 *            window.onerror/unhandledrejection, a makeRequest the server never answered): the
 *            gadget's log. What the server itself refuses (a spec error, a missing feature, a
 *            makeRequest off the REST host) reaches the container through the server's
 *            onProblem instead, so the frame does not send it a second time.
 *   container → `reload` (live reload of this frame only)
 */

/** Where a log line or error comes from in the gadget's own files. */
export interface GadgetSource {
  url: string;
  line: number;
  column?: number;
}

export type GadgetLogLevel = 'debug' | 'log' | 'info' | 'warn' | 'error';

interface Tagged {
  ffd: 1;
  /** The gadget's module id (the `mid` of /gadgets/ifr). */
  mid: string;
}

export type FromGadget = Tagged &
  (
    | { type: 'hello' }
    | { type: 'subscribe'; subId: string; topic: string }
    | { type: 'unsubscribe'; subId: string }
    | { type: 'publish'; topic: string; data: unknown }
    | { type: 'setTitle'; title: string }
    | { type: 'adjustHeight'; height: number }
    | { type: 'loading'; shown: boolean }
    | { type: 'log'; level: GadgetLogLevel; text: string; source?: GadgetSource }
    | { type: 'error'; message: string; source?: GadgetSource; stack?: string }
  );

export type ToGadget = { ffd: 1 } & (
  | { type: 'connected' }
  | { type: 'subscribed'; subId: string; error?: string }
  | { type: 'deliver'; subId: string; topic: string; data: unknown }
  | { type: 'reload' }
);

export function isFromGadget(v: unknown): v is FromGadget {
  return (
    !!v &&
    typeof v === 'object' &&
    (v as { ffd?: unknown }).ffd === 1 &&
    typeof (v as { mid?: unknown }).mid === 'string'
  );
}

export function isToGadget(v: unknown): v is ToGadget {
  return (
    !!v &&
    typeof v === 'object' &&
    (v as { ffd?: unknown }).ffd === 1 &&
    typeof (v as { type?: unknown }).type === 'string'
  );
}
