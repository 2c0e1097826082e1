import { AppendTooLargeError, InvalidEventStoreInputError } from './errors';
import type {
  Direction,
  EventFilter,
  EventToAppend,
  ExpectedRevision,
  JsonObject,
  JsonValue,
  StreamMetadata,
  StreamStart,
} from './event-store.port';

/**
 * Input checks shared by every implementation of the port, run before anything is written, so that
 * bad input gets the same typed error whichever store is configured and never leaves half a write.
 */

export const MAX_STREAM_ID_LENGTH = 200;
export const MAX_EVENT_TYPE_LENGTH = 200;
/** EventStoreDB's default `MaxAppendSize`. */
export const DEFAULT_MAX_APPEND_SIZE_BYTES = 1_048_576;
const MAX_JSON_DEPTH = 64;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export function checkStreamId(streamId: unknown, field = 'streamId'): string {
  if (typeof streamId !== 'string') throw new InvalidEventStoreInputError(field, 'must be a string');
  if (streamId.length === 0) throw new InvalidEventStoreInputError(field, 'must not be empty');
  if (streamId.length > MAX_STREAM_ID_LENGTH)
    throw new InvalidEventStoreInputError(field, `must be at most ${MAX_STREAM_ID_LENGTH} characters`);
  if (streamId.startsWith('$'))
    throw new InvalidEventStoreInputError(
      field,
      "must not start with '$' (reserved for the store's own streams)",
    );
  if (CONTROL_CHARS.test(streamId))
    throw new InvalidEventStoreInputError(field, 'must not contain control characters');
  return streamId;
}

export function checkExpectedRevision(value: unknown, field = 'expectedRevision'): ExpectedRevision {
  if (value === undefined) return 'any';
  if (value === 'any' || value === 'no_stream' || value === 'stream_exists') return value;
  if (typeof value === 'number') return checkRevision(value, field);
  throw new InvalidEventStoreInputError(
    field,
    "must be 'any', 'no_stream', 'stream_exists' or a stream revision (an integer ≥ 0)",
  );
}

export function checkRevision(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new InvalidEventStoreInputError(field, 'must be an integer ≥ 0');
  return value;
}

export function checkStreamStart(value: unknown, field: string): StreamStart {
  if (value === 'start' || value === 'end') return value;
  return checkRevision(value, field);
}

export function checkMaxCount(value: unknown, field: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max)
    throw new InvalidEventStoreInputError(field, `must be an integer from 1 to ${max}`);
  return value;
}

export function checkDirection(value: unknown, field = 'direction'): Direction {
  if (value === undefined) return 'forwards';
  if (value === 'forwards' || value === 'backwards') return value;
  throw new InvalidEventStoreInputError(field, "must be 'forwards' or 'backwards'");
}

export function checkFilter(filter: EventFilter | undefined, field = 'filter'): EventFilter | undefined {
  if (filter === undefined) return undefined;
  const lists: Array<[string, readonly string[] | undefined]> = [
    [`${field}.streamPrefixes`, filter.streamPrefixes],
    [`${field}.eventTypes`, filter.eventTypes],
  ];
  for (const [name, list] of lists) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new InvalidEventStoreInputError(name, 'must be a list of strings');
    if (list.length > 100) throw new InvalidEventStoreInputError(name, 'must hold at most 100 entries');
    for (const item of list)
      if (typeof item !== 'string' || item.length === 0 || item.length > MAX_STREAM_ID_LENGTH)
        throw new InvalidEventStoreInputError(
          name,
          `must hold non-empty strings of at most ${MAX_STREAM_ID_LENGTH} characters`,
        );
  }
  return filter;
}

/** An event ready to write: validated, with its JSON already serialised once. */
export interface SerializedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

/**
 * Validates a whole append and serialises it. Throws before anything is written: an empty list, a
 * bad id or type, data or metadata that is not plain JSON, or a total over `maxAppendSizeBytes`.
 */
export function serializeAppend(
  streamId: string,
  events: readonly EventToAppend[],
  maxAppendSizeBytes: number,
): SerializedEvent[] {
  const list: unknown = events; // callers in plain JavaScript may pass anything
  if (!Array.isArray(list) || list.length === 0)
    throw new InvalidEventStoreInputError('events', 'must hold at least one event');
  const seen = new Set<string>();
  let size = 0;
  const out = events.map((event, i) => {
    const at = `events[${i}]`;
    if (typeof event?.id !== 'string' || !UUID.test(event.id))
      throw new InvalidEventStoreInputError(`${at}.id`, 'must be a UUID');
    const id = event.id.toLowerCase();
    if (seen.has(id)) throw new InvalidEventStoreInputError(`${at}.id`, 'must be unique within the append');
    seen.add(id);
    if (
      typeof event.type !== 'string' ||
      event.type.length === 0 ||
      event.type.length > MAX_EVENT_TYPE_LENGTH
    )
      throw new InvalidEventStoreInputError(
        `${at}.type`,
        `must be a non-empty string of at most ${MAX_EVENT_TYPE_LENGTH} characters`,
      );
    if (event.type.startsWith('$'))
      throw new InvalidEventStoreInputError(`${at}.type`, "must not start with '$' (reserved for the store)");
    const data = toJson(event.data, `${at}.data`);
    const metadata = toJson(checkJsonObject(event.metadata ?? {}, `${at}.metadata`), `${at}.metadata`);
    size += Buffer.byteLength(data) + Buffer.byteLength(metadata);
    return { id, type: event.type, data, metadata };
  });
  if (size > maxAppendSizeBytes) throw new AppendTooLargeError(streamId, size, maxAppendSizeBytes);
  return out;
}

export function checkStreamMetadata(metadata: StreamMetadata, field = 'metadata'): StreamMetadata {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))
    throw new InvalidEventStoreInputError(field, 'must be an object');
  if (metadata.maxCount !== undefined) checkMaxCount(metadata.maxCount, `${field}.maxCount`);
  if (metadata.truncateBefore !== undefined)
    checkRevision(metadata.truncateBefore, `${field}.truncateBefore`);
  if (metadata.custom !== undefined) {
    checkJsonObject(metadata.custom, `${field}.custom`);
    for (const key of Object.keys(metadata.custom))
      if (key.startsWith('$'))
        throw new InvalidEventStoreInputError(
          `${field}.custom.${key}`,
          "must not start with '$' (reserved for the store)",
        );
    toJson(metadata.custom, `${field}.custom`);
  }
  return metadata;
}

function checkJsonObject(value: unknown, field: string): JsonObject {
  if (!isPlainObject(value)) throw new InvalidEventStoreInputError(field, 'must be a plain JSON object');
  return value as JsonObject;
}

/** Serialises strictly: only null, booleans, finite numbers, strings, arrays and plain objects. */
export function toJson(value: unknown, field: string): string {
  assertJson(value, field, 0, new Set());
  return JSON.stringify(value);
}

function assertJson(
  value: unknown,
  field: string,
  depth: number,
  ancestors: Set<object>,
): asserts value is JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new InvalidEventStoreInputError(
        field,
        'must be JSON: numbers must be finite (no NaN or Infinity)',
      );
    return;
  }
  if (typeof value !== 'object')
    throw new InvalidEventStoreInputError(field, `must be JSON: a ${typeof value} cannot be serialised`);
  if (depth >= MAX_JSON_DEPTH)
    throw new InvalidEventStoreInputError(field, `must be JSON nested at most ${MAX_JSON_DEPTH} levels deep`);
  if (ancestors.has(value)) throw new InvalidEventStoreInputError(field, 'must be JSON: it refers to itself');
  ancestors.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertJson(item, `${field}[${i}]`, depth + 1, ancestors));
  } else {
    if (!isPlainObject(value))
      throw new InvalidEventStoreInputError(
        field,
        `must be JSON: a ${value.constructor?.name ?? 'class'} instance is not a plain object`,
      );
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue; // JSON.stringify drops it, as every JSON consumer expects
      assertJson(item, `${field}.${key}`, depth + 1, ancestors);
    }
  }
  ancestors.delete(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
