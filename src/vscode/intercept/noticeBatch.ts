/**
 * One notification at a time for a stream of events (held frames about to be forwarded, frames
 * the timeout forwarded): events within `burstMs` of the first are shown together, events that
 * come while it is on screen join it silently, and only after it is dismissed does the next event
 * start a new one. A busy stream therefore never raises a notification per frame.
 * No vscode import: the controller gives it the function that shows the message.
 */
export class NoticeBatch<T> {
  private items: T[] = [];
  private showing: Promise<void> | undefined;

  /** `show` resolves when the notification is dismissed (or acted on). */
  constructor(
    private readonly show: (items: readonly T[]) => Promise<unknown>,
    private readonly burstMs = 250,
  ) {}

  add(item: T): void {
    this.items.push(item);
    this.showing ??= new Promise<void>((resolve) => setTimeout(resolve, this.burstMs))
      .then(() => this.show([...this.items]))
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.items = [];
        this.showing = undefined;
      });
  }

  /** Everything the notification on screen stands for: what it showed and what joined it since. */
  get current(): readonly T[] {
    return this.items;
  }
}
