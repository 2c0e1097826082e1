import { eventTypeFilter, excludeSystemEvents, streamNameFilter, type Filter } from '@eventstore/db-client';
import type { EventFilter, StoredEvent } from '../event-store.port';
import { isSystemEvent } from './esdb-event.mapper';

type FilterableEvent = Pick<StoredEvent, 'streamId' | 'type'>;

/**
 * How a port filter runs against EventStoreDB. The server takes a single filter, on stream names or
 * on event types, while the port allows both at once: the server narrows on one (stream prefixes when
 * given), and `accepts` applies the whole port filter, system events excluded, to what arrives.
 */
export interface AllFilterPlan {
  readonly server: Filter;
  accepts(event: FilterableEvent): boolean;
}

export function planAllFilter(filter: EventFilter | undefined): AllFilterPlan {
  const prefixes = filter?.streamPrefixes ?? [];
  const types = filter?.eventTypes ?? [];
  const server =
    prefixes.length > 0
      ? streamNameFilter({ prefixes: [...prefixes] })
      : types.length > 0
        ? eventTypeFilter({ regex: exactNamesRegex(types) })
        : excludeSystemEvents();
  return { server, accepts: (event) => acceptsEvent(filter, event) };
}

/** The port's filter semantics: an empty or missing list does not restrict. */
export function acceptsEvent(filter: EventFilter | undefined, event: FilterableEvent): boolean {
  if (isSystemEvent(event)) return false;
  const prefixes = filter?.streamPrefixes ?? [];
  const types = filter?.eventTypes ?? [];
  if (prefixes.length > 0 && !prefixes.some((prefix) => event.streamId.startsWith(prefix))) return false;
  if (types.length > 0 && !types.includes(event.type)) return false;
  return true;
}

/** A regular expression matching exactly these names (valid for .NET's engine as for JavaScript's). */
export function exactNamesRegex(names: readonly string[]): string {
  return `^(?:${names.map(escapeRegex).join('|')})$`;
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
