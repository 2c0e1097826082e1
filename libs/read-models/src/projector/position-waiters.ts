/**
 * Whether every projection has applied the event at `position`: each checkpoint is at or past it
 * (null: nothing applied yet). Positions compare as strings, as the store orders them.
 */
export function allReached(checkpoints: readonly (string | null)[], position: string): boolean {
  return checkpoints.every((checkpoint) => checkpoint !== null && checkpoint >= position);
}

interface Waiter {
  readonly position: string;
  readonly resolve: (reached: boolean) => void;
}

/**
 * Read-your-writes: callers waiting until a position has been applied. `reached` tells whether it
 * has; `check` is called after each commit, `releaseAll` when the projector stops.
 */
export class PositionWaiters {
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly reached: (position: string) => boolean) {}

  /** How many callers wait now. */
  get size(): number {
    return this.waiters.size;
  }

  /** True once `reached(position)`, false when `timeoutMs` passes first or on `releaseAll`. */
  wait(position: string, timeoutMs: number): Promise<boolean> {
    if (this.reached(position)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(false), timeoutMs);
      const waiter = { position, resolve: (reached: boolean) => settle(reached) };
      const settle = (reached: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(reached);
      };
      this.waiters.add(waiter);
    });
  }

  /** Resolves the waiters whose position is reached now. */
  check(): void {
    for (const waiter of [...this.waiters]) if (this.reached(waiter.position)) waiter.resolve(true);
  }

  /** Resolves every waiter with false. */
  releaseAll(): void {
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters.clear();
  }
}
