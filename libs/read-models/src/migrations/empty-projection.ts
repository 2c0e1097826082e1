/**
 * Statements that empty a projection's read model for the projector to rebuild it from the event log
 * when the service starts (no checkpoint: it starts from the beginning), for a migration that changes
 * what the projection writes. `tables` as they are at that migration, not as the projection lists
 * them later: a migration stays what it was.
 */
export function emptyProjection(name: string, tables: readonly string[]): string[] {
  return [
    ...tables.map((table) => `DELETE FROM ${table}`),
    `DELETE FROM projection_dead_letters WHERE projection = '${name}'`,
    `DELETE FROM projection_checkpoints WHERE name = '${name}'`,
  ];
}
