/**
 * What `simulate` says about its gadget desktop, in both modes (local Finesse, lab server).
 */
import { FINESSE_JS_HELP, type GadgetDesktop } from '../core/desktop/gadgetDesktop';

/** The stderr line when gadgets run but no finesse.js can be served; undefined when one can. */
export function finesseJsHint(desktop: GadgetDesktop): string | undefined {
  if (desktop.finesseJsPath() || !desktop.gadgets().length) return undefined;
  return `simulate: /desktop/assets/js/finesse.js: ${FINESSE_JS_HELP}`;
}
