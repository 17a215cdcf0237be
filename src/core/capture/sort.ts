/**
 * The columns the frames list sorts by. Its own module, free of Node types, because the
 * webview shares these names through src/protocol.
 */
export type SortKey = 'time' | 'dir' | 'kind' | 'summary' | 'event' | 'size' | 'session';
export const SORT_KEYS: readonly SortKey[] = ['time', 'dir', 'kind', 'summary', 'event', 'size', 'session'];
export interface SortSpec {
  key: SortKey;
  descending?: boolean;
}
