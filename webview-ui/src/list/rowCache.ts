/**
 * The rows the webview holds: a window of the host's filtered view, keyed by row index. It never
 * holds the whole store; far-away rows are dropped as the user scrolls.
 */
import type { RowDto } from '../../../src/protocol/messages';

const KEEP = 3000;

/** When a held row's automatic forward is due, on this page's clock (set as the row arrives). */
const holdDue = new WeakMap<RowDto, number>();

export function holdDueAt(row: RowDto): number | undefined {
  return holdDue.get(row);
}

function arrived(row: RowDto): RowDto {
  const ms = row.hold?.autoForwardMs;
  if (ms !== undefined) holdDue.set(row, Date.now() + ms);
  return row;
}

export class RowCache {
  private rows = new Map<number, RowDto>();

  get size(): number {
    return this.rows.size;
  }

  get(index: number): RowDto | undefined {
    return this.rows.get(index);
  }

  set(start: number, rows: RowDto[]): void {
    for (let i = 0; i < rows.length; i++) this.rows.set(start + i, arrived(rows[i]));
  }

  /** Replaces a row in place (flags or text changed) if it is held and still the same frame. */
  update(index: number, row: RowDto): boolean {
    const old = this.rows.get(index);
    if (!old || old.id !== row.id) return false;
    this.rows.set(index, arrived(row));
    return true;
  }

  clear(): void {
    this.rows.clear();
  }

  /** `removed` rows left the front of the view: every index moves down. */
  shift(removed: number): void {
    if (!removed) return;
    const next = new Map<number, RowDto>();
    for (const [i, row] of this.rows) if (i >= removed) next.set(i - removed, row);
    this.rows = next;
  }

  /** First index in [start, end) not held, or -1. */
  firstMissing(start: number, end: number): number {
    for (let i = start; i < end; i++) if (!this.rows.has(i)) return i;
    return -1;
  }

  /** Forgets rows far from what is shown, to keep memory flat while scrolling 100k rows. */
  trim(center: number): void {
    if (this.rows.size <= KEEP) return;
    for (const i of this.rows.keys()) if (Math.abs(i - center) > KEEP / 2) this.rows.delete(i);
  }

  indexOfId(id: number): number {
    for (const [i, row] of this.rows) if (row.id === id) return i;
    return -1;
  }
}
