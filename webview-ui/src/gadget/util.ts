/**
 * gadgets.util, gadgets.json, gadgets.config and gadgets.log/warn/error, following Shindig's
 * core.util.*, core.json (json-native), core.config.base and core.log.
 */
import type { GadgetRuntimeConfig } from '../../../src/protocol/gadgetConfig';

type Fn = (...args: unknown[]) => unknown;

/** Characters Shindig's escapeString turns into `&#N;` (0 is dropped). */
const ESCAPED = new Set([10, 13, 34, 39, 60, 62, 92, 8232, 8233, 65282, 65287, 65308, 65310]);

export function escapeString(str: string): string {
  if (!str) return str;
  let out = '';
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    if (ch === 0) continue;
    out += ESCAPED.has(ch) ? `&#${ch};` : str.charAt(i);
  }
  return out;
}

function unescapeString(str: string): string {
  if (!str) return str;
  return str.replace(/&#([0-9]+);/g, (_m, v: string) => String.fromCharCode(Number(v)));
}

/** getUrlParameters: the query and the hash (hash after), `+` as space, undecodable values skipped. */
function urlParameters(url: string): Record<string, string> {
  const q = url.indexOf('?');
  const h = url.indexOf('#');
  const query = h === -1 ? url.slice(q + 1) : `${url.slice(q + 1, h)}&${url.slice(h + 1)}`;
  const parsed: Record<string, string> = {};
  for (const pair of query.split('&')) {
    const pos = pair.indexOf('=');
    if (pos === -1) continue;
    try {
      parsed[pair.slice(0, pos)] = decodeURIComponent(pair.slice(pos + 1).replace(/\+/g, ' '));
    } catch {
      // Undecodable value: ignored, as in Shindig.
    }
  }
  return parsed;
}

export function makeUtil(config: GadgetRuntimeConfig, warn: (m: string) => void) {
  let params: Record<string, string> | undefined;
  let onLoad: Fn[] | undefined = [];
  const util = {
    getUrlParameters(url?: string): Record<string, string> {
      if (url !== undefined) return urlParameters(url);
      return (params ??= urlParameters(document.location.href));
    },
    makeClosure(scope: unknown, callback: Fn, ...base: unknown[]) {
      return (...more: unknown[]) => callback.apply(scope, [...base, ...more]);
    },
    makeEnum(values: string[]): Record<string, string> {
      const obj: Record<string, string> = {};
      for (const v of values) obj[v] = v;
      return obj;
    },
    registerOnLoadHandler(callback: Fn) {
      if (onLoad) onLoad.push(callback);
      else callback();
    },
    runOnLoadHandlers() {
      const handlers = onLoad;
      onLoad = undefined;
      for (const h of handlers ?? []) {
        try {
          h();
        } catch (e) {
          warn(`Could not fire onloadhandler ${(e as Error).message}`);
        }
      }
    },
    escape(input: unknown, escapeObjects?: boolean): unknown {
      if (!input) return input;
      if (typeof input === 'string') return escapeString(input);
      if (Array.isArray(input)) return input.map((x) => util.escape(x));
      if (typeof input === 'object' && escapeObjects) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(input)) out[escapeString(k)] = util.escape(v, true);
        return out;
      }
      return input;
    },
    escapeString,
    unescapeString,
    hasFeature: (feature: string) => feature in config.features,
    getFeatureParameters: (feature: string) => config.features[feature] ?? null,
    getServices: () => ({}),
    isDebug: () => false,
    shouldPollXhrReadyStateChange: () => false,
    trim: (s: string) => String(s).trim(),
    attachBrowserEvent(el: EventTarget, type: string, fn: EventListener, capture?: boolean) {
      el.addEventListener(type, fn, capture);
    },
    removeBrowserEvent(el: EventTarget, type: string, fn: EventListener, capture?: boolean) {
      el.removeEventListener(type, fn, capture);
    },
    getOrigin(url: string): string | null {
      try {
        return new URL(url, location.href).origin;
      } catch {
        return null;
      }
    },
  };
  // Shindig runs onload handlers from a script at the end of body; these are the fallbacks.
  document.addEventListener('DOMContentLoaded', () => util.runOnLoadHandlers());
  window.addEventListener('load', () => util.runOnLoadHandlers());
  return util;
}

/** gadgets.json: JSON that answers false on a parse error and null when stringify fails. */
export const json = {
  parse(str: string): unknown {
    try {
      return JSON.parse(str);
    } catch {
      return false;
    }
  },
  stringify(obj: unknown): string | null {
    try {
      return JSON.stringify(obj, (k, v: unknown) => (/___$/.test(k) ? undefined : v));
    } catch {
      return null;
    }
  },
};

/** gadgets.config: the container's configuration per feature, and callbacks for it. */
export function makeConfig(initial: Record<string, unknown>) {
  const values: Record<string, unknown> = { ...initial };
  return {
    register(feature: string, _validators: unknown, callback?: (c: Record<string, unknown>) => void) {
      // Configuration is complete before any gadget script runs, so a callback runs at once.
      if (callback) callback(values);
    },
    get(feature?: string): unknown {
      return feature ? (values[feature] ?? {}) : values;
    },
    init(config: Record<string, unknown>) {
      Object.assign(values, config);
    },
  };
}
