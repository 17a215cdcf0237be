/**
 * The frames panel: toolbar + filter bar, the virtualized list, a splitter and the detail pane,
 * wired to the host by the protocol of src/protocol/messages.ts. The webview mirrors the host's
 * view counts and holds only the rows around the screen.
 */
import type {
  ColumnPrefs,
  FilterSpec,
  FrameAction,
  PanelConfig,
  SortSpec,
  ToWebview,
  ViewCounts,
} from '../../src/protocol/messages';
import { MAX_ROWS_PER_REQUEST } from '../../src/protocol/messages';
import type { HostChannel } from './host';
import { FrameList, ROW_HEIGHT } from './list/frameList';
import { FilterBar } from './filterBar';
import { DetailPane, DetailTab } from './detail/detailPane';
import { Toolbar } from './toolbar';
import { h } from './ui';

/** Moving the selection with held arrow keys loads the detail only once it rests. */
const DETAIL_DEBOUNCE_MS = 60;

type Notice = Exclude<ToWebview, { requestId: number }>;

export class App {
  private readonly list: FrameList;
  private readonly filterBar: FilterBar;
  private readonly toolbar: Toolbar;
  private readonly detail: DetailPane;
  private readonly splitter: HTMLElement;
  private counts: ViewCounts = { total: 0, size: 0, progress: 1 };
  private applied: FilterSpec = { text: '' };
  private config: PanelConfig = { readOnly: false, canClear: true, follow: true, toggles: [] };
  /** Bumped whenever the view is replaced; answers for an older view are dropped. */
  private generation = 0;
  private wantRows: [number, number] | undefined;
  private fetching = false;
  private filterSeq = 0;
  private selectedId: number | undefined;
  private detailOpen = false;
  private revealedId: number | undefined;
  private detailTimer: number | undefined;
  private firstRows = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: HostChannel,
  ) {
    const state = host.state;
    this.list = new FrameList({
      onSelect: (index, row) => this.onSelect(index, row?.id),
      onOpen: () => this.openDetail(),
      onEscape: () => (this.detailOpen ? this.closeDetail() : this.clearFilter()),
      onNeedRows: (start, end) => this.needRows(start, end),
      onFollow: (on) => this.toolbar?.showFollow(on),
      onSort: (sort) => void this.setSort(sort),
      onColumns: (prefs) => this.saveColumns(prefs),
    });
    this.filterBar = new FilterBar(state.filter ?? { text: '' }, (spec) => void this.setFilter(spec));
    this.toolbar = new Toolbar({
      onToggle: (id) => host.post({ type: 'toggle', id }),
      onFollow: (on) => this.list.setFollow(on),
      onClear: () => host.post({ type: 'clear' }),
      onColumns: (patch) => {
        const prefs = { ...this.list.columns, ...patch };
        this.list.setColumns(prefs);
        this.saveColumns(prefs);
      },
    });
    this.detail = new DetailPane(state.detailTab ?? 'pretty', {
      onTab: (tab: DetailTab) => host.saveState({ detailTab: tab }),
      onCopy: (what) =>
        this.selectedId !== undefined &&
        host.post({ type: 'copy', id: this.selectedId, what, reveal: this.revealedId === this.selectedId }),
      onReveal: () => this.reveal(),
      onAction: (action: FrameAction) =>
        this.selectedId !== undefined && host.post({ type: 'action', action, frameId: this.selectedId }),
      onClose: () => this.closeDetail(),
      onNote: (note) => this.selectedId !== undefined && host.post({ type: 'note', id: this.selectedId, note }),
      onGoto: (id) => host.post({ type: 'goto', id }),
    });
    this.splitter = h('div', {
      class: 'fx-splitter',
      role: 'separator',
      attrs: { 'aria-orientation': 'horizontal', 'aria-label': 'Resize detail pane', tabindex: 0 },
    });
    this.root.append(
      h('div', { class: 'fx-top' }, this.filterBar.el, this.toolbar.el),
      this.list.el,
      this.splitter,
      this.detail.el,
    );
    this.detailOpen = !!state.detailOpen;
    this.root.classList.toggle('detail-open', this.detailOpen);
    this.wireSplitter();
    document.addEventListener('keydown', this.onGlobalKey);
  }

  start(): void {
    this.host.onNotice((m) => this.onNotice(m));
    const state = this.host.state;
    this.host.post({ type: 'ready', filter: state.filter, selectedId: state.selectedId, sort: state.sort });
  }

  private onNotice(m: Notice): void {
    switch (m.type) {
      case 'init': {
        performance.mark('fx-init');
        this.configure(m.config);
        this.applied = m.filter;
        this.filterBar.set(m.filter);
        this.filterBar.showError(m.filterError);
        this.list.setSort(m.sort);
        if (m.columns) {
          this.list.setColumns(m.columns);
          this.toolbar.showColumns(m.columns);
        }
        this.list.setFollow(m.config.follow && m.selectedIndex < 0 && !m.sort);
        this.resetView(m.counts, m.selectedIndex);
        if (m.selectedIndex >= 0) this.list.select(m.selectedIndex, 'center');
        this.list.focus();
        return;
      }
      case 'config':
        this.configure(m.config);
        if (this.detailOpen) this.loadDetail();
        return;
      case 'changed':
        this.list.changed(m.counts.total, m.removed, m.counts.progress < 1);
        this.showCounts(m.counts);
        return;
      case 'reset':
        this.resetView(m.counts, m.selectedIndex, m.keepScroll);
        return;
      case 'filterSet':
        this.filterSeq++; // a filter the user typed meanwhile lost to this one
        this.applied = m.filter;
        this.filterBar.set(m.filter);
        this.filterBar.showError(m.filterError);
        this.host.saveState({ filter: m.filter });
        this.resetView(m.counts, m.selectedIndex);
        return;
      case 'updated':
        for (const { index, row } of m.rows) {
          this.list.updateRow(index, row);
          if (row.id === this.selectedId && this.detailOpen) this.loadDetail();
        }
        return;
      case 'reveal':
        if (m.index < 0) {
          this.detail.notListed(m.id);
          return;
        }
        this.list.select(m.index, 'center');
        this.openDetail();
        return;
    }
  }

  private configure(config: PanelConfig): void {
    this.config = config;
    this.toolbar.configure(config);
    this.root.classList.toggle('read-only', config.readOnly);
  }

  private resetView(counts: ViewCounts, selectedIndex: number, keepScroll = false): void {
    this.generation++;
    this.showCounts(counts);
    this.list.reset(counts.total, selectedIndex, keepScroll);
    if (selectedIndex < 0 && this.selectedId !== undefined) this.onSelect(-1, undefined);
  }

  private showCounts(counts: ViewCounts): void {
    this.counts = counts;
    const filtering = !!(this.applied.text || this.applied.dir || this.applied.kind || this.applied.hidePings);
    this.filterBar.showCounts(counts, filtering);
    this.list.setEmptyText(
      counts.size === 0
        ? this.config.readOnly
          ? 'This session has no frames'
          : 'No frames yet'
        : this.filterBar.hasError
          ? 'The filter has an error: no frames shown'
          : counts.progress < 1
            ? 'Filtering…'
            : 'No frames match the filter',
    );
  }

  private async setFilter(spec: FilterSpec): Promise<void> {
    const seq = ++this.filterSeq;
    const answer = await this.host.request({ type: 'setFilter', filter: spec, selectedId: this.selectedId });
    if (seq !== this.filterSeq) return; // a newer filter is on its way
    // A query that does not compile shows its error over an empty list, never the old rows.
    this.filterBar.showError(answer.error);
    this.applied = spec;
    this.host.saveState({ filter: spec });
    this.resetView(answer.counts, answer.selectedIndex);
  }

  private async setSort(sort: SortSpec | undefined): Promise<void> {
    this.host.saveState({ sort });
    const answer = await this.host.request({ type: 'setSort', sort, selectedId: this.selectedId });
    // Sorted, the newest frame is nowhere in particular: the view shows the selected row, else
    // the top of the new order, instead of following the bottom.
    if (sort) this.list.setFollow(false);
    this.resetView(answer.counts, answer.selectedIndex);
  }

  private saveColumns(prefs: ColumnPrefs): void {
    this.host.post({ type: 'columns', columns: prefs });
  }

  private clearFilter(): void {
    if (!this.filterBar.spec.text) return;
    this.filterBar.set({ ...this.filterBar.spec, text: '' });
    void this.setFilter(this.filterBar.spec);
  }

  private needRows(start: number, end: number): void {
    this.wantRows = [start, end];
    if (!this.fetching) void this.fetchRows();
  }

  /** One getRows at a time, always for the latest wanted window. */
  private async fetchRows(): Promise<void> {
    this.fetching = true;
    try {
      while (this.wantRows) {
        const [start, end] = this.wantRows;
        this.wantRows = undefined;
        const generation = this.generation;
        const answer = await this.host.request({
          type: 'getRows',
          start,
          count: Math.min(end - start, MAX_ROWS_PER_REQUEST),
        });
        if (generation !== this.generation) continue;
        this.list.setRows(answer.start, answer.rows);
        if (!this.firstRows && answer.rows.length) {
          this.firstRows = true;
          requestAnimationFrame(() => performance.mark('fx-first-rows'));
        }
      }
    } finally {
      this.fetching = false;
    }
  }

  private onSelect(index: number, id: number | undefined): void {
    if (index < 0) {
      this.selectedId = undefined;
      this.host.post({ type: 'select', id: undefined });
      this.detail.show(undefined);
      this.host.saveState({ selectedId: undefined });
      return;
    }
    if (id === undefined || id === this.selectedId) return; // row not loaded yet: called again when it is
    this.selectedId = id;
    this.host.post({ type: 'select', id });
    this.host.saveState({ selectedId: id });
    if (this.detailOpen) {
      if (this.detailTimer !== undefined) clearTimeout(this.detailTimer);
      this.detailTimer = window.setTimeout(() => this.loadDetail(), DETAIL_DEBOUNCE_MS);
    }
  }

  private openDetail(): void {
    if (!this.detailOpen) {
      this.detailOpen = true;
      this.root.classList.add('detail-open');
      this.host.saveState({ detailOpen: true });
      // The list got shorter: keep the selected row on screen.
      requestAnimationFrame(
        () => this.list.selectedIndex >= 0 && this.list.scrollToIndex(this.list.selectedIndex, 'nearest'),
      );
    }
    this.loadDetail();
  }

  private closeDetail(): void {
    this.detailOpen = false;
    this.root.classList.remove('detail-open');
    this.host.saveState({ detailOpen: false });
    this.list.focus();
  }

  private reveal(): void {
    this.revealedId = this.selectedId;
    this.loadDetail();
  }

  /**
   * Shows the selected frame's detail. A failed request (the frame was evicted meanwhile, the
   * host threw) is said in the pane, so it never keeps showing the previous frame.
   */
  private loadDetail(): void {
    if (this.detailTimer !== undefined) clearTimeout(this.detailTimer);
    this.detailTimer = undefined;
    const id = this.selectedId;
    if (id === undefined) {
      this.detail.show(undefined);
      return;
    }
    this.host.request({ type: 'getDetail', id, reveal: this.revealedId === id }).then(
      (answer) => {
        if (id === this.selectedId) this.detail.show(answer.detail, answer.marks);
      },
      (e: unknown) => {
        if (id === this.selectedId) this.detail.showFailure(id, e instanceof Error ? e.message : String(e));
      },
    );
  }

  private onGlobalKey = (ev: KeyboardEvent): void => {
    const target = ev.target as HTMLElement | null;
    const typing =
      !!target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA');
    if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === 'f') {
      ev.preventDefault();
      this.filterBar.focus();
    } else if (ev.key === '/' && !typing) {
      ev.preventDefault();
      this.filterBar.focus();
    } else if (ev.key === 'Escape' && this.detailOpen && !typing && !this.list.el.contains(target)) {
      this.closeDetail();
    }
  };

  private wireSplitter(): void {
    const resize = (height: number) => {
      const max = this.root.clientHeight - 6 * ROW_HEIGHT;
      this.detail.el.style.height = `${Math.max(4 * ROW_HEIGHT, Math.min(max, height))}px`;
    };
    this.splitter.addEventListener('pointerdown', (ev) => {
      ev.preventDefault();
      this.splitter.setPointerCapture(ev.pointerId);
      const startY = ev.clientY;
      const startH = this.detail.el.getBoundingClientRect().height;
      const move = (e: PointerEvent) => resize(startH + startY - e.clientY);
      const up = () => {
        this.splitter.removeEventListener('pointermove', move);
        this.splitter.removeEventListener('pointerup', up);
      };
      this.splitter.addEventListener('pointermove', move);
      this.splitter.addEventListener('pointerup', up);
    });
    this.splitter.addEventListener('keydown', (ev) => {
      if (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown') return;
      ev.preventDefault();
      resize(this.detail.el.getBoundingClientRect().height + (ev.key === 'ArrowUp' ? ROW_HEIGHT : -ROW_HEIGHT));
    });
  }
}
