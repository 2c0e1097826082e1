import type { JsonObject } from '@kb/event-store';

/** Who asked for a write, and in which request: carried into the metadata of every event it writes. */
export interface CommandContext {
  /** The API key id of the caller, or `system`. */
  readonly actor: string;
  /** Taken from the request (x-correlation-id) or made for it. */
  readonly correlationId: string;
  readonly idempotencyKey?: string;
  /** Optimistic concurrency asked for by the caller. */
  readonly expectedRevision?: number;
  /**
   * Ids derived from the decided events themselves, for a writer that may run in several processes
   * at once (the deadline watcher): two that decide the same event at the same revision append the
   * same id, and the store takes the second append as a no-op. Without it, ids are random (or from
   * the idempotency key).
   */
  readonly eventIdOf?: (event: { readonly type: string; readonly data: unknown }) => string;
}

/** The metadata of every event this service writes (docs/architecture.md, "Streams and events"). */
export interface EventMetadata extends JsonObject {
  actor: string;
  correlationId: string;
  causationId: string | null;
  occurredAt: string;
  schemaVersion: number;
}

export function isEventMetadata(value: JsonObject): value is EventMetadata {
  return typeof value.actor === 'string' && typeof value.schemaVersion === 'number';
}

export const SYSTEM_ACTOR = 'system';
