/**
 * The source map served for the gadgets.* runtime, with every source on DevTools' ignore list:
 * the runtime wraps console.* to forward each call to the container, and with its frames
 * ignore-listed DevTools shows the call at the gadget's own line, as it would without the
 * wrapper. A build without a map (the packaged extension) gets a map of the file onto itself,
 * which is enough for DevTools to ignore-list it.
 */

/** The built map with `ignoreList` (and Chrome's older `x_google_ignoreList`) naming every source. */
export function ignoreListed(mapText: string): string {
  try {
    const m = JSON.parse(mapText) as { sources?: unknown[] } & Record<string, unknown>;
    const all = (m.sources ?? []).map((_, i) => i);
    return JSON.stringify({ ...m, ignoreList: all, x_google_ignoreList: all });
  } catch {
    return mapText;
  }
}

/** A map of `code` onto itself, line for line, ignore-listed. */
export function identityMap(code: string, name: string): string {
  const lines = code.split('\n').length;
  // Each line's first segment: column 0 of the same line of source 0 ("AACA" = next line).
  const mappings = Array.from({ length: lines }, (_, i) => (i === 0 ? 'AAAA' : 'AACA')).join(';');
  return JSON.stringify({
    version: 3,
    file: name,
    sources: [`${name} (container runtime)`],
    sourcesContent: [code],
    names: [],
    mappings,
    ignoreList: [0],
    x_google_ignoreList: [0],
  });
}
