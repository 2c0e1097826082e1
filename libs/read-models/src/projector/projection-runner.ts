import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { EventStore, StoredEvent, Subscription, SubscriptionMessage } from '@kb/event-store';
import { applyBatch } from './apply-batch';
import { readCheckpoint, saveCheckpoint } from './checkpoints';
import { countDeadLetters, retryDeadLetters } from './dead-letters';
import { lockProjectionRows, type Leases } from './leases';
import { PROJECTED_STREAM_PREFIXES } from './projected-event';
import { projectionReads, type Projection } from './projection';
import { rebuildProjection, type RebuildProgress } from './rebuild';
import type { SerialQueue } from './serial-queue';

export interface ProjectorOptions {
  /** Most events applied in one transaction while catching up. Default 500. */
  readonly catchUpBatchSize?: number;
  /** Most events applied in one transaction once live. Default 50. */
  readonly liveBatchSize?: number;
  /** Wait before a failed projection follows the store again from its checkpoint. Default 1 s. */
  readonly retryDelayMs?: number;
  /** Wall clock for checkpoint `updated_at` and how often skipped batches save it; read-model rows never see it. */
  readonly clock?: () => Date;
  /**
   * Whether this process applies projections (KB_ROLES has `projector`). Default true. When false it
   * only watches how far the process that does has come (read-your-writes, status).
   */
  readonly mayApply?: boolean;
  /** Who applies each projection when processes share the database. Default: this one alone. */
  readonly leases?: Leases;
  /** How often a standby tries to take a projection over. Default 1 s. */
  readonly leaseRetryMs?: number;
  /** Told after each transaction that applied events to a projection (for metrics; must not throw). */
  readonly onApplied?: (projection: string, events: number) => void;
}

/**
 * `stalled`: live, but with parked events (dead letters) waiting for a fix and a retry. `standby`:
 * another process applies it (it holds the lease); this one follows its checkpoint.
 */
export type ProjectionRunState =
  'stopped' | 'catching-up' | 'live' | 'stalled' | 'rebuilding' | 'failed' | 'standby';

export interface ProjectionRunStatus {
  readonly name: string;
  readonly checkpoint: string | null;
  readonly state: ProjectionRunState;
  readonly lastError: string | null;
  /** Events parked because this projection could not apply them (or wait behind one that could not). */
  readonly deadLetters: number;
}

const IDLE = Symbol('idle');

/**
 * Follows the store for one projection from its checkpoint, in batches, and retries from the
 * checkpoint after a failure. Its transactions go through `queue` (shared on SQLite's one connection).
 */
export class ProjectionRunner {
  checkpoint: string | null = null;
  private deadLetters = 0;
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
  private readonly onApplied: ProjectorOptions['onApplied'];
  private checkpointSavedAt = 0;
  private pendingSave: NodeJS.Timeout | undefined;
  private readonly mayApply: boolean;
  private readonly leaseRetryMs: number;
  /** Whether this process holds the projection's lease and applies it. */
  private holding = false;

  get name(): string {
    return this.projection.name;
  }

  /** Whether this process applies the projection now (it holds the lease). */
  get applying(): boolean {
    return this.holding;
  }

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly projection: Projection,
    private readonly queue: SerialQueue,
    options: ProjectorOptions,
    private readonly onCommit: () => void,
    private readonly leases: Leases,
  ) {
    this.logger = new Logger(`Projection ${projection.name}`);
    this.catchUpBatchSize = options.catchUpBatchSize ?? 500;
    this.liveBatchSize = options.liveBatchSize ?? 50;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.clock = options.clock ?? (() => new Date());
    this.mayApply = options.mayApply ?? true;
    this.leaseRetryMs = options.leaseRetryMs ?? 1_000;
    this.onApplied = options.onApplied;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.stopping = false;
    this.checkpoint = await readCheckpoint(this.dataSource.manager, this.projection.name);
    this.checkpointSavedAt = this.clock().getTime();
    this.deadLetters = await countDeadLetters(this.dataSource.manager, this.projection.name);
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.pendingSave);
    this.pendingSave = undefined;
    this.wakeFromRetry?.();
    await this.subscription?.close();
    await this.running;
    this.running = undefined;
    if (this.holding && this.state !== 'failed') await this.saveCheckpoint().catch(() => undefined);
    await this.giveUpLease();
    this.state = 'stopped';
  }

  /**
   * The lease was lost (its database connection dropped): stop applying at once. The transaction in
   * flight, if any, cannot apply anything twice (lockProjectionRows); the run loop goes to standby.
   */
  leaseLost(): void {
    if (!this.holding) return;
    this.holding = false;
    this.logger.warn('Lost its lease: another process may apply it now; standing by.');
    void this.subscription?.close();
  }

  /** What the process holding the lease has saved or announced (standby only; never moves back). */
  observe(checkpoint: string | null, deadLetters: number | undefined): void {
    if (deadLetters !== undefined) this.deadLetters = deadLetters;
    if (this.holding || checkpoint === null) return;
    if (this.checkpoint === null || checkpoint > this.checkpoint) this.checkpoint = checkpoint;
  }

  status(): ProjectionRunStatus {
    return {
      name: this.projection.name,
      checkpoint: this.checkpoint,
      state: this.state === 'live' && this.deadLetters > 0 ? 'stalled' : this.state,
      lastError: this.lastError,
      deadLetters: this.deadLetters,
    };
  }

  async rebuild(onProgress?: (progress: RebuildProgress) => void): Promise<RebuildProgress> {
    const before = this.state;
    this.state = 'rebuilding';
    try {
      const result = await this.queue.run(async () => {
        const progress = await rebuildProjection(this.store, this.dataSource, this.projection, {
          onProgress,
          now: this.clock(),
        });
        this.checkpoint = await readCheckpoint(this.dataSource.manager, this.projection.name);
        this.deadLetters = progress.parked;
        return progress;
      });
      this.onCommit();
      return result;
    } finally {
      if (this.state === 'rebuilding') this.state = before;
    }
  }

  async retryDeadLetters(): Promise<{ applied: number; remaining: number }> {
    const result = await this.queue.run(() =>
      retryDeadLetters(this.store, this.dataSource, this.projection, this.clock()),
    );
    this.deadLetters = result.remaining;
    return result;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (!this.holding) {
        if (await this.takeLease()) continue;
        this.state = 'standby';
        await this.pause(this.leaseRetryMs);
        continue;
      }
      try {
        await this.follow();
      } catch (error) {
        if (this.stopping) break;
        if (!this.holding) continue;
        this.state = 'failed';
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger.error(`Failed after checkpoint ${this.checkpoint ?? 'start'}: ${this.lastError}`);
        await this.pause(this.retryDelayMs);
      }
    }
  }

  /**
   * Takes the lease when this process may apply and no other holds it, and then starts from the
   * stored checkpoint (the last holder's, or this process's own from before).
   */
  private async takeLease(): Promise<boolean> {
    if (!this.mayApply) return false;
    try {
      if (!(await this.leases.tryAcquire(this.projection.name))) return false;
      const wasStandby = this.state === 'standby';
      this.checkpoint = await readCheckpoint(this.dataSource.manager, this.projection.name);
      this.checkpointSavedAt = this.clock().getTime();
      this.deadLetters = await countDeadLetters(this.dataSource.manager, this.projection.name);
      this.holding = true;
      if (wasStandby)
        this.logger.log(`Took over from checkpoint ${this.checkpoint ?? 'start'} (its holder is gone).`);
      return true;
    } catch (error) {
      this.holding = false;
      await this.leases.release(this.projection.name).catch(() => undefined);
      if (!this.stopping)
        this.logger.warn(
          `Could not take its lease (${error instanceof Error ? error.message : String(error)}); trying again.`,
        );
      return false;
    }
  }

  private async giveUpLease(): Promise<void> {
    const held = this.holding;
    this.holding = false;
    if (held) await this.leases.release(this.projection.name).catch(() => undefined);
  }

  /** Waits `ms`, or less when stopped. */
  private async pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeFromRetry = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeFromRetry = undefined;
  }

  private async follow(): Promise<void> {
    this.state = 'catching-up';
    const subscription = this.store.subscribeToAll({
      fromPosition: this.checkpoint ?? 'start',
      filter: { streamPrefixes: PROJECTED_STREAM_PREFIXES },
    });
    this.subscription = subscription;
    if (this.stopping || !this.holding) return subscription.close();
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
      if (!this.stopping && this.holding) await flush();
    } finally {
      await subscription.close();
    }
  }

  private async commit(batch: StoredEvent[]): Promise<void> {
    if (!this.reads(batch)) return this.skip(batch);
    const { checkpoint, parked } = await this.queue.run(() =>
      applyBatch(this.dataSource, this.projection, batch, this.clock()),
    );
    this.checkpoint = checkpoint;
    this.checkpointSavedAt = this.clock().getTime();
    this.onApplied?.(this.projection.name, batch.length - parked);
    if (parked > 0) {
      this.deadLetters += parked;
      this.logger.warn(
        `Parked ${parked} event(s) it could not apply; see projection_dead_letters, then retry.`,
      );
    }
    this.onCommit();
  }

  /** Whether the batch holds an event the projection reads (of its streams and types). */
  private reads(batch: readonly StoredEvent[]): boolean {
    return batch.some((event) => projectionReads(this.projection, event));
  }

  /**
   * A batch the projection ignores whole changes none of its rows: the checkpoint moves on in memory
   * (read-your-writes and status see it at once) and is saved at most once a second. After a crash
   * the events since the saved one are read again and ignored again.
   */
  private async skip(batch: readonly StoredEvent[]): Promise<void> {
    this.checkpoint = batch[batch.length - 1].position;
    this.onCommit();
    const sinceSaved = this.clock().getTime() - this.checkpointSavedAt;
    if (sinceSaved >= CHECKPOINT_SAVE_INTERVAL_MS) return this.saveCheckpoint();
    // Saved within the interval even when no batch follows: other processes watching this
    // projection (an API replica waiting for its write) read the saved checkpoint.
    this.pendingSave ??= setTimeout(() => {
      this.pendingSave = undefined;
      if (this.holding && !this.stopping) void this.saveCheckpoint().catch(() => undefined);
    }, CHECKPOINT_SAVE_INTERVAL_MS - sinceSaved);
    this.pendingSave.unref();
  }

  /** Saves the in-memory checkpoint when it is ahead of the stored one (skipped batches). */
  private async saveCheckpoint(): Promise<void> {
    const position = this.checkpoint;
    if (position === null) return;
    this.checkpointSavedAt = this.clock().getTime();
    await this.queue.run(() =>
      this.dataSource.transaction(async (manager) => {
        await lockProjectionRows(manager, this.projection.name);
        const stored = await readCheckpoint(manager, this.projection.name);
        if (stored === null || stored < position)
          await saveCheckpoint(manager, this.projection.name, position, this.clock());
      }),
    );
  }
}

/** How often a projection that skips batches it does not read saves how far it has got. */
const CHECKPOINT_SAVE_INTERVAL_MS = 1_000;

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
