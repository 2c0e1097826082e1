import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventStore, StoredEvent, Subscription, SubscriptionMessage } from '@kb/event-store';
import { ProjectionCheckpointRow } from './projection-checkpoint.entity';
import { PROJECTED_STREAM_PREFIXES, toProjectedEvent } from './projected-event';
import type { Projection } from './projection';

export interface ProjectorOptions {
  /** Most events applied in one transaction while catching up. Default 500. */
  readonly catchUpBatchSize?: number;
  /** Most events applied in one transaction once live. Default 50. */
  readonly liveBatchSize?: number;
  /** Wait before a failed projection follows the store again from its checkpoint. Default 1 s. */
  readonly retryDelayMs?: number;
  /** Wall clock for checkpoint `updated_at` only; read-model rows never see it. */
  readonly clock?: () => Date;
}

export type ProjectionRunState = 'stopped' | 'catching-up' | 'live' | 'failed';

export interface ProjectionRunStatus {
  readonly name: string;
  readonly checkpoint: string | null;
  readonly state: ProjectionRunState;
  readonly lastError: string | null;
}

/**
 * Applies the events of `batch` that come after the projection's stored checkpoint and saves the new
 * checkpoint, all in one transaction. Returns the checkpoint after the batch.
 */
export async function applyBatch(
  dataSource: DataSource,
  projection: Projection,
  batch: readonly StoredEvent[],
  now: Date = new Date(),
): Promise<string | null> {
  return dataSource.transaction(async (manager) => {
    const stored = await readCheckpoint(manager, projection.name);
    let checkpoint = stored;
    for (const event of batch) {
      // Already applied: a redelivery, or another projector got there first.
      if (checkpoint !== null && event.position <= checkpoint) continue;
      await projection.apply(manager, toProjectedEvent(event));
      checkpoint = event.position;
    }
    if (checkpoint !== null && checkpoint !== stored)
      await manager.upsert(
        ProjectionCheckpointRow,
        { name: projection.name, position: checkpoint, updatedAt: now.toISOString() },
        ['name'],
      );
    return checkpoint;
  });
}

export async function readCheckpoint(manager: EntityManager, name: string): Promise<string | null> {
  const row = await manager.findOneBy(ProjectionCheckpointRow, { name });
  return row?.position ?? null;
}

/**
 * Keeps projections up to date: each follows a catch-up subscription from its own checkpoint and
 * commits its rows together with the checkpoint. A failing projection is retried from its
 * checkpoint after a delay; the others carry on. One projector per read-model database: two
 * processes projecting into the same database are not coordinated beyond the checkpoint check.
 */
export class Projector {
  private readonly runners: ProjectionRunner[];
  private readonly waiters = new Set<{ position: string; resolve: (reached: boolean) => void }>();

  constructor(
    store: EventStore,
    dataSource: DataSource,
    projections: readonly Projection[],
    options: ProjectorOptions = {},
  ) {
    const names = new Set(projections.map((p) => p.name));
    if (names.size !== projections.length) throw new Error('Projection names must be unique.');
    // better-sqlite3 gives TypeORM one connection: transactions must not interleave on it.
    const queue = new SerialQueue();
    this.runners = projections.map(
      (projection) =>
        new ProjectionRunner(store, dataSource, projection, queue, options, () => this.checkWaiters()),
    );
  }

  /** Loads the checkpoints and starts following the store; resolves before catching up. */
  async start(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.start()));
  }

  /** Closes the subscriptions and waits for the transactions in flight. */
  async stop(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters.clear();
  }

  status(): ProjectionRunStatus[] {
    return this.runners.map((runner) => runner.status());
  }

  /**
   * Read-your-writes: true once every projection has applied the event at `position` (an append's
   * position of an incident or action-item stream), false when `timeoutMs` passes first.
   */
  waitForPosition(position: string, timeoutMs: number): Promise<boolean> {
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

  private reached(position: string): boolean {
    return this.runners.every((runner) => {
      const checkpoint = runner.checkpoint;
      return checkpoint !== null && checkpoint >= position;
    });
  }

  private checkWaiters(): void {
    for (const waiter of [...this.waiters]) if (this.reached(waiter.position)) waiter.resolve(true);
  }
}

const IDLE = Symbol('idle');

class ProjectionRunner {
  checkpoint: string | null = null;
  private state: ProjectionRunState = 'stopped';
  private lastError: string | null = null;
  private stopping = false;
  private subscription: Subscription | undefined;
  private running: Promise<void> | undefined;
  private wakeFromRetry: (() => void) | undefined;
  private readonly logger: Logger;
  private readonly catchUpBatchSize: number;
  private readonly liveBatchSize: number;
  private readonly retryDelayMs: number;
  private readonly clock: () => Date;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly projection: Projection,
    private readonly queue: SerialQueue,
    options: ProjectorOptions,
    private readonly onCommit: () => void,
  ) {
    this.logger = new Logger(`Projection ${projection.name}`);
    this.catchUpBatchSize = options.catchUpBatchSize ?? 500;
    this.liveBatchSize = options.liveBatchSize ?? 50;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.clock = options.clock ?? (() => new Date());
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.stopping = false;
    this.checkpoint = await readCheckpoint(this.dataSource.manager, this.projection.name);
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeFromRetry?.();
    await this.subscription?.close();
    await this.running;
    this.running = undefined;
    this.state = 'stopped';
  }

  status(): ProjectionRunStatus {
    return {
      name: this.projection.name,
      checkpoint: this.checkpoint,
      state: this.state,
      lastError: this.lastError,
    };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.follow();
      } catch (error) {
        if (this.stopping) break;
        this.state = 'failed';
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger.error(`Failed after checkpoint ${this.checkpoint ?? 'start'}: ${this.lastError}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.retryDelayMs);
          this.wakeFromRetry = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeFromRetry = undefined;
      }
    }
  }

  private async follow(): Promise<void> {
    this.state = 'catching-up';
    const subscription = this.store.subscribeToAll({
      fromPosition: this.checkpoint ?? 'start',
      filter: { streamPrefixes: PROJECTED_STREAM_PREFIXES },
    });
    this.subscription = subscription;
    if (this.stopping) return subscription.close();
    const iterator = subscription[Symbol.asyncIterator]();
    let pending: StoredEvent[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      await this.commit(batch);
    };
    try {
      let next = pull(iterator);
      for (;;) {
        // Commit once the subscription has nothing more ready: small batches live, big ones in catch-up.
        const ready = pending.length > 0 ? await Promise.race([next, nothingBuffered()]) : await next;
        if (ready === IDLE) {
          await flush();
          continue;
        }
        if (ready.done) break;
        next = pull(iterator);
        const message = ready.value;
        if (message.kind === 'caughtUp') {
          await flush();
          this.state = 'live';
          this.lastError = null;
          continue;
        }
        pending.push(message.event);
        if (pending.length >= (this.state === 'live' ? this.liveBatchSize : this.catchUpBatchSize))
          await flush();
      }
      if (!this.stopping) await flush();
    } finally {
      await subscription.close();
    }
  }

  private async commit(batch: StoredEvent[]): Promise<void> {
    const checkpoint = await this.queue.run(() =>
      applyBatch(this.dataSource, this.projection, batch, this.clock()),
    );
    this.checkpoint = checkpoint;
    this.onCommit();
  }
}

function pull(iterator: AsyncIterator<SubscriptionMessage>): Promise<IteratorResult<SubscriptionMessage>> {
  const next = iterator.next();
  // Raced or awaited later; a failure must not count as unhandled in the meantime.
  next.catch(() => undefined);
  return next;
}

/** Resolves after the events already delivered by the store have had their turn. */
function nothingBuffered(): Promise<typeof IDLE> {
  return new Promise((resolve) => setImmediate(() => resolve(IDLE)));
}

/** Runs tasks one at a time, in the order given. */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
