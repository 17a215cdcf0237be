/**
 * The virtualized frame list (role=grid). Only the rows on screen exist in the DOM (a small pool
 * of row elements re-used while scrolling); a spacer as tall as all rows gives the scrollbar its
 * range. Rows come from the host by index range through `onNeedRows`.
 *
 * Scrolling rules: when the user is at the bottom, new frames keep the list at the bottom
 * (follow); anywhere else the rows on screen stay where they are, also when old frames are
 * evicted from the front of the store.
 */
import type { ColumnPrefs, RowDto, SortKey, SortSpec } from '../../../src/protocol/messages';
import { badge, h, replaceChildren, setAttrs, setMarkedText, setText } from '../ui';
import { DIR_ARROW, DIR_TITLE, FLAG_BADGES, formatBytes, formatElapsed, formatTime, visibleControls } from '../format';
import { holdDueAt, RowCache } from './rowCache';

export const ROW_HEIGHT = 22;
/** Rows fetched beyond the screen on each side, so short scrolls never show blanks. */
const OVERSCAN = 60;

export interface FrameListEvents {
  /** The selection moved; `row` is undefined until its data has arrived. */
  onSelect(index: number, row: RowDto | undefined): void;
  /** Enter, or a click: show the frame's detail. */
  onOpen(index: number): void;
  /** Escape in the list. */
  onEscape(): void;
  /** Some rows in [start, end) are needed and not held. */
  onNeedRows(start: number, end: number): void;
  /** Following the newest frame started or stopped (user scrolled to / away from the bottom). */
  onFollow(on: boolean): void;
  /** A column header was clicked: sort by it (undefined: capture order). */
  onSort?(sort: SortSpec | undefined): void;
  /** Column widths or options changed (kept per workspace). */
  onColumns?(prefs: ColumnPrefs): void;
}

const COLUMNS: readonly (readonly [SortKey, string, string])[] = [
  ['time', 'Time', 'Time (click to sort)'],
  ['dir', '⇄', 'Direction (click to sort)'],
  ['kind', 'Kind', 'Frame kind (click to sort)'],
  ['summary', 'Stanza', 'Stanza: name, type, payload, id (click to sort)'],
  ['event', 'Finesse event', 'Decoded Finesse Update (click to sort)'],
  ['size', 'Size', 'Size in bytes (click to sort)'],
  ['session', 'Session', 'Capture session (click to sort)'],
];
/** Narrowest a dragged column gets. */
const MIN_WIDTH = 28;

/** What the Time cell shows for a row. */
export type TimeText = (index: number, row: RowDto) => string;

/** The `link` (REST call) of the selected row while rows are drawn: rows sharing it are highlighted. */
let linkedTo: number | undefined;

class RowView {
  readonly el: HTMLDivElement;
  private readonly time: HTMLDivElement;
  private readonly dir: HTMLDivElement;
  private readonly kind: HTMLDivElement;
  private readonly badges: HTMLSpanElement;
  private readonly hold: HTMLSpanElement;
  private readonly star: HTMLSpanElement;
  private readonly summary: HTMLSpanElement;
  private readonly event: HTMLDivElement;
  private readonly size: HTMLDivElement;
  private readonly session: HTMLDivElement;
  private badgeKey = '';
  /** The shown row's hold note and when its automatic forward is due (the countdown ticks). */
  private holdText = '';
  private holdDue: number | undefined;
  index = -1;

  constructor() {
    const cell = (name: string) => h('div', { class: `fx-cell fx-col-${name}`, role: 'gridcell' });
    this.time = cell('time');
    this.dir = cell('dir');
    this.kind = cell('kind');
    this.badges = h('span', { class: 'fx-badges' });
    this.hold = h('span', { class: 'fx-hold' });
    this.star = h('span', { class: 'fx-star', attrs: { 'aria-label': 'starred' } });
    this.summary = h('span', { class: 'fx-summary-text' });
    const summaryCell = cell('summary');
    // The stanza first (it says which frame this is), then why it is held.
    summaryCell.append(this.star, this.badges, this.summary, this.hold);
    this.event = cell('event');
    this.size = cell('size');
    this.session = cell('session');
    this.el = h(
      'div',
      { class: 'fx-row', role: 'row' },
      this.time,
      this.dir,
      this.kind,
      summaryCell,
      this.event,
      this.size,
      this.session,
    );
  }

  show(
    index: number,
    row: RowDto | undefined,
    selected: boolean,
    timeText: TimeText = (_i, r) => formatTime(r.t),
  ): void {
    if (this.index !== index) {
      this.index = index;
      this.el.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
      this.el.id = `fx-row-${index}`;
      setAttrs(this.el, { 'aria-rowindex': index + 2, 'data-index': index });
    }
    this.el.hidden = false;
    this.el.classList.toggle('selected', selected);
    setAttrs(this.el, { 'aria-selected': String(selected), 'data-id': row?.id });
    setAttrs(this.el, { 'data-vscode-context': rowMenuContext(row) });
    if (!row) {
      this.el.className = selected ? 'fx-row placeholder selected' : 'fx-row placeholder';
      setText(this.time, '');
      setText(this.dir, '');
      setText(this.kind, '');
      setText(this.summary, '…');
      setText(this.event, '');
      setText(this.size, '');
      setText(this.session, '');
      setText(this.star, '');
      this.holdText = '';
      this.holdDue = undefined;
      this.renderHold();
      this.setBadges('');
      this.el.removeAttribute('title');
      return;
    }
    this.el.className = `fx-row dir-${row.dir}${row.flags.malformed ? ' malformed' : ''}${row.flags.dropped ? ' dropped' : ''}${row.flags.held ? ' held' : ''}${row.apiError ? ' api-error' : ''}${selected ? ' selected' : ''}`;
    // A REST call, its response and the Updates it caused light up together with the selection.
    if (row.link !== undefined && row.link === linkedTo && !selected) this.el.classList.add('linked');
    setText(this.time, timeText(index, row));
    this.time.title = formatTime(row.t);
    setText(this.dir, DIR_ARROW[row.dir]);
    this.dir.title = DIR_TITLE[row.dir];
    setText(this.kind, row.kind);
    setMarkedText(this.summary, row.summary, row.marks?.summary, visibleControls);
    setMarkedText(this.event, row.label ?? '', row.marks?.label, visibleControls);
    setText(this.size, formatBytes(row.bytes));
    // The agent's JID (or the proxy's client address) reads better than a generated id.
    setText(this.session, row.sessionLabel ?? row.session);
    this.session.title = row.sessionLabel ? `${row.sessionLabel} (session ${row.session})` : row.session;
    const key = FLAG_BADGES.filter(([flag]) => row.flags[flag])
      .map(([flag]) => flag)
      .join(',');
    this.setBadges(key);
    this.holdText = row.hold?.text ?? '';
    this.holdDue = row.hold ? holdDueAt(row) : undefined;
    this.renderHold();
    this.hold.title = row.hold?.title ?? '';
    setText(this.star, row.note?.starred ? '★' : row.note?.text ? '✎' : '');
    const tip = [row.error && `#${row.id}: ${row.error}`, row.note?.text && `Comment: ${row.note.text}`]
      .filter(Boolean)
      .join('\n');
    if (tip) this.el.title = tip;
    else this.el.removeAttribute('title');
  }

  /** The hold note, with the seconds left before the automatic forward while a clock runs. */
  renderHold(): void {
    const left = this.holdDue === undefined ? undefined : Math.max(0, Math.ceil((this.holdDue - Date.now()) / 1000));
    const countdown = left === undefined ? '' : `auto-forward in ${left} s`;
    setText(this.hold, [this.holdText, countdown].filter(Boolean).join(' · '));
  }

  get counting(): boolean {
    return this.holdDue !== undefined && !this.el.hidden;
  }

  private setBadges(key: string): void {
    if (key === this.badgeKey) return;
    this.badgeKey = key;
    const wanted = key ? key.split(',') : [];
    replaceChildren(
      this.badges,
      ...FLAG_BADGES.filter(([flag]) => wanted.includes(flag)).map(([flag, text, title]) => badge(text, flag, title)),
    );
  }

  hide(): void {
    this.el.hidden = true;
    this.index = -1;
    this.el.removeAttribute('id');
  }
}

export class FrameList {
  readonly el: HTMLDivElement;
  private readonly viewport: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly empty: HTMLDivElement;
  private readonly pool: RowView[] = [];
  private readonly cache = new RowCache();
  private total = 0;
  private selected = -1;
  private followingNow = true;
  private frameRequested = false;
  private readonly headers = new Map<SortKey, HTMLElement>();
  private sort: SortSpec | undefined;
  private prefs: ColumnPrefs = {};

  constructor(private readonly events: FrameListEvents) {
    const header = h(
      'div',
      { class: 'fx-header', role: 'row', attrs: { 'aria-rowindex': 1 } },
      ...COLUMNS.map(([name, label, title]) => {
        const handle = h('span', { class: 'fx-resize', attrs: { 'aria-hidden': 'true', 'data-resize': name } });
        const cell = h(
          'div',
          {
            class: `fx-cell fx-col-${name} fx-sortable`,
            role: 'columnheader',
            title,
            attrs: { 'aria-sort': 'none', 'data-column': name },
          },
          h('span', { class: 'fx-header-label', text: label }),
          h('span', { class: 'fx-sort-mark' }),
          handle,
        );
        cell.addEventListener('click', (ev) => {
          if ((ev.target as Element).closest('.fx-resize')) return;
          this.cycleSort(name);
        });
        handle.addEventListener('pointerdown', (ev) => this.startResize(ev, name, cell));
        this.headers.set(name, cell);
        return cell;
      }),
    );
    this.spacer = h('div', { class: 'fx-spacer', role: 'rowgroup' });
    this.viewport = h('div', { class: 'fx-viewport' }, this.spacer);
    this.empty = h('div', { class: 'fx-empty', text: 'No frames yet' });
    this.el = h(
      'div',
      {
        class: 'fx-list',
        role: 'grid',
        attrs: { tabindex: 0, 'aria-label': 'Frames', 'aria-rowcount': 1, 'aria-multiselectable': 'false' },
      },
      header,
      this.viewport,
      this.empty,
    );
    this.viewport.addEventListener('scroll', this.onScroll, { passive: true });
    this.el.addEventListener('keydown', this.onKey);
    this.spacer.addEventListener('mousedown', this.onMouseDown);
    new ResizeObserver(() => this.scheduleRender()).observe(this.viewport);
    // Held rows count down to their automatic forward; the host sends the time left with the row.
    setInterval(() => {
      for (const rv of this.pool) if (rv.counting) rv.renderHold();
    }, 1000);
    new ResizeObserver(() => this.fitWholeRows(header)).observe(this.el);
  }

  get rowCount(): number {
    return this.total;
  }
  get selectedIndex(): number {
    return this.selected;
  }
  get selectedRow(): RowDto | undefined {
    return this.selected >= 0 ? this.cache.get(this.selected) : undefined;
  }
  /** At the bottom: new frames scroll into view. */
  get follow(): boolean {
    return this.followingNow;
  }
  private get following(): boolean {
    return this.followingNow;
  }
  private set following(on: boolean) {
    if (on === this.followingNow) return;
    this.followingNow = on;
    this.events.onFollow(on);
  }
  /** Rows the DOM holds (stays small whatever the total). */
  get renderedRows(): number {
    return this.pool.filter((r) => !r.el.hidden).length;
  }

  /**
   * Makes the viewport a whole number of rows tall, so the list never ends in a half row (the
   * few pixels left stay blank below it).
   */
  private fitWholeRows(header: HTMLElement): void {
    const available = this.el.clientHeight - header.offsetHeight;
    if (available <= 0) return;
    const height = Math.max(ROW_HEIGHT, Math.floor(available / ROW_HEIGHT) * ROW_HEIGHT);
    if (this.viewport.style.height === `${height}px`) return;
    const following = this.following;
    this.viewport.style.flex = 'none';
    this.viewport.style.height = `${height}px`;
    // The selected row stays in view (the detail pane opening shrinks the list); else the newest.
    if (this.selected >= 0) this.scrollToIndex(this.selected, 'nearest');
    else if (following) this.scrollToBottom();
  }

  /** Shows which column the view is sorted by (the host sorts). */
  setSort(sort: SortSpec | undefined): void {
    this.sort = sort;
    for (const [key, cell] of this.headers) {
      const on = sort?.key === key;
      setAttrs(cell, { 'aria-sort': on ? (sort.descending ? 'descending' : 'ascending') : 'none' });
      setText(cell.querySelector('.fx-sort-mark')!, on ? (sort.descending ? ' ▼' : ' ▲') : '');
    }
  }

  get sortSpec(): SortSpec | undefined {
    return this.sort;
  }

  get columns(): ColumnPrefs {
    return { ...this.prefs, widths: { ...this.prefs.widths } };
  }

  /** Column widths, the Session column and the time mode (restored per workspace). */
  setColumns(prefs: ColumnPrefs): void {
    this.prefs = { ...prefs, widths: { ...prefs.widths } };
    for (const [key] of COLUMNS) {
      const w = this.prefs.widths?.[key];
      if (typeof w === 'number' && Number.isFinite(w) && w >= MIN_WIDTH)
        this.el.style.setProperty(`--fx-w-${key}`, `${Math.round(w)}px`);
      else this.el.style.removeProperty(`--fx-w-${key}`);
    }
    this.el.classList.toggle('with-session', !!this.prefs.session);
    this.renderNow();
  }

  private cycleSort(key: SortKey): void {
    const cur = this.sort;
    const next: SortSpec | undefined =
      cur?.key !== key ? { key } : !cur.descending ? { key, descending: true } : undefined;
    this.setSort(next);
    this.events.onSort?.(next);
  }

  private startResize(ev: PointerEvent, key: SortKey, cell: HTMLElement): void {
    if (ev.button !== 0) return;
    ev.preventDefault();
    ev.stopPropagation();
    const handle = ev.currentTarget as HTMLElement;
    handle.setPointerCapture(ev.pointerId);
    const startX = ev.clientX;
    const startW = cell.getBoundingClientRect().width;
    const move = (e: PointerEvent) => {
      const w = Math.max(MIN_WIDTH, Math.round(startW + e.clientX - startX));
      this.prefs.widths = { ...this.prefs.widths, [key]: w };
      this.el.style.setProperty(`--fx-w-${key}`, `${w}px`);
    };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
      this.events.onColumns?.(this.columns);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  }

  /** The Time cell: clock time, +ms since the previous row, or time since the session began. */
  private timeText: TimeText = (index, row) => {
    const mode = this.prefs.time ?? 'clock';
    if (mode === 'start') return row.sinceStart === undefined ? formatTime(row.t) : formatElapsed(row.sinceStart);
    if (mode === 'previous') {
      if (index === 0) return '+0 ms';
      const prev = this.cache.get(index - 1);
      if (!prev) return '';
      // A sorted view can put a later frame first: the gap is then negative, shown with its sign.
      const gap = row.t - prev.t;
      return gap < 0 ? formatElapsed(gap, true) : `+${formatElapsed(gap, true)}`;
    }
    return formatTime(row.t);
  };

  setEmptyText(text: string): void {
    setText(this.empty, text);
  }

  /** The view was replaced (new filter, cleared store): forget all rows. */
  reset(total: number, selectedIndex = -1, keepScroll = false): void {
    this.cache.clear();
    this.setTotalOnly(total);
    this.selected = selectedIndex < total ? selectedIndex : -1;
    if (keepScroll) {
      if (this.following) this.scrollToBottom();
    } else if (this.selected >= 0) this.scrollToIndex(this.selected, 'center');
    else if (this.following) this.scrollToBottom();
    else this.viewport.scrollTop = 0;
    this.renderNow();
  }

  /**
   * Rows appended at the end and/or removed from the front of the view. While a new filter's scan
   * is still adding rows (`scanning`), a following list stays where it is and jumps to the end
   * once the scan is done: chasing an end that moves every few milliseconds, it would only ever
   * show rows not fetched yet.
   */
  changed(total: number, removed: number, scanning = false): void {
    const wasFollowing = this.following;
    if (removed) {
      this.cache.shift(removed);
      if (this.selected >= 0) {
        this.selected -= removed;
        if (this.selected < 0) {
          this.selected = -1;
          this.events.onSelect(-1, undefined);
        }
      }
    }
    this.setTotalOnly(total);
    if (wasFollowing && !scanning) this.scrollToBottom();
    else if (removed) this.viewport.scrollTop = Math.max(0, this.viewport.scrollTop - removed * ROW_HEIGHT);
    this.following = wasFollowing || this.atBottom();
    this.renderNow();
  }

  setRows(start: number, rows: RowDto[]): void {
    const selectedWasMissing =
      this.selected >= start && this.selected < start + rows.length && !this.cache.get(this.selected);
    this.cache.set(start, rows);
    if (selectedWasMissing) this.events.onSelect(this.selected, this.cache.get(this.selected));
    this.scheduleRender();
  }

  updateRow(index: number, row: RowDto): boolean {
    const changed = this.cache.update(index, row);
    if (changed) this.scheduleRender();
    return changed;
  }

  select(index: number, how: 'nearest' | 'center' = 'nearest'): void {
    if (this.total === 0) return;
    const next = Math.max(0, Math.min(this.total - 1, index));
    const moved = next !== this.selected;
    this.selected = next;
    this.scrollToIndex(next, how);
    this.renderNow();
    if (moved) this.events.onSelect(next, this.cache.get(next));
  }

  setFollow(on: boolean): void {
    this.following = on;
    if (on) this.scrollToBottom();
  }

  scrollToIndex(index: number, how: 'nearest' | 'center' | 'top'): void {
    const top = index * ROW_HEIGHT;
    const vh = this.viewport.clientHeight;
    const st = this.viewport.scrollTop;
    if (how === 'top') this.viewport.scrollTop = top;
    else if (how === 'center') this.viewport.scrollTop = Math.max(0, top - (vh - ROW_HEIGHT) / 2);
    else if (top < st) this.viewport.scrollTop = top;
    else if (top + ROW_HEIGHT > st + vh) this.viewport.scrollTop = top + ROW_HEIGHT - vh;
    this.following = this.atBottom();
  }

  focus(): void {
    this.el.focus();
  }

  private setTotalOnly(total: number): void {
    this.total = total;
    this.spacer.style.height = `${total * ROW_HEIGHT}px`;
    setAttrs(this.el, { 'aria-rowcount': total + 1 });
    this.empty.hidden = total > 0;
    if (this.selected >= total) this.selected = -1;
  }

  private atBottom(): boolean {
    const v = this.viewport;
    return v.scrollTop + v.clientHeight >= v.scrollHeight - ROW_HEIGHT / 2;
  }

  private scrollToBottom(): void {
    this.viewport.scrollTop = this.viewport.scrollHeight;
    this.following = true;
  }

  private onScroll = (): void => {
    this.following = this.atBottom();
    this.scheduleRender();
  };

  private scheduleRender(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      this.renderNow();
    });
  }

  private renderNow(): void {
    const vh = this.viewport.clientHeight;
    const first = Math.max(0, Math.min(Math.floor(this.viewport.scrollTop / ROW_HEIGHT), this.total - 1));
    const count = Math.max(0, Math.min(this.total - first, Math.ceil(vh / ROW_HEIGHT) + 1));
    while (this.pool.length < count) {
      const rv = new RowView();
      this.pool.push(rv);
      this.spacer.appendChild(rv.el);
    }
    linkedTo = this.selected >= 0 ? this.cache.get(this.selected)?.link : undefined;
    for (let i = 0; i < this.pool.length; i++) {
      const rv = this.pool[i];
      if (i < count) {
        const index = first + i;
        rv.show(index, this.cache.get(index), index === this.selected, this.timeText);
      } else if (!rv.el.hidden) rv.hide();
    }
    const active = this.selected >= first && this.selected < first + count ? `fx-row-${this.selected}` : undefined;
    setAttrs(this.el, { 'aria-activedescendant': active });
    if (count > 0) {
      const start = Math.max(0, first - OVERSCAN);
      const end = Math.min(this.total, first + count + OVERSCAN);
      if (this.cache.firstMissing(start, end) >= 0) this.events.onNeedRows(start, end);
      this.cache.trim(first);
    }
  }

  private onMouseDown = (ev: MouseEvent): void => {
    const rowEl = (ev.target as Element).closest('.fx-row') as HTMLElement | null;
    // A right-click selects the row its context menu acts on (without opening the detail).
    if (!rowEl || (ev.button !== 0 && ev.button !== 2)) return;
    const index = Number(rowEl.dataset.index);
    if (!Number.isInteger(index)) return;
    this.el.focus({ preventScroll: true });
    this.select(index);
    if (ev.button === 0) this.events.onOpen(index);
  };

  private onKey = (ev: KeyboardEvent): void => {
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const at = this.selected < 0 ? -1 : this.selected;
    let target: number | undefined;
    switch (ev.key) {
      case 'ArrowDown':
        target = at + 1;
        break;
      case 'ArrowUp':
        target = at < 0 ? this.total - 1 : at - 1;
        break;
      case 'PageDown':
        target = at + page;
        break;
      case 'PageUp':
        target = at < 0 ? 0 : at - page;
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = this.total - 1;
        break;
      case 'Enter':
        if (this.selected >= 0) this.events.onOpen(this.selected);
        ev.preventDefault();
        return;
      case 'Escape':
        this.events.onEscape();
        ev.preventDefault();
        return;
      default:
        return;
    }
    ev.preventDefault();
    this.select(target);
  };
}

/**
 * What VS Code's row context menu (`webview/context` in package.json) is told about a row: the
 * frame id the commands receive, and keys its `when` clauses test. Only ids and booleans: frame
 * text never goes into it.
 */
function rowMenuContext(row: RowDto | undefined): string | undefined {
  if (!row) return undefined;
  return JSON.stringify({
    webviewSection: 'frame',
    frameId: row.id,
    frameDir: row.dir,
    frameHeld: !!row.flags.held,
    frameEdited: !!row.flags.edited,
    frameHasUpdate: !!row.label,
    preventDefaultContextMenuItems: true,
  });
}
