/**
 * The host side of the frames webview, without vscode: answers the webview's requests from a
 * FilteredIndex over any FrameStore and pushes batched change notices. FramesView wires it to a
 * vscode.Webview; the webview tests wire the same class to a page in Chromium, so the protocol
 * is exercised end to end by the real code.
 */
import { followPaced } from '../../core/capture/pacedFollow';
import type { Frame, FrameNote } from '../../core/capture/frame';
import { MAX_NOTE } from '../../core/recording/format';
import type { FrameStore } from '../../core/capture/frameStore';
import type { FilterSpec } from '../../core/capture/filter';
import { FilteredIndex } from '../../core/capture/filterIndex';
import { highlighter, Marks } from '../../core/capture/filter';
import type { FrameActions, ToolbarSource } from '../../protocol/actions';
import {
  ColumnPrefs,
  FRAME_ACTIONS,
  FrameAction,
  FromWebview,
  MAX_ROWS_PER_REQUEST,
  PanelConfig,
  RowDto,
  ToWebview,
  ViewCounts,
} from '../../protocol/messages';
import { buildDetail, copyText } from './detail';
import { Correlator } from '../../core/finesse/correlation';
import { exchangeText, linkRow } from './rowLinks';

export interface FramesHostOptions {
  /** A saved session: no clear, no intercept actions, starts at the top. */
  readOnly?: boolean;
  actions?: FrameActions;
  toolbar?: ToolbarSource;
  post(message: ToWebview): unknown;
  copy(text: string): unknown;
  /** The user selected a frame (drives the Stanza tree). */
  onSelect?(frame: Frame | undefined): void;
  /** Something went wrong handling a message; the webview gets an error answer too. */
  onError?(error: unknown): void;
  /** How often appends are announced to the webview (ms). */
  noticeMs?: number;
  /** Where the list's column widths and options are kept (VS Code: the workspace state). */
  columns?: { get(): ColumnPrefs | undefined; set(prefs: ColumnPrefs): unknown };
  /** How long after a call without requestId an Update may be guessed to be its effect (0: never). */
  guessWindowMs?: number;
  /** How long after a call an Update echoing its requestId is still linked to it. */
  requestIdWindowMs?: number;
}

export class FramesHost {
  readonly index: FilteredIndex;
  private ready = false;
  private pendingAppended = 0;
  private pendingRemoved = 0;
  private pendingUpdated = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  /** Reset caused by our own setFilter, answered by `filtered` instead. */
  private ownReset = false;
  private actions: FrameActions | undefined;
  private toolbar: ToolbarSource | undefined;
  private hookSubscriptions: { dispose(): void }[] = [];
  private disposed = false;
  /** The webview's selection, to find it again after the view is rebuilt. */
  private selectedId: number | undefined;
  private readonly noticeMs: number;
  /** Links REST calls and their Updates (row labels, highlight, the exchange in the detail). */
  private readonly correlation: Correlator;
  private readonly unfollowCorrelation: () => void;
  /** The store grew or shrank outside the view: "N of M" must still count M. */
  private sizeChanged = false;
  /** The host set the filter before the webview was ready: it wins over the webview's restored one. */
  private hostFilter = false;
  /** Search highlighting for the current filter text. */
  private marker: ((s: string) => Marks) | undefined;

  constructor(
    private readonly store: FrameStore,
    private readonly opts: FramesHostOptions,
  ) {
    this.noticeMs = opts.noticeMs ?? 40;
    this.index = new FilteredIndex(store);
    this.index.on('change', this.onChange);
    this.index.on('reset', this.onReset);
    this.index.on('update', this.onUpdate);
    this.index.on('idle', this.schedule);
    this.setActions(opts.actions);
    this.setToolbar(opts.toolbar);
    this.correlation = new Correlator({
      guessWindowMs: opts.guessWindowMs,
      requestIdWindowMs: opts.requestIdWindowMs,
      onChange: (call) => {
        this.pendingUpdated.add(call.request);
        if (call.response !== undefined) this.pendingUpdated.add(call.response);
        this.schedule();
      },
    });
    // Behind forwarding during a flood: the correlation parses each Update naming a requestId.
    this.unfollowCorrelation = followPaced(
      store,
      (frames) => this.correlation.observe(frames),
      () => this.correlation.clear(),
    );
    store.on('append', this.onStoreSize);
    store.on('evict', this.onStoreSize);
    store.on('session', this.onSession);
  }

  /** The session label each session's rows went to the webview with. */
  private readonly sentLabels = new Map<string, string | undefined>();
  /** A session got another label (a bound JID): the rows shown are fetched again to show it. */
  private onSession = (info: { id: string; label: string }): void => {
    if (!this.sentLabels.has(info.id) || this.sentLabels.get(info.id) === info.label || !this.ready) return;
    this.sentLabels.delete(info.id);
    this.post({ type: 'reset', counts: this.counts(), selectedIndex: this.selectedIndex(), keepScroll: true });
  };

  /**
   * Sets the filter from outside the webview (the Sessions view selecting a session); the
   * webview shows the new query in its filter bar.
   */
  setFilter(spec: FilterSpec): { ok: true } | { ok: false; error: string } {
    const r = this.applyFilter(spec);
    if (!this.ready) this.hostFilter = true;
    if (this.ready) {
      const m: ToWebview = {
        type: 'filterSet',
        filter: this.index.filterSpec,
        counts: this.counts(),
        selectedIndex: this.selectedIndex(),
      };
      if (!r.ok) m.filterError = r.error;
      this.post(m);
      this.schedule();
    }
    return r;
  }

  private applyFilter(spec: FilterSpec): { ok: true } | { ok: false; error: string } {
    this.ownReset = true;
    try {
      const r = this.index.setFilter(spec);
      this.marker = r.ok ? highlighter(spec.text ?? '') : undefined;
      this.clearPending();
      return r;
    } finally {
      this.ownReset = false;
    }
  }

  private onStoreSize = (): void => {
    this.sizeChanged = true;
    this.schedule();
  };

  /** Intercept hooks may arrive after the panel opened. */
  setActions(actions: FrameActions | undefined): void {
    this.actions = this.opts.readOnly ? undefined : actions;
    this.resubscribe();
    this.postConfig();
  }

  setToolbar(toolbar: ToolbarSource | undefined): void {
    this.toolbar = toolbar;
    this.resubscribe();
    this.postConfig();
  }

  /** Selects a frame in the webview (e.g. the frame intercept just held). */
  reveal(id: number): boolean {
    const index = this.index.indexOf(id);
    if (index < 0) return false;
    if (!this.ready) {
      // A panel opened just now (e.g. from a timeline click): selected once its webview is ready.
      this.selectedId = id;
      return true;
    }
    this.flush();
    this.post({ type: 'reveal', id, index });
    return true;
  }

  receive(message: FromWebview): void {
    if (this.disposed) return;
    // The webview is a page showing wire text: whatever it posts is checked before use.
    if (
      typeof message !== 'object' ||
      message === null ||
      Array.isArray(message) ||
      typeof (message as { type?: unknown }).type !== 'string'
    ) {
      this.opts.onError?.(new TypeError('ignored a webview message that is not an object with a type'));
      return;
    }
    try {
      this.handle(message);
    } catch (e) {
      this.opts.onError?.(e);
      if ('requestId' in message)
        this.post({ type: 'error', requestId: message.requestId, message: (e as Error).message });
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.hookSubscriptions) s.dispose();
    this.unfollowCorrelation();
    this.index.dispose();
    this.store.off('append', this.onStoreSize);
    this.store.off('evict', this.onStoreSize);
    this.store.off('session', this.onSession);
  }

  private handle(m: FromWebview): void {
    switch (m.type) {
      case 'ready': {
        // Also after the webview was hidden and rebuilt: it sends its restored filter again.
        let filterError: string | undefined;
        if (m.filter && !this.hostFilter && !sameFilter(m.filter, this.index.filterSpec)) {
          const r = this.applyFilter(m.filter);
          if (!r.ok) filterError = r.error;
        }
        if (m.sort && !this.index.sortSpec) {
          this.ownReset = true;
          try {
            this.index.setSort(m.sort);
          } finally {
            this.ownReset = false;
          }
        }
        this.ready = true;
        this.hostFilter = false;
        this.clearPending();
        this.selectedId = m.selectedId ?? this.selectedId;
        const init: ToWebview = {
          type: 'init',
          config: this.config(),
          filter: this.index.filterSpec,
          counts: this.counts(),
          selectedIndex: this.selectedIndex(),
        };
        if (filterError) init.filterError = filterError;
        if (this.index.sortSpec) init.sort = this.index.sortSpec;
        const columns = this.opts.columns?.get();
        if (columns) init.columns = columns;
        this.post(init);
        this.schedule();
        return;
      }
      case 'getRows': {
        this.flush();
        const count = Math.min(Math.max(0, m.count), MAX_ROWS_PER_REQUEST);
        const rows = this.index.rows(m.start, count).map((r) => this.decorate(linkRow(r, this.correlation)));
        this.post({ type: 'rows', requestId: m.requestId, start: m.start, rows, counts: this.counts() });
        return;
      }
      case 'setFilter': {
        const result = this.applyFilter(m.filter);
        if (m.selectedId !== undefined) this.selectedId = m.selectedId;
        const selectedIndex = this.selectedIndex();
        const answer: ToWebview = { type: 'filtered', requestId: m.requestId, counts: this.counts(), selectedIndex };
        if (!result.ok) answer.error = result.error;
        this.post(answer);
        this.schedule();
        return;
      }
      case 'setSort': {
        this.ownReset = true;
        try {
          this.index.setSort(m.sort);
        } finally {
          this.ownReset = false;
        }
        this.clearPending();
        if (m.selectedId !== undefined) this.selectedId = m.selectedId;
        this.post({
          type: 'filtered',
          requestId: m.requestId,
          counts: this.counts(),
          selectedIndex: this.selectedIndex(),
        });
        this.schedule();
        return;
      }
      case 'note': {
        if (this.opts.readOnly || !m.note || typeof m.note !== 'object') return;
        const note: FrameNote = {};
        if (m.note.starred === true) note.starred = true;
        if (typeof m.note.text === 'string' && m.note.text.trim()) note.text = m.note.text.slice(0, MAX_NOTE);
        this.store.update(m.id, { note: note.starred || note.text ? note : undefined });
        return;
      }
      case 'columns':
        if (m.columns && typeof m.columns === 'object')
          void Promise.resolve(this.opts.columns?.set(m.columns)).catch((e) => this.opts.onError?.(e));
        return;
      case 'getDetail': {
        this.flush();
        const frame = this.store.get(m.id);
        const answer: ToWebview = { type: 'detail', requestId: m.requestId };
        if (frame) {
          answer.detail = buildDetail(frame, {
            reveal: m.reveal,
            actions: this.availableActions(frame),
            sessionLabel: this.store.sessions.get(frame.session)?.label,
            notes: !this.opts.readOnly,
          });
          const exchange = exchangeText(frame, this.store, this.correlation);
          if (exchange !== undefined) {
            answer.detail.pretty = exchange;
            answer.detail.label = linkRow({ ...answer.detail, id: frame.id } as RowDto, this.correlation).label;
          }
          if (this.marker)
            answer.marks = {
              raw: this.marker(answer.detail.raw),
              pretty: answer.detail.pretty !== undefined ? this.marker(answer.detail.pretty) : undefined,
            };
        }
        this.post(answer);
        return;
      }
      case 'goto':
        // A link in the detail pane (a hub frame's XMPP Update): the webview says when it is not listed.
        if (typeof m.id === 'number' && !this.reveal(m.id)) this.post({ type: 'reveal', id: m.id, index: -1 });
        return;
      case 'select':
        this.selectedId = m.id;
        this.opts.onSelect?.(m.id === undefined ? undefined : this.store.get(m.id));
        return;
      case 'copy': {
        const frame = this.store.get(m.id);
        if (frame)
          void Promise.resolve(this.opts.copy(copyText(frame, m.what, m.reveal))).catch((e) => this.opts.onError?.(e));
        return;
      }
      case 'action': {
        if (!this.actions || !FRAME_ACTIONS.includes(m.action)) return;
        const frame = this.store.get(m.frameId);
        if (!frame || !this.availableActions(frame).includes(m.action)) return;
        void Promise.resolve()
          .then(() => this.actions?.perform(m.action, m.frameId))
          .catch((e) => this.opts.onError?.(e));
        return;
      }
      case 'toggle':
        if (this.toolbar) void Promise.resolve(this.toolbar.toggle(m.id)).catch((e) => this.opts.onError?.(e));
        return;
      case 'clear':
        if (!this.opts.readOnly) this.store.clear();
        return;
    }
  }

  private availableActions(frame: Frame): FrameAction[] {
    if (!this.actions) return [];
    return this.actions.available
      ? this.actions.available(frame).filter((a) => FRAME_ACTIONS.includes(a))
      : [...FRAME_ACTIONS];
  }

  private config(): PanelConfig {
    const readOnly = !!this.opts.readOnly;
    return { readOnly, canClear: !readOnly, follow: !readOnly, toggles: this.toolbar?.toggles() ?? [] };
  }

  private postConfig(): void {
    if (this.ready) this.post({ type: 'config', config: this.config() });
  }

  private resubscribe(): void {
    for (const s of this.hookSubscriptions) s.dispose();
    this.hookSubscriptions = [];
    const changed = () => this.postConfig();
    // Held rows say what waits behind them: that changes without their frame changing.
    const holds = () => {
      for (const id of this.actions?.heldIds?.() ?? []) this.pendingUpdated.add(id);
      this.schedule();
    };
    if (this.actions?.onDidChange) this.hookSubscriptions.push(this.actions.onDidChange(changed));
    if (this.actions?.onDidChange && this.actions.heldIds) this.hookSubscriptions.push(this.actions.onDidChange(holds));
    if (this.toolbar) this.hookSubscriptions.push(this.toolbar.onDidChange(changed));
  }

  private selectedIndex(): number {
    return this.selectedId === undefined ? -1 : this.index.indexOf(this.selectedId);
  }

  private counts(): ViewCounts {
    return { total: this.index.total, size: this.store.size, progress: this.index.progress };
  }

  private onChange = (c: { appended: number; removed: number }): void => {
    this.pendingAppended += c.appended;
    this.pendingRemoved += c.removed;
    this.schedule();
  };

  private onReset = (): void => {
    this.clearPending();
    if (!this.ownReset && this.ready)
      this.post({ type: 'reset', counts: this.counts(), selectedIndex: this.selectedIndex() });
    this.schedule();
  };

  /** Search marks and the session-relative time, added to a row as it leaves for the webview. */
  private decorate(row: RowDto): RowDto {
    const out: RowDto = { ...row };
    const started = this.sessionStart(row.session);
    if (started !== undefined) out.sinceStart = row.t - started;
    const label = this.store.sessions.get(row.session)?.label;
    if (label && label !== row.session) out.sessionLabel = label;
    this.sentLabels.set(row.session, label);
    const hold = row.flags.held ? this.actions?.holdNote?.(row.id) : undefined;
    if (hold) out.hold = hold;
    if (this.marker) {
      const summary = this.marker(row.summary);
      const label = row.label ? this.marker(row.label) : [];
      if (summary.length || label.length)
        out.marks = { summary: summary.length ? summary : undefined, label: label.length ? label : undefined };
    }
    return out;
  }

  private sessionStarts = new Map<string, number>();
  /** Time of the session's first stored frame (captures start at their first frame). */
  private sessionStart(session: string): number | undefined {
    const known = this.sessionStarts.get(session) ?? this.store.sessions.get(session)?.started;
    if (known !== undefined) return known;
    for (const f of this.store) {
      if (f.session === session) {
        this.sessionStarts.set(session, f.t);
        return f.t;
      }
    }
    return undefined;
  }

  private onUpdate = (row: RowDto): void => {
    this.pendingUpdated.add(row.id);
    this.schedule();
  };

  private clearPending(): void {
    this.pendingAppended = 0;
    this.pendingRemoved = 0;
    this.pendingUpdated.clear();
  }

  /** Batches notices: at most one `changed` per noticeMs, and progress while a scan runs. */
  private schedule = (): void => {
    if (this.timer || this.disposed || !this.ready) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush(true);
    }, this.noticeMs);
  };

  /** Posts what is pending; responses call this first so the webview's counts fit them. */
  private flush(progress = false): void {
    if (this.timer && !progress) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.ready) return;
    if (this.index.sortSpec && (this.pendingAppended || this.pendingRemoved)) {
      // Rows of a sorted view move when frames arrive: the webview refetches what it shows.
      this.pendingAppended = this.pendingRemoved = 0;
      this.sizeChanged = false;
      this.post({ type: 'reset', counts: this.counts(), selectedIndex: this.selectedIndex(), keepScroll: true });
    } else if (this.pendingAppended || this.pendingRemoved || progress || this.sizeChanged) {
      const appended = this.pendingAppended;
      const removed = this.pendingRemoved;
      this.pendingAppended = this.pendingRemoved = 0;
      this.sizeChanged = false;
      this.post({ type: 'changed', appended, removed, counts: this.counts() });
    }
    if (this.pendingUpdated.size) {
      const rows: { index: number; row: RowDto }[] = [];
      for (const id of this.pendingUpdated) {
        const index = this.index.indexOf(id);
        const row = index >= 0 ? this.index.rows(index, 1)[0] : undefined;
        if (row) rows.push({ index, row: this.decorate(linkRow(row, this.correlation)) });
      }
      this.pendingUpdated.clear();
      if (rows.length) this.post({ type: 'updated', rows });
    }
    if (this.index.scanning) this.schedule();
  }

  private post(message: ToWebview): void {
    if (this.disposed) return;
    try {
      const r = this.opts.post(message);
      if (r && typeof (r as Promise<unknown>).then === 'function')
        (r as Promise<unknown>).then(undefined, (e) => this.opts.onError?.(e));
    } catch (e) {
      this.opts.onError?.(e);
    }
  }
}

function sameFilter(a: FilterSpec, b: FilterSpec): boolean {
  return a.text === b.text && a.dir === b.dir && a.kind === b.kind && !!a.hidePings === !!b.hidePings;
}
