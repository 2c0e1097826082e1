import type { EntityManager } from 'typeorm';

/** Runs `work` in a savepoint: undone on error, which is returned; undefined when it succeeded. */
export async function inSavepoint(
  manager: EntityManager,
  work: (savepoint: EntityManager) => Promise<void>,
): Promise<string | undefined> {
  try {
    await manager.transaction(work);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
