import type { DataSource, EntityManager } from 'typeorm';
import type { StoredEvent } from '@kb/event-store';
import { saveCheckpoint } from './checkpoints';
import { lockProjectionRows } from './leases';
import { park, WAITING } from './dead-letters';
import { toProjectedEvent } from './projected-event';
import type { Projection } from './projection';
import { inSavepoint } from './savepoint';

/** What one batch did: the checkpoint after it, and how many of its events were parked. */
export interface BatchResult {
  readonly checkpoint: string | null;
  readonly parked: number;
}

/**
 * Applies the events of `batch` that come after the projection's stored checkpoint and saves the new
 * checkpoint, all in one transaction. An event the projection cannot apply is parked as a dead
 * letter (its own writes undone by a savepoint), and so are the later events of its stream, so the
 * stream's order is kept; other streams go on. If parking itself fails, nothing of the batch stays.
 *
 * The common case takes one transaction without savepoints (fewer round trips for live batches);
 * when the projection refuses the batch, that transaction is rolled back and the batch is applied
 * again in a new one, event by event.
 */
export async function applyBatch(
  dataSource: DataSource,
  projection: Projection,
  batch: readonly StoredEvent[],
  now: Date = new Date(),
): Promise<BatchResult> {
  try {
    return await dataSource.transaction((manager) => applyFresh(manager, projection, batch, now, 'whole'));
  } catch (error) {
    if (!(error instanceof BatchRefused)) throw error;
  }
  return dataSource.transaction((manager) => applyFresh(manager, projection, batch, now, 'one by one'));
}

/** The projection failed on a batch applied whole: try it again event by event. */
class BatchRefused extends Error {}

async function applyFresh(
  manager: EntityManager,
  projection: Projection,
  batch: readonly StoredEvent[],
  now: Date,
  how: 'whole' | 'one by one',
): Promise<BatchResult> {
  await lockProjectionRows(manager, projection.name);
  const { checkpoint: stored, parkedStreams: blocked } = await readState(manager, projection.name);
  // Already applied: a redelivery, or another projector got there first.
  const fresh = batch.filter((event) => stored === null || event.position > stored);
  if (fresh.length === 0) return { checkpoint: stored, parked: 0 };
  const { open, parked: waiting } = await parkBlocked(manager, projection, fresh, blocked, now);
  let parked = waiting;
  if (how === 'one by one') parked += await applyOneByOne(manager, projection, open, blocked, now);
  else
    await applyWhole(manager, projection, open).catch((error: unknown) => {
      throw new BatchRefused(error instanceof Error ? error.message : String(error));
    });
  const checkpoint = fresh[fresh.length - 1].position;
  await saveCheckpoint(manager, projection.name, checkpoint, now);
  return { checkpoint, parked };
}

/**
 * Applies events inside the caller's transaction and returns how many it parked: all of them in one
 * savepoint, and when that fails, one savepoint each (see applyOneByOne).
 */
export async function applyEvents(
  manager: EntityManager,
  projection: Projection,
  events: readonly StoredEvent[],
  blocked: Set<string>,
  now: Date,
): Promise<number> {
  const { open, parked } = await parkBlocked(manager, projection, events, blocked, now);
  if (open.length === 0) return parked;
  const error = await inSavepoint(manager, (savepoint) => applyWhole(savepoint, projection, open));
  if (error === undefined) return parked;
  return parked + (await applyOneByOne(manager, projection, open, blocked, now));
}

/** Parks the events of streams that have a parked event (they wait behind it); returns the others. */
async function parkBlocked(
  manager: EntityManager,
  projection: Projection,
  events: readonly StoredEvent[],
  blocked: ReadonlySet<string>,
  now: Date,
): Promise<{ open: StoredEvent[]; parked: number }> {
  const open: StoredEvent[] = [];
  for (const event of events)
    if (!blocked.has(event.streamId)) open.push(event);
    else await park(manager, projection.name, event, WAITING, now);
  return { open, parked: events.length - open.length };
}

/** All the events at once: one applyBatch call when the projection has it. Throws what it throws. */
async function applyWhole(
  manager: EntityManager,
  projection: Projection,
  events: readonly StoredEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const projected = events.map(toProjectedEvent);
  if (projection.applyBatch) await projection.applyBatch(manager, projected);
  else for (const event of projected) await projection.apply(manager, event);
}

/**
 * One savepoint per event: an event that fails is parked (its writes undone), and so are the later
 * events of its stream. Returns how many it parked.
 */
async function applyOneByOne(
  manager: EntityManager,
  projection: Projection,
  events: readonly StoredEvent[],
  blocked: Set<string>,
  now: Date,
): Promise<number> {
  let parked = 0;
  for (const event of events) {
    const error = blocked.has(event.streamId)
      ? WAITING
      : await inSavepoint(manager, (savepoint) => projection.apply(savepoint, toProjectedEvent(event)));
    if (error === undefined) continue;
    await park(manager, projection.name, event, error, now);
    blocked.add(event.streamId);
    parked += 1;
  }
  return parked;
}

/** The stored checkpoint and the streams with parked events, in one round trip. */
async function readState(
  manager: EntityManager,
  name: string,
): Promise<{ checkpoint: string | null; parkedStreams: Set<string> }> {
  const p = (n: number) => (manager.connection.options.type === 'postgres' ? `$${n}` : '?');
  const rows: Array<{ kind: string; value: string }> = await manager.query(
    `SELECT 'checkpoint' AS kind, position AS value FROM projection_checkpoints WHERE name = ${p(1)}
     UNION ALL
     SELECT DISTINCT 'parked' AS kind, stream_id AS value FROM projection_dead_letters WHERE projection = ${p(2)}`,
    [name, name],
  );
  return {
    checkpoint: rows.find((row) => row.kind === 'checkpoint')?.value ?? null,
    parkedStreams: new Set(rows.filter((row) => row.kind === 'parked').map((row) => row.value)),
  };
}
