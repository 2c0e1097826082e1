import type { EntityManager } from 'typeorm';
import { ProjectionCheckpointRow } from './projection-checkpoint.entity';

/** How far a projection has applied the log: the position of the last event, null before the first. */
export async function readCheckpoint(manager: EntityManager, name: string): Promise<string | null> {
  const row = await manager.findOneBy(ProjectionCheckpointRow, { name });
  return row?.position ?? null;
}

export async function saveCheckpoint(
  manager: EntityManager,
  name: string,
  position: string,
  now: Date,
): Promise<void> {
  await manager.upsert(ProjectionCheckpointRow, { name, position, updatedAt: now.toISOString() }, ['name']);
}
