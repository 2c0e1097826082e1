import type { EntityManager } from 'typeorm';
import type { ProjectedEvent } from './projected-event';

/**
 * A read model's projection. `apply` runs inside the projector's transaction (use only `manager`),
 * must be deterministic (times from the event, never the clock) and must leave the rows unchanged
 * when given an event it has already applied.
 */
export interface Projection {
  /** Stable name: the key of its checkpoint. */
  readonly name: string;
  /** The tables holding only this projection's rows; a rebuild empties them (in this order). */
  readonly tables: readonly string[];
  /**
   * The stream prefixes whose events it reads (it must ignore every other event). A live batch with
   * none of them commits nothing for it: its checkpoint moves on in memory and is saved at most once
   * a second. Absent: it reads every projected stream.
   */
  readonly streamPrefixes?: readonly string[];
  /**
   * The event types it reads, when it needs only some of those streams' events (it must ignore the
   * others): a live batch with none of them is skipped in the same way. Absent: every type.
   */
  readonly eventTypes?: ReadonlySet<string>;
  apply(manager: EntityManager, event: ProjectedEvent): Promise<void>;
  /**
   * Optional, for speed: applies `events` (in log order) leaving exactly the rows that `apply`
   * called on each in turn would, typically with a few statements per table for the whole batch.
   * When it throws, the projector undoes its writes and falls back to `apply`, one event at a time.
   */
  applyBatch?(manager: EntityManager, events: readonly ProjectedEvent[]): Promise<void>;
}

/** Whether `projection` reads an event of this stream and type (see streamPrefixes, eventTypes). */
export function projectionReads(
  projection: Pick<Projection, 'streamPrefixes' | 'eventTypes'>,
  event: { readonly streamId: string; readonly type: string },
): boolean {
  const { streamPrefixes, eventTypes } = projection;
  return (
    (streamPrefixes === undefined || streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))) &&
    (eventTypes === undefined || eventTypes.has(event.type))
  );
}
