import type { DataSource } from 'typeorm';
import { MAX_READ_ALL_COUNT, type EventStore } from '@kb/event-store';
import { PROJECTED_STREAM_PREFIXES } from './projected-event';
import type { Projection } from './projection';
import { ProjectionRunner, type ProjectionRunStatus, type ProjectorOptions } from './projection-runner';
import { allReached, PositionWaiters } from './position-waiters';
import type { RebuildProgress } from './rebuild';
import { SerialQueue } from './serial-queue';

export { applyBatch, type BatchResult } from './apply-batch';
export { readCheckpoint } from './checkpoints';
export { countDeadLetters, retryDeadLetters } from './dead-letters';
export type { ProjectionRunState, ProjectionRunStatus, ProjectorOptions } from './projection-runner';
export {
  rebuildProjection,
  rebuildProjections,
  type RebuildOptions,
  type RebuildPassProgress,
  type RebuildProgress,
} from './rebuild';

/** Lag is counted up to this many events: beyond it, the exact number matters less than the fact. */
export const LAG_COUNT_LIMIT = MAX_READ_ALL_COUNT;

/**
 * Keeps projections up to date: each follows a catch-up subscription from its own checkpoint and
 * commits its rows together with the checkpoint. A failing projection is retried from its
 * checkpoint after a delay; the others carry on. One projector per read-model database: two
 * processes projecting into the same database are not coordinated beyond the checkpoint check.
 */
export class Projector {
  private readonly runners: ProjectionRunner[];
  private readonly waiters = new PositionWaiters((position) => this.reached(position));

  constructor(
    private readonly store: EventStore,
    dataSource: DataSource,
    projections: readonly Projection[],
    options: ProjectorOptions = {},
  ) {
    const names = new Set(projections.map((p) => p.name));
    if (names.size !== projections.length) throw new Error('Projection names must be unique.');
    // better-sqlite3 gives TypeORM one connection: transactions must not interleave on it. PostgreSQL
    // has a pool, so each projection commits on its own, side by side.
    const shared = dataSource.options.type === 'postgres' ? undefined : new SerialQueue();
    this.runners = projections.map(
      (projection) =>
        new ProjectionRunner(store, dataSource, projection, shared ?? new SerialQueue(), options, () =>
          this.waiters.check(),
        ),
    );
  }

  /** Loads the checkpoints and starts following the store; resolves before catching up. */
  async start(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.start()));
  }

  /** Closes the subscriptions and waits for the transactions in flight. */
  async stop(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
    this.waiters.releaseAll();
  }

  status(): ProjectionRunStatus[] {
    return this.runners.map((runner) => runner.status());
  }

  /**
   * Status with the lag of each projection: the events of the log it still has to apply, counted up
   * to {@link LAG_COUNT_LIMIT} (a lag of that size means "at least that many").
   */
  async statusWithLag(): Promise<Array<ProjectionRunStatus & { lag: number }>> {
    return Promise.all(
      this.status().map(async (status) => {
        const behind = await this.store.readAll({
          fromPosition: status.checkpoint ?? 'start',
          maxCount: LAG_COUNT_LIMIT,
          filter: { streamPrefixes: PROJECTED_STREAM_PREFIXES },
        });
        return { ...status, lag: behind.length };
      }),
    );
  }

  /**
   * Admin: rebuilds one projection or all from the start of the log, each in one transaction (the
   * old rows stay readable until the new ones commit). Live projecting waits meanwhile.
   */
  async rebuild(name?: string, onProgress?: (progress: RebuildProgress) => void): Promise<RebuildProgress[]> {
    const results = [];
    for (const runner of this.runnersNamed(name)) results.push(await runner.rebuild(onProgress));
    return results;
  }

  private runnersNamed(name: string | undefined): ProjectionRunner[] {
    const runners = this.runners.filter((runner) => name === undefined || runner.name === name);
    if (name !== undefined && runners.length === 0)
      throw new Error(`There is no projection named '${name}'.`);
    return runners;
  }

  /** Admin: applies parked events again (after a fix), for one projection or all. */
  async retryDeadLetters(
    name?: string,
  ): Promise<Array<{ name: string; applied: number; remaining: number }>> {
    const results = [];
    for (const runner of this.runnersNamed(name))
      results.push({ name: runner.name, ...(await runner.retryDeadLetters()) });
    return results;
  }

  /**
   * Read-your-writes: true once every projection has applied the event at `position` (an append's
   * position of an incident or action-item stream), false when `timeoutMs` passes first.
   */
  waitForPosition(position: string, timeoutMs: number): Promise<boolean> {
    return this.waiters.wait(position, timeoutMs);
  }

  private reached(position: string): boolean {
    const checkpoints = this.runners.map((runner) => runner.checkpoint);
    return allReached(checkpoints, position);
  }
}
