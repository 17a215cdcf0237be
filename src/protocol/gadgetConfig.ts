/**
 * What /gadgets/ifr tells the gadgets.* runtime about the gadget it renders, as JSON in a
 * `<script type="application/json" id="ffd-gadget-config">` placed just before the runtime's
 * script (Shindig injects the same through gadgets.config.init, setDefaultPrefs_ and
 * setMessages_). Prefs values themselves come from the frame's own `up_*` URL parameters.
 */
export const GADGET_CONFIG_ID = 'ffd-gadget-config';

export interface GadgetRuntimeConfig {
  /** The module id (`mid=`), also in every message to the container. */
  mid: string;
  /** The spec's URL as the frame was asked for it. */
  specUrl: string;
  title: string;
  /** The view rendered (`default`, `home`, `canvas`…). */
  view: string;
  /** Features the gadget gets (required and optional ones the container has) → their Params. */
  features: Record<string, Record<string, string[]>>;
  /** UserPref defaults from the spec, used when the URL has no `up_NAME`. */
  defaultPrefs: Record<string, string>;
  /** The message bundle for the frame's locale (gadgets.Prefs.getMsg). */
  messages: Record<string, string>;
  lang: string;
  country: string;
  /** Where gadgets.io.makeRequest posts (Shindig's jsonProxyUrl). */
  makeRequestUrl: string;
  /** On an error page: what stopped the gadget (the server reported it through onProblem). */
  problem?: { message: string; line?: number };
}
