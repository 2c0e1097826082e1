import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { MAX_READ_ALL_COUNT, type EventStore } from '@kb/event-store';
import { DeadLetterRow } from './dead-letter.entity';
import { LocalLeases, type Leases } from './leases';
import { PROJECTED_STREAM_PREFIXES } from './projected-event';
import { ProjectionCheckpointRow } from './projection-checkpoint.entity';
import type { Projection } from './projection';
import { ProjectionRunner, type ProjectionRunStatus, type ProjectorOptions } from './projection-runner';
import { allReached, PositionWaiters } from './position-waiters';
import type { RebuildProgress } from './rebuild';
import { SerialQueue } from './serial-queue';

export { applyBatch, type BatchResult } from './apply-batch';
export { readCheckpoint } from './checkpoints';
export { leasesFor, LocalLeases, lockProjectionRows, PostgresAdvisoryLeases, type Leases } from './leases';
export { countDeadLetters, retryDeadLetters } from './dead-letters';
export type { ProjectionRunState, ProjectionRunStatus, ProjectorOptions } from './projection-runner';
export {
  rebuildProjection,
  rebuildProjections,
  type RebuildOptions,
  type RebuildPassProgress,
  type RebuildProgress,
} from './rebuild';

/** How often the watch looks whether a read of the shared checkpoints is due. */
const WATCH_TICK_MS = 25;
/** How often the shared checkpoints are read when nobody waits on them. */
const WATCH_INTERVAL_MS = 1_000;

/** Lag is counted up to this many events: beyond it, the exact number matters less than the fact. */
export const LAG_COUNT_LIMIT = MAX_READ_ALL_COUNT;

/**
 * Keeps projections up to date: each follows a catch-up subscription from its own checkpoint and
 * commits its rows together with the checkpoint. A failing projection is retried from its
 * checkpoint after a delay; the others carry on.
 *
 * Several processes may share one PostgreSQL read-model database: each projection is applied by the
 * process holding its lease (`Leases`), the others stand by, take over within about a second when
 * the holder dies, and meanwhile follow its checkpoint (announced after each commit, and polled) so
 * that read-your-writes holds in every process.
 */
export class Projector {
  private readonly runners: ProjectionRunner[];
  private readonly waiters = new PositionWaiters((position) => this.reached(position));
  private readonly leases: Leases;
  private readonly logger = new Logger('Projector');
  private watchTimer: NodeJS.Timeout | undefined;
  private watching: Promise<void> | undefined;
  private lastWatch = 0;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    projections: readonly Projection[],
    options: ProjectorOptions = {},
  ) {
    this.leases = options.leases ?? new LocalLeases();
    const names = new Set(projections.map((p) => p.name));
    if (names.size !== projections.length) throw new Error('Projection names must be unique.');
    // better-sqlite3 gives TypeORM one connection: transactions must not interleave on it. PostgreSQL
    // has a pool, so each projection commits on its own, side by side.
    const shared = dataSource.options.type === 'postgres' ? undefined : new SerialQueue();
    this.runners = projections.map(
      (projection) =>
        new ProjectionRunner(
          store,
          dataSource,
          projection,
          shared ?? new SerialQueue(),
          options,
          () => this.committed(projection.name),
          this.leases,
        ),
    );
    this.leases.onLost((names) => {
      for (const runner of this.runners) if (names.includes(runner.name)) runner.leaseLost();
    });
    this.leases.onAnnounced((name, position) => {
      this.runners.find((runner) => runner.name === name)?.observe(position, undefined);
      this.waiters.check();
    });
  }

  /** Loads the checkpoints and starts following the store; resolves before catching up. */
  async start(): Promise<void> {
    await this.leases.open();
    await Promise.all(this.runners.map((runner) => runner.start()));
    this.watchTimer = setInterval(() => this.watch(), WATCH_TICK_MS);
    this.watchTimer.unref();
  }

  /** Closes the subscriptions, waits for the transactions in flight and gives the leases up. */
  async stop(): Promise<void> {
    clearInterval(this.watchTimer);
    await this.watching;
    await Promise.all(this.runners.map((runner) => runner.stop()));
    this.waiters.releaseAll();
  }

  /** A projection applied here committed: wake the waiters, and tell the other processes. */
  private committed(name: string): void {
    this.waiters.check();
    const checkpoint = this.runners.find((runner) => runner.name === name)?.checkpoint;
    if (checkpoint) this.leases.announce(name, checkpoint);
  }

  /**
   * Reads the saved checkpoints and dead-letter counts, for the projections another process applies
   * (standby) and whenever there are dead letters (an admin may retry them from any process): every
   * second, and every tick while read-your-writes waits on a projection applied elsewhere. Never
   * when this process applies everything and nothing is parked: then it costs nothing.
   */
  private watch(): void {
    if (this.watching) return;
    const elsewhere = this.runners.some((runner) => !runner.applying);
    const parked = this.runners.some((runner) => runner.status().deadLetters > 0);
    if (!elsewhere && !parked) return;
    const due = Date.now() - this.lastWatch >= WATCH_INTERVAL_MS || (elsewhere && this.waiters.size > 0);
    if (!due) return;
    this.lastWatch = Date.now();
    this.watching = this.readShared()
      .catch((error: unknown) =>
        this.logger.warn(
          `Could not read the projections' checkpoints (${error instanceof Error ? error.message : String(error)}).`,
        ),
      )
      .finally(() => (this.watching = undefined));
  }

  private async readShared(): Promise<void> {
    const [checkpoints, letters] = await Promise.all([
      this.dataSource.manager.find(ProjectionCheckpointRow),
      this.dataSource.manager
        .createQueryBuilder(DeadLetterRow, 'letter')
        .select('letter.projection', 'projection')
        .addSelect('COUNT(*)', 'count')
        .groupBy('letter.projection')
        .getRawMany<{ projection: string; count: string | number }>(),
    ]);
    for (const runner of this.runners) {
      const saved = checkpoints.find((row) => row.name === runner.name);
      const parked = letters.find((row) => row.projection === runner.name);
      runner.observe(saved?.position ?? null, Number(parked?.count ?? 0));
    }
    this.waiters.check();
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
