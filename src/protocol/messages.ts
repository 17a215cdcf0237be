/**
 * The typed messages between the extension host and the frames webview (one module shared by
 * both bundles, as in vscode-hexeditor). Only types and plain constants live here: the webview
 * bundle imports nothing from the host at run time.
 *
 * Conversation:
 *   webview → `ready {filter}`            host → `init` (config, counts; the filter applied)
 *   webview → `getRows {requestId,…}`     host → `rows {requestId,…}`      (a range of the view)
 *   webview → `getDetail {requestId,…}`   host → `detail {requestId,…}`
 *   webview → `setFilter {requestId,…}`   host → `filtered {requestId,…}`
 *   host → `changed` (appends/evictions, batched), `reset` (view replaced), `updated` (rows
 *   changed in place), `config` (toolbar/actions changed), `reveal` (select a frame).
 * The webview mirrors only the counts and the rows it shows; host messages are applied in the
 * order they were sent, so a `rows` answer always fits the counts received before it.
 */
import type { Direction, FrameFlags, FrameKind, FrameNote } from '../core/capture/frame';
import type { FilterSpec } from '../core/capture/filter';
import type { FrameRow } from '../core/capture/rows';
import type { SortKey, SortSpec } from '../core/capture/sort';

export type { FrameKind, FrameNote, FilterSpec, SortKey, SortSpec };
/** A row as the list gets it: the frame row plus where the search matches its text. */
export type RowDto = FrameRow & {
  /** [start, end) of search matches in `summary` and `label`. */
  marks?: { summary?: [number, number][]; label?: [number, number][] };
  /** ms since the first frame of the row's session (the relative time column). */
  sinceStart?: number;
  /** The session's label once the store knows one (the agent's JID, `proxy ADDR`), else absent. */
  sessionLabel?: string;
  /** A held frame: why, and what waits behind it (intercept's FrameActions.holdNote). */
  hold?: HoldNote;
};

/** What a held frame's row says beside its HELD badge. */
export interface HoldNote {
  /** e.g. `b1 · 19 waiting behind`, `waits behind b1 #12`, `b1 · the rest passes`. */
  text: string;
  /** The same in a sentence, for the tooltip. */
  title: string;
  /** ms to the automatic forward when the row was sent; absent while no clock runs. */
  autoForwardMs?: number;
}

/** How the list's columns look; kept per workspace by the host. */
export interface ColumnPrefs {
  /** Column widths in px set by dragging a header edge. */
  widths?: Record<string, number>;
  /** The optional Session column is shown. */
  session?: boolean;
  /** Time column: clock time, +ms since the previous row, or since the session started. */
  time?: 'clock' | 'previous' | 'start';
}

/** Intercept operations on a frame (intercept's FrameActions perform them). */
export type FrameAction = 'forward' | 'drop' | 'edit' | 'resend' | 'resendOriginal' | 'compare';
export const FRAME_ACTIONS: readonly FrameAction[] = ['forward', 'drop', 'edit', 'resend', 'resendOriginal', 'compare'];

/** A toolbar toggle the host adds (e.g. intercept's Pause/Resume). */
export interface ToolbarToggle {
  id: string;
  label: string;
  /** Tooltip. */
  title?: string;
  checked: boolean;
}

export interface PanelConfig {
  readOnly: boolean;
  /** Toolbar toggles, in order. */
  toggles: ToolbarToggle[];
  /** The Clear button is shown (live store, not read-only). */
  canClear: boolean;
  /** Start following new frames (live capture) or at the top (a saved session). */
  follow: boolean;
}

export interface ViewCounts {
  /** Rows in the filtered view. */
  total: number;
  /** Frames in the store. */
  size: number;
  /** Fraction of the store the current filter scan has decided (1 = done). */
  progress: number;
}

/** What the detail pane shows of one frame. */
export interface DetailDto {
  id: number;
  session: string;
  sessionLabel?: string;
  dir: Direction;
  kind: FrameKind;
  t: number;
  bytes: number;
  flags: FrameFlags;
  summary: string;
  label?: string;
  /** Raw text; a SASL payload is masked unless the request asked to reveal it. */
  raw: string;
  /** The raw text holds a masked credential (offer Reveal). */
  masked: boolean;
  /** Pretty-printed XML of `raw`, when it parses. */
  pretty?: string;
  /** `apiError · Invalid State — Cannot change state…` lines of a Finesse apiErrors Update. */
  apiErrors?: string[];
  /** The user's star and comment; `notes` says whether they can be changed here. */
  note?: FrameNote;
  notes: boolean;
  /** Parse error of a malformed frame. */
  error?: string;
  /** The decoded Finesse Update, as its own document. */
  update?: { label?: string; xml: string; error?: string };
  /**
   * A hub frame's publish (kind `hub`): topic, publisher, receivers and the id of the XMPP frame
   * it relays (`pretty` then holds the payload as indented JSON).
   */
  hub?: { topic: string; from: string; to: string[]; causedBy?: number };
  /** Text as first captured, when an intercept edit replaced it. */
  original?: string;
  /** Intercept actions the host offers for this frame now. */
  actions: FrameAction[];
  /** Why a view is limited for this frame (e.g. nesting too deep to indent). */
  notice?: string;
}

/** A view of the detail pane: raw text, pretty XML, decoded Update, pre-edit original. */
export type CopyWhat = 'raw' | 'pretty' | 'update' | 'original';

// ---- host → webview ------------------------------------------------------------------------

export type ToWebview =
  | {
      type: 'init';
      config: PanelConfig;
      filter: FilterSpec;
      filterError?: string;
      counts: ViewCounts;
      selectedIndex: number;
      sort?: SortSpec;
      columns?: ColumnPrefs;
    }
  | { type: 'config'; config: PanelConfig }
  | { type: 'changed'; appended: number; removed: number; counts: ViewCounts }
  | { type: 'reset'; counts: ViewCounts; selectedIndex: number; keepScroll?: boolean }
  /** The host set a filter (e.g. the Sessions view selected a session). */
  | { type: 'filterSet'; filter: FilterSpec; filterError?: string; counts: ViewCounts; selectedIndex: number }
  | { type: 'updated'; rows: { index: number; row: RowDto }[] }
  /** Select the frame at `index`; -1: the frame asked for is not in the view (filtered out, evicted). */
  | { type: 'reveal'; id: number; index: number }
  | RowsResponse
  | DetailResponse
  | FilteredResponse
  | ErrorResponse;

interface RowsResponse {
  type: 'rows';
  requestId: number;
  start: number;
  rows: RowDto[];
  counts: ViewCounts;
}
export interface DetailResponse {
  type: 'detail';
  requestId: number;
  /** Absent when the frame was evicted meanwhile. */
  detail?: DetailDto;
  /** [start, end) of search matches in the detail's raw and pretty text. */
  marks?: { raw?: [number, number][]; pretty?: [number, number][] };
}
interface FilteredResponse {
  type: 'filtered';
  requestId: number;
  /** The query did not compile; the previous filter stays. */
  error?: string;
  counts: ViewCounts;
  /** Row of the frame selected before, in the new view (-1: filtered out). */
  selectedIndex: number;
}
interface ErrorResponse {
  type: 'error';
  requestId: number;
  message: string;
}

// ---- webview → host ------------------------------------------------------------------------

export type FromWebview =
  | { type: 'ready'; filter?: FilterSpec; selectedId?: number; sort?: SortSpec }
  | GetRowsRequest
  | GetDetailRequest
  | SetFilterRequest
  | { type: 'select'; id: number | undefined }
  | { type: 'copy'; id: number; what: CopyWhat; reveal?: boolean }
  | { type: 'action'; action: FrameAction; frameId: number }
  | { type: 'toggle'; id: string }
  | { type: 'clear' }
  | SetSortRequest
  | { type: 'columns'; columns: ColumnPrefs }
  /** Star or comment a frame (live store only; kept in saved sessions). */
  | { type: 'note'; id: number; note: FrameNote }
  /** Select another frame by id (a link in the detail pane); answered by `reveal`, index -1 when not listed. */
  | { type: 'goto'; id: number };

interface GetRowsRequest {
  type: 'getRows';
  requestId: number;
  start: number;
  count: number;
}
interface GetDetailRequest {
  type: 'getDetail';
  requestId: number;
  id: number;
  reveal?: boolean;
}
interface SetFilterRequest {
  type: 'setFilter';
  requestId: number;
  filter: FilterSpec;
  selectedId?: number;
}

/** Sort the view by a column (undefined: capture order); answered by `filtered`. */
interface SetSortRequest {
  type: 'setSort';
  requestId: number;
  sort?: SortSpec;
  selectedId?: number;
}

export type WebviewRequest = GetRowsRequest | GetDetailRequest | SetFilterRequest | SetSortRequest;

/** The answer type of each request, for a typed request() helper. */
export interface ResponseOf {
  getRows: RowsResponse;
  getDetail: DetailResponse;
  setFilter: FilteredResponse;
  setSort: FilteredResponse;
}

/** Most rows one getRows answers (a screen is ~50; the list asks a window around it). */
export const MAX_ROWS_PER_REQUEST = 500;

/** The webview's persisted state (vscode.setState), restored after reload by the serializer. */
export interface WebviewState {
  filter?: FilterSpec;
  selectedId?: number;
  detailTab?: CopyWhat;
  detailOpen?: boolean;
  sort?: SortSpec;
}
