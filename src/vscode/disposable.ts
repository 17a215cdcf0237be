/**
 * A small Disposable base (as in vscode-extension-samples): a feature object registers what it
 * creates (listeners, timers, VS Code items) and disposes all of it once, in reverse order.
 */
export interface DisposableLike {
  dispose(): unknown;
}

export abstract class Disposable implements DisposableLike {
  private readonly disposables: DisposableLike[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** Keeps `d` until this object is disposed; disposes it at once if that already happened. */
  protected register<T extends DisposableLike>(d: T): T {
    if (this.disposed) d.dispose();
    else this.disposables.push(d);
    return d;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        // One failing cleanup must not keep the others from running.
      }
    }
  }
}

/** A DisposableLike from a function (e.g. removing an EventEmitter listener). */
export function toDisposable(fn: () => unknown): DisposableLike {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      fn();
    },
  };
}
