import type { DataSource } from 'typeorm';
import type { EventStore } from '@kb/event-store';
import { applyEvents } from './apply-batch';
import { lockProjectionRows } from './leases';
import { saveCheckpoint } from './checkpoints';
import { DeadLetterRow } from './dead-letter.entity';
import { ProjectionCheckpointRow } from './projection-checkpoint.entity';
import { PROJECTED_STREAM_PREFIXES } from './projected-event';
import { projectionReads, type Projection } from './projection';

export interface RebuildProgress {
  readonly projection: string;
  readonly events: number;
  readonly parked: number;
}

/**
 * Replays the whole log into a projection's tables, from empty, in ONE transaction: readers keep
 * seeing the old rows until the rebuilt ones commit (WAL in SQLite, MVCC in PostgreSQL), so the API
 * keeps answering throughout. Dead letters and the checkpoint are rebuilt with the rows.
 */
export async function rebuildProjection(
  store: EventStore,
  dataSource: DataSource,
  projection: Projection,
  options: RebuildOptions & { onProgress?: (progress: RebuildProgress) => void } = {},
): Promise<RebuildProgress> {
  const { onProgress, ...rest } = options;
  const [result] = await rebuildProjections(store, dataSource, [projection], {
    ...rest,
    onProgress: onProgress && ((pass) => onProgress(pass.projections[0])),
  });
  return result;
}

export interface RebuildOptions {
  /** Events read from the store at once. Default 4096. */
  readonly pageSize?: number;
  readonly now?: Date;
}

/** How far a rebuild of several projections has come: the events read, and each projection's count. */
export interface RebuildPassProgress {
  readonly events: number;
  readonly projections: readonly RebuildProgress[];
}

/**
 * Rebuilds several projections (as rebuildProjection) in ONE pass over the log and one transaction:
 * each page of events is read and decoded once and handed to every projection that reads its streams.
 * Reading the log is a large share of a rebuild, so this is much faster than one rebuild after the
 * other (the seed and `projections:rebuild` of everything use it). Results in the given order.
 */
export async function rebuildProjections(
  store: EventStore,
  dataSource: DataSource,
  projections: readonly Projection[],
  options: RebuildOptions & { onProgress?: (progress: RebuildPassProgress) => void } = {},
): Promise<RebuildProgress[]> {
  const now = options.now ?? new Date();
  const results = await dataSource.transaction(async (manager) => {
    const states = projections.map((projection) => ({
      projection,
      blocked: new Set<string>(),
      progress: { projection: projection.name, events: 0, parked: 0 },
    }));
    // Whoever applies these projections live waits until the rebuilt rows commit, then goes on from
    // the rebuilt checkpoint (in name order: two rebuilds never wait for each other crosswise).
    for (const name of projections.map((p) => p.name).sort()) await lockProjectionRows(manager, name);
    for (const { projection } of states) {
      for (const table of projection.tables) await manager.query(`DELETE FROM ${table}`);
      await manager.delete(DeadLetterRow, { projection: projection.name });
      await manager.delete(ProjectionCheckpointRow, { name: projection.name });
    }
    let read = 0;
    let after: string | undefined;
    for (;;) {
      const page = await store.readAll({
        fromPosition: after ?? 'start',
        maxCount: options.pageSize ?? 4096,
        // Every projected stream, as live projecting reads them, so the checkpoint ends up where a
        // live projector's would.
        filter: { streamPrefixes: PROJECTED_STREAM_PREFIXES },
      });
      if (page.length === 0) break;
      for (const state of states) {
        const events = page.filter((event) => projectionReads(state.projection, event));
        const parked = await applyEvents(manager, state.projection, events, state.blocked, now);
        state.progress = {
          projection: state.projection.name,
          events: state.progress.events + events.length,
          parked: state.progress.parked + parked,
        };
      }
      read += page.length;
      after = page[page.length - 1].position;
      options.onProgress?.({ events: read, projections: states.map((state) => state.progress) });
    }
    if (after !== undefined)
      for (const { projection } of states) await saveCheckpoint(manager, projection.name, after, now);
    return states.map((state) => state.progress);
  });
  // The tables were just emptied and filled again: reclaim the old rows' space now (every row is a
  // dead one; autovacuum may be off or far behind) and give the planner fresh statistics.
  if (dataSource.options.type === 'postgres')
    for (const projection of projections)
      for (const table of projection.tables) await dataSource.query(`VACUUM (ANALYZE) ${table}`);
  return results;
}
