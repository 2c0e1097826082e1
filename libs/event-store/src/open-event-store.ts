import { EsdbEventStore } from './esdb/esdb-event-store';
import type { EventStore } from './event-store.port';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

/** Which event store to use: the embedded SQLite file (default) or an EventStoreDB server. */
export type EventStoreConfig =
  | { readonly kind: 'embedded'; readonly file: string }
  | { readonly kind: 'eventstoredb'; readonly connectionString: string };

/** What the application may observe of its store (for metrics), without the library measuring it. */
export interface EventStoreObservers {
  /** Embedded store only: each group commit, its writes and its duration (see SqliteEventStoreOptions). */
  readonly onCommit?: (writes: number, seconds: number) => void;
  /** Wraps the store as it is provided (to time appends, say); the wrapper must pass `close` on. */
  readonly decorate?: (store: EventStore) => EventStore;
}

export function openEventStore(config: EventStoreConfig, observers: EventStoreObservers = {}): EventStore {
  const store = openUndecorated(config, observers);
  return observers.decorate ? observers.decorate(store) : store;
}

function openUndecorated(config: EventStoreConfig, observers: EventStoreObservers): EventStore {
  switch (config.kind) {
    case 'embedded':
      return SqliteEventStore.open({ file: config.file, onCommit: observers.onCommit });
    case 'eventstoredb':
      return new EsdbEventStore(config.connectionString);
  }
}
