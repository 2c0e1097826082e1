/**
 * One computation shared by every caller for a while: the first caller starts it, callers that come
 * while it runs get the same promise, and its result (or its failure) is handed out for `ttlMs`
 * after it settled. Then the next caller starts a new one. A flood of callers costs one computation
 * per `ttlMs`, and no caller waits for more than one computation.
 */
export class SharedResultCache<T> {
  private current?: { readonly promise: Promise<T>; settledAt?: number };

  /**
   * @param compute what is shared
   * @param ttlMs how long a settled result is handed out (1 s for `/health`)
   * @param now the clock, in milliseconds (tests pass a fake one)
   */
  constructor(
    private readonly compute: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    const current = this.current;
    if (current && (current.settledAt === undefined || this.now() - current.settledAt < this.ttlMs))
      return current.promise;
    const promise = Promise.resolve().then(this.compute);
    const entry: { promise: Promise<T>; settledAt?: number } = { promise };
    const settled = () => {
      entry.settledAt = this.now();
    };
    // Marks when it settled; the callers handle the outcome (this chain swallows nothing they see).
    promise.then(settled, settled);
    this.current = entry;
    return promise;
  }
}
