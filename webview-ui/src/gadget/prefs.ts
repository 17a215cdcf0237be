/**
 * gadgets.Prefs (core.prefs, setprefs): one shared instance whatever `new` is called, values from
 * the frame's `up_*` URL parameters over the spec's defaults, getString HTML-escaped as in Shindig.
 * With setprefs, set/setArray change the values in this frame (finesse.js stores the desktop's
 * `authorization` there); the container is not told, so nothing credential-like leaves the frame.
 */
import type { GadgetRuntimeConfig } from '../../../src/protocol/gadgetConfig';
import { escapeString } from './util';

export function makePrefs(config: GadgetRuntimeConfig, urlParams: Record<string, string>) {
  const prefs: Record<string, unknown> = {};
  let lang = config.lang;
  let country = config.country;
  let moduleId: string = config.mid;
  for (const [k, v] of Object.entries(urlParams)) {
    if (k.startsWith('up_') && k.length > 3) prefs[k.slice(3)] = String(v);
    else if (k === 'country') country = v;
    else if (k === 'lang') lang = v;
    else if (k === 'mid') moduleId = v;
  }
  for (const [k, v] of Object.entries(config.defaultPrefs)) if (prefs[k] === undefined) prefs[k] = v;
  let messages: Record<string, string> = { ...config.messages };
  let esc: (s: string) => string = escapeString;
  const setprefs = 'setprefs' in config.features;

  const setInternal = (key: string | Record<string, unknown>, value?: unknown): boolean => {
    let modified = false;
    const entries = typeof key === 'string' ? [[key, value] as const] : Object.entries(key);
    for (const [k, v] of entries) {
      if (!Object.prototype.hasOwnProperty.call(prefs, k) || prefs[k] !== v) modified = true;
      prefs[k] = v;
    }
    return modified;
  };

  let instance: Prefs | undefined;
  class Prefs {
    constructor() {
      if (instance) return instance;
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- Shindig's singleton: every `new gadgets.Prefs()` is one object
      instance = this;
    }
    static setInternal_ = setInternal;
    static setMessages_(m: Record<string, string>) {
      messages = m;
    }
    static setDefaultPrefs_(d: Record<string, unknown>) {
      for (const [k, v] of Object.entries(d)) if (prefs[k] === undefined) prefs[k] = v;
    }
    getString(key: string): string {
      if (key === '.lang') key = 'lang';
      const v = prefs[key];
      return v ? esc(String(v)) : '';
    }
    setDontEscape_() {
      esc = (s) => s;
    }
    getInt(key: string): number {
      const v = parseInt(String(prefs[key]), 10);
      return isNaN(v) ? 0 : v;
    }
    getFloat(key: string): number {
      const v = parseFloat(String(prefs[key]));
      return isNaN(v) ? 0 : v;
    }
    getBool(key: string): boolean {
      const v = prefs[key];
      return v ? v === 'true' || v === true || !!parseInt(String(v), 10) : false;
    }
    getArray(key: string): string[] {
      const v = prefs[key];
      return v
        ? String(v)
            .split('|')
            .map((s) => esc(s.replace(/%7C/g, '|')))
        : [];
    }
    set(key: string | Record<string, unknown>, value?: unknown, ...more: unknown[]): void {
      if (!setprefs) throw new Error('setprefs feature required to make this call.');
      if (more.length && typeof key === 'string') {
        const obj: Record<string, unknown> = { [key]: value };
        for (let i = 0; i + 1 < more.length; i += 2) obj[String(more[i])] = more[i + 1];
        setInternal(obj);
      } else setInternal(key, value);
    }
    setArray(key: string, val: unknown[]): void {
      if (!setprefs) throw new Error('setprefs feature required to make this call.');
      this.set(key, val.map((v) => (typeof v === 'number' ? v : String(v).replace(/\|/g, '%7C'))).join('|'));
    }
    getMsg(key: string): string {
      return messages[key] || '';
    }
    getCountry(): string {
      return country;
    }
    getLang(): string {
      return lang;
    }
    getModuleId(): string {
      return moduleId;
    }
  }
  return Prefs;
}
