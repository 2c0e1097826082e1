import {
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type EventData,
  type JSONType,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type {
  EventToAppend,
  ExpectedRevision,
  JsonObject,
  JsonValue,
  StoredEvent,
} from '../event-store.port';
import type { SerializedEvent } from '../validation';
import { encodePosition } from './esdb-position.mapper';

type EsdbRecordedEvent = NonNullable<ResolvedEvent['event']> | NonNullable<AllStreamResolvedEvent['event']>;

/**
 * The event as the writer built it, with its own id (already validated and lower-cased), so that a
 * retried append carries the same ids and EventStoreDB treats it as idempotent.
 */
export function toEventData(serialized: SerializedEvent, original: EventToAppend): EventData {
  return jsonEvent({
    id: serialized.id,
    type: serialized.type,
    // The client serialises `data` with JSON.stringify; any JSON value is fine at runtime.
    data: original.data as JSONType,
    metadata: original.metadata ?? {},
  });
}

export function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  return typeof expected === 'number' ? BigInt(expected) : expected;
}

/** The stored event of a read or subscription result; undefined for an unresolved link. */
export function toStoredEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | undefined {
  const recorded = resolved.event;
  if (!recorded) return undefined;
  const position = recorded.position ?? fallbackPosition(resolved.commitPosition);
  if (!position) throw new Error(`EventStoreDB returned event ${recorded.id} without a log position.`);
  return {
    id: recorded.id,
    streamId: recorded.streamId,
    revision: Number(recorded.revision),
    position: encodePosition(position),
    type: recorded.type,
    data: recorded.isJson ? (recorded.data as JsonValue) : decodeBinary(recorded.data),
    metadata: toJsonObject(recorded.metadata),
    recordedAt: recorded.created,
  };
}

/** The log position of a read or subscription result, for cursors; undefined for an unresolved link. */
export function positionOf(resolved: ResolvedEvent | AllStreamResolvedEvent) {
  return resolved.event?.position ?? fallbackPosition(resolved.commitPosition);
}

export function isSystemEvent(event: Pick<StoredEvent, 'streamId' | 'type'>): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

/** Servers before 22.6 only report the commit position of $all results. */
function fallbackPosition(commit: bigint | undefined) {
  return commit === undefined ? undefined : { commit, prepare: commit };
}

function toJsonObject(metadata: EsdbRecordedEvent['metadata']): JsonObject {
  if (
    metadata === null ||
    typeof metadata !== 'object' ||
    Array.isArray(metadata) ||
    metadata instanceof Uint8Array
  )
    return {};
  return metadata as JsonObject;
}

/** Events written by other clients may be binary: keep JSON when it is JSON, else the UTF-8 text. */
function decodeBinary(data: Uint8Array): JsonValue {
  const text = Buffer.from(data).toString('utf8');
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}
