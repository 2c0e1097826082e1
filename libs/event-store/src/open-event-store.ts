import { EsdbEventStore } from './esdb/esdb-event-store';
import type { EventStore } from './event-store.port';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

/** Which event store to use: the embedded SQLite file (default) or an EventStoreDB server. */
export type EventStoreConfig =
  | { readonly kind: 'embedded'; readonly file: string }
  | { readonly kind: 'eventstoredb'; readonly connectionString: string };

export function openEventStore(config: EventStoreConfig): EventStore {
  switch (config.kind) {
    case 'embedded':
      return SqliteEventStore.open({ file: config.file });
    case 'eventstoredb':
      return new EsdbEventStore(config.connectionString);
  }
}
