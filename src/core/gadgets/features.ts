/**
 * The gadget features this container provides (the gadgets.* runtime, webview-ui/src/gadget/),
 * by the names a spec's `<Require feature>` uses. A required feature outside this list stops the
 * gadget, as in Shindig ("Unsupported feature"); an optional one is left out and the gadget may
 * test `gadgets.util.hasFeature`.
 */
const SUPPORTED_FEATURES: ReadonlyMap<string, string> = new Map([
  ['core', 'gadgets.util, gadgets.json, gadgets.Prefs (get*), gadgets.io, gadgets.log/warn/error'],
  ['settitle', 'gadgets.window.setTitle'],
  ['dynamic-height', 'gadgets.window.adjustHeight, getHeight, getViewportDimensions'],
  ['pubsub-2', 'gadgets.Hub (OpenAjax IframeHubClient) and gadgets.HubSettings.onConnect'],
  ['setprefs', 'gadgets.Prefs set/setArray (kept in the frame)'],
  ['loadingindicator', 'gadgets.loadingindicator.dismiss, params manual-dismiss and loading-timeout'],
  ['views', 'gadgets.views: the current view and its params; navigation is not supported'],
  ['rpc', 'gadgets.rpc.register/call for the services above; others answer nothing'],
  ['locked-domain', 'accepted and ignored: every gadget shares the local Finesse origin, as in Finesse'],
  // Names Shindig splits core into; specs sometimes require them directly.
  ['core.io', 'gadgets.io'],
  ['core.json', 'gadgets.json'],
  ['core.prefs', 'gadgets.Prefs'],
  ['core.util', 'gadgets.util'],
  ['dynamic-height.height', 'gadgets.window.getHeight'],
]);

export function isSupportedFeature(name: string): boolean {
  return SUPPORTED_FEATURES.has(name);
}
