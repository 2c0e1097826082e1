interface Queued<Item> {
  readonly item: Item;
  /** Its place among the pushed items: done once its work is. */
  readonly entry: { readonly position: string; done: boolean };
}

/**
 * Works through items (events) in parallel lanes, a stream always in the same lane: in order within
 * each stream, several streams at once. `onProgress` is told the position up to which every item is
 * done (a checkpoint: nothing before it is still in flight), following the order of `push`.
 */
export class StreamLanes<Item extends { readonly streamId: string; readonly position: string }> {
  private readonly queues: Array<Array<Queued<Item>>>;
  private readonly running: Array<Promise<void> | undefined>;
  private readonly roomWaiters: Array<Array<() => void>>;
  /** Pushed items not yet part of the done prefix, in push order. */
  private readonly pending: Array<Queued<Item>['entry']> = [];
  private failure: { readonly error: unknown } | undefined;

  constructor(
    lanes: number,
    private readonly buffer: number,
    private readonly work: (item: Item) => Promise<void>,
    private readonly onProgress: (position: string) => void,
  ) {
    this.queues = Array.from({ length: lanes }, () => []);
    this.running = Array.from({ length: lanes }, () => undefined);
    this.roomWaiters = Array.from({ length: lanes }, () => []);
  }

  /** Queues an item on its stream's lane; resolves once it is queued (waits while that lane is full). */
  async push(item: Item): Promise<void> {
    const lane = laneOf(item.streamId, this.queues.length);
    for (;;) {
      if (this.failure) throw this.failure.error;
      if (this.queues[lane].length < this.buffer) break;
      await new Promise<void>((resolve) => this.roomWaiters[lane].push(resolve));
    }
    const entry = { position: item.position, done: false };
    this.pending.push(entry);
    this.queues[lane].push({ item, entry });
    this.running[lane] ??= this.runLane(lane);
  }

  /** Resolves when every item pushed so far is done; rejects with the first failure of a lane. */
  async drain(): Promise<void> {
    for (;;) {
      const running = this.running.filter((lane): lane is Promise<void> => lane !== undefined);
      if (running.length === 0) break;
      await Promise.all(running);
    }
    if (this.failure) throw this.failure.error;
  }

  private async runLane(lane: number): Promise<void> {
    const queue = this.queues[lane];
    try {
      while (queue.length > 0 && !this.failure) {
        const { item, entry } = queue[0];
        await this.work(item);
        queue.shift();
        this.roomWaiters[lane].shift()?.();
        entry.done = true;
        this.advance();
      }
    } catch (error) {
      this.failure = { error };
      for (const waiters of this.roomWaiters) for (const wake of waiters.splice(0)) wake();
    } finally {
      this.running[lane] = undefined;
    }
  }

  private advance(): void {
    let last: string | undefined;
    while (this.pending.length > 0 && this.pending[0].done) last = this.pending.shift()?.position;
    if (last !== undefined) this.onProgress(last);
  }
}

/** A stream's lane: FNV-1a of its id, so the same stream always goes to the same lane. */
export function laneOf(streamId: string, lanes: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < streamId.length; i++) {
    hash ^= streamId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % lanes;
}
