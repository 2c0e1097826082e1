import type { Subscription, SubscriptionMessage } from '../event-store.port';

/**
 * Wakes subscriptions of the embedded store when a commit may have added events. Commits made by
 * this process call `notify()`; commits made by another process on the same file are found by a
 * cheap poll that runs only while some subscription is waiting.
 */
export class CommitSignal {
  private readonly waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly pollIntervalMs: number,
    /** Returns true when another writer may have committed since the last call. */
    private readonly pollOtherWriters: () => boolean,
  ) {}

  notify(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    this.stopPollingIfIdle();
    for (const wake of waiters) wake();
  }

  /** Resolves at the next commit, or at once when `ready()` already holds (checked synchronously). */
  nextCommit(ready: () => boolean): Promise<void> {
    if (this.closed || ready()) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.add(resolve);
      this.timer ??= setInterval(() => {
        if (this.pollOtherWriters()) this.notify();
      }, this.pollIntervalMs).unref();
    });
  }

  /** A subscription over a generator that stops at its next step once closed (by itself or the store). */
  subscription(run: (isClosed: () => boolean) => AsyncGenerator<SubscriptionMessage>): Subscription {
    let closed = false;
    let iterated = false;
    const isClosed = () => closed || this.closed;
    return {
      [Symbol.asyncIterator]: () => {
        if (iterated) throw new Error('A subscription can be iterated only once.');
        iterated = true;
        return run(isClosed);
      },
      close: async () => {
        closed = true;
        this.notify();
      },
    };
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  private stopPollingIfIdle(): void {
    if (this.waiters.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
