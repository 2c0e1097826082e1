import { randomUUID } from 'node:crypto';
import type { CommandContext } from './event-metadata';
import { nameBasedUuid } from './deterministic-id';

/** Who sends a command: the API key id (or `system`) and the request's correlation id. */
export interface Caller {
  readonly actor: string;
  readonly correlationId: string;
}

/** The context of a command: the caller, plus the contract's optional idempotencyKey and expectedRevision. */
export function commandContext(
  caller: Caller,
  input: { idempotencyKey?: string | null; expectedRevision?: number | null },
): CommandContext {
  return {
    ...caller,
    idempotencyKey: input.idempotencyKey ?? undefined,
    expectedRevision: input.expectedRevision ?? undefined,
  };
}

/**
 * The id of an entity a command creates. With an idempotency key it is derived from the caller and
 * the key, so a retry lands on the same stream and is recognised there.
 */
export function newEntityId(context: CommandContext, operation: string): string {
  return context.idempotencyKey === undefined
    ? randomUUID()
    : nameBasedUuid(`${operation}\n${context.actor}\n${context.idempotencyKey}`);
}
