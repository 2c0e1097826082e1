import type { JsonObject, JsonValue, StreamMetadata } from '../event-store.port';

/**
 * Stream metadata in EventStoreDB's own format: the system keys `$maxCount` and `$tb` (truncate
 * before) next to the application's keys, at the top level of the `$metadata` event in `$$<stream>`.
 * Keys starting with `$` belong to EventStoreDB (`$maxAge`, `$acl`, `$cacheControl`, ...).
 */
const MAX_COUNT = '$maxCount';
const TRUNCATE_BEFORE = '$tb';

export const METADATA_EVENT_TYPE = '$metadata';

export function toEsdbStreamMetadata(metadata: StreamMetadata): JsonObject {
  const raw: JsonObject = {};
  for (const [key, value] of Object.entries(metadata.custom ?? {})) if (value !== undefined) raw[key] = value;
  if (metadata.maxCount !== undefined) raw[MAX_COUNT] = metadata.maxCount;
  if (metadata.truncateBefore !== undefined) raw[TRUNCATE_BEFORE] = metadata.truncateBefore;
  return raw;
}

export function fromEsdbStreamMetadata(raw: unknown): StreamMetadata {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const metadata: { -readonly [K in keyof StreamMetadata]: StreamMetadata[K] } = {};
  const custom: JsonObject = {};
  for (const [key, value] of Object.entries(raw as Record<string, JsonValue>)) {
    if (key === MAX_COUNT) metadata.maxCount = toCount(value);
    else if (key === TRUNCATE_BEFORE) metadata.truncateBefore = toCount(value);
    else if (!key.startsWith('$')) custom[key] = value;
  }
  if (Object.keys(custom).length > 0) metadata.custom = custom;
  return clean(metadata);
}

/**
 * Application keys must stay clear of EventStoreDB's `$` namespace: such a key would be read back as
 * a system setting (or dropped) instead of round-tripping.
 */
/**
 * EventStoreDB writes `$tb` = Int64.MaxValue on a soft delete, beyond what a JS number holds exactly:
 * clamp to the largest safe integer, which is what the embedded store reports for a deleted stream.
 */
function toCount(value: JsonValue): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  return Math.min(Math.floor(value), Number.MAX_SAFE_INTEGER);
}

function clean(metadata: StreamMetadata): StreamMetadata {
  return Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== undefined));
}
