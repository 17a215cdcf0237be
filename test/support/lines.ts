/**
 * Line-by-line reading of a child process stream, for tests that wait on what a program prints
 * (never on time): every line is kept, and `waitFor` resolves with the first line, from a
 * position on, that matches, whether it already came or comes later. When the stream ends
 * without a match it rejects, quoting the last lines, so a failing test says what it saw.
 */
import type { Readable } from 'node:stream';

interface Waiter<T> {
  from: number;
  match: (value: T) => boolean;
  what: string;
  resolve: (value: T) => void;
  reject: (err: Error) => void;
}

export class LineReader<T = string> {
  /** Every parsed line so far, in order. */
  readonly lines: T[] = [];
  /** Raw text of every line so far (same indexes as `lines` only when nothing failed to parse). */
  readonly raw: string[] = [];
  /** Lines the parser refused, with the reason. */
  readonly errors: { line: string; error: string }[] = [];
  private partial = '';
  private waiters: Waiter<T>[] = [];
  private ended = false;
  private readonly done: Promise<void>;

  constructor(
    stream: Readable,
    private readonly parse: (line: string) => T = (l) => l as unknown as T,
  ) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop() ?? '';
      for (const line of parts) this.push(line);
    });
    this.done = new Promise((resolve) => {
      stream.once('close', () => {
        if (this.partial) this.push(this.partial);
        this.partial = '';
        this.ended = true;
        for (const w of this.waiters.splice(0)) w.reject(this.unmatched(w.what));
        resolve();
      });
    });
  }

  /** Index the next line will have: pass it as `from` to wait only for what comes after now. */
  get mark(): number {
    return this.lines.length;
  }

  /** Resolves when the stream has closed (all lines are in). */
  closed(): Promise<void> {
    return this.done;
  }

  /** The first line at index ≥ `from` that matches. */
  waitFor(match: (value: T) => boolean, what = 'a matching line', from = 0): Promise<T> {
    for (let i = from; i < this.lines.length; i++) if (match(this.lines[i])) return Promise.resolve(this.lines[i]);
    if (this.ended) return Promise.reject(this.unmatched(what));
    return new Promise((resolve, reject) => this.waiters.push({ from, match, what, resolve, reject }));
  }

  private push(line: string): void {
    let value: T;
    try {
      value = this.parse(line);
    } catch (e) {
      this.errors.push({ line, error: (e as Error).message });
      return;
    }
    this.raw.push(line);
    const index = this.lines.push(value) - 1;
    for (const w of [...this.waiters]) {
      if (index >= w.from && w.match(value)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(value);
      }
    }
  }

  private unmatched(what: string): Error {
    const tail = this.raw.slice(-8).map((l) => (l.length > 300 ? l.slice(0, 300) + '…' : l));
    return new Error(`stream ended without ${what}; last lines:\n  ${tail.join('\n  ') || '(none)'}`);
  }
}
