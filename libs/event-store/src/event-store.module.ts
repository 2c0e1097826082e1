import { Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from './event-store.port';
import { openEventStore, type EventStoreConfig, type EventStoreObservers } from './open-event-store';
import { redactUrl } from './redact-url';

class EventStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** Provides the configured {@link EventStore} under {@link EVENT_STORE}, and closes it on shutdown. */
@Module({})
export class EventStoreModule {
  /** `observers`: what the application measures of the store (group commits, appends). */
  static forRoot(config: EventStoreConfig, observers: EventStoreObservers = {}): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      providers: [
        {
          provide: EVENT_STORE,
          useFactory: () => {
            const store = openEventStore(config, observers);
            new Logger('EventStore').log(describeEventStore(config));
            return store;
          },
        },
        EventStoreLifecycle,
      ],
      exports: [EVENT_STORE],
    };
  }

  /** Provides a store made elsewhere (tests, tools); whoever made it closes it. */
  static forStore(store: EventStore): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      providers: [{ provide: EVENT_STORE, useValue: store }],
      exports: [EVENT_STORE],
    };
  }
}

export function describeEventStore(config: EventStoreConfig): string {
  return config.kind === 'embedded'
    ? `Embedded event store (SQLite) at ${config.file}`
    : `EventStoreDB at ${redactUrl(config.connectionString)}`;
}
