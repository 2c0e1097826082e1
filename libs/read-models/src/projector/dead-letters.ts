import type { DataSource, EntityManager } from 'typeorm';
import type { EventStore, StoredEvent } from '@kb/event-store';
import { DeadLetterRow } from './dead-letter.entity';
import { lockProjectionRows } from './leases';
import { toProjectedEvent } from './projected-event';
import type { Projection } from './projection';
import { inSavepoint } from './savepoint';

/** The error of an event parked only because an earlier event of its stream is parked. */
export const WAITING = 'waits behind an earlier event of its stream that could not be applied';

/** Parks `event` as a dead letter of `projection`, with the reason it could not be applied. */
export async function park(
  manager: EntityManager,
  projection: string,
  event: StoredEvent,
  error: string,
  now: Date,
) {
  await manager.insert(DeadLetterRow, {
    projection,
    position: event.position,
    streamId: event.streamId,
    revision: event.revision,
    eventId: event.id,
    eventType: event.type,
    error: error.slice(0, 2000),
    parkedAt: now.toISOString(),
  });
}

/**
 * Applies the parked events of a projection again, stream by stream in their order: each that now
 * applies leaves the dead letters; a stream stops at its first event that still fails.
 */
export async function retryDeadLetters(
  store: EventStore,
  dataSource: DataSource,
  projection: Projection,
  now: Date = new Date(),
): Promise<{ applied: number; remaining: number }> {
  return dataSource.transaction(async (manager) => {
    await lockProjectionRows(manager, projection.name);
    const letters = await manager.find(DeadLetterRow, {
      where: { projection: projection.name },
      order: { position: 'ASC' },
    });
    const stillBlocked = new Set<string>();
    let applied = 0;
    for (const letter of letters) {
      if (stillBlocked.has(letter.streamId)) continue;
      const [event] = await store.readStream(letter.streamId, { fromRevision: letter.revision, maxCount: 1 });
      const error =
        event?.id === letter.eventId
          ? await inSavepoint(manager, (savepoint) => projection.apply(savepoint, toProjectedEvent(event)))
          : `the event ${letter.eventId} is no longer at ${letter.streamId}@${letter.revision}`;
      if (error === undefined) {
        await manager.delete(DeadLetterRow, { projection: letter.projection, position: letter.position });
        applied += 1;
      } else {
        await manager.update(
          DeadLetterRow,
          { projection: letter.projection, position: letter.position },
          { error, parkedAt: now.toISOString() },
        );
        stillBlocked.add(letter.streamId);
      }
    }
    return { applied, remaining: letters.length - applied };
  });
}

export async function countDeadLetters(manager: EntityManager, projection: string): Promise<number> {
  return manager.countBy(DeadLetterRow, { projection });
}
