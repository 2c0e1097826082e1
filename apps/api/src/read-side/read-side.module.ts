import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore } from '@kb/event-store';
import {
  createReadModelDataSource,
  leasesFor,
  Projector,
  type Leases,
  type ProjectorOptions,
  type ReadModelDatabaseConfig,
} from '@kb/read-models';
import { projections } from './projections';
import { ReadYourWrites } from './read-your-writes';

export const READ_MODEL_DATA_SOURCE = Symbol('READ_MODEL_DATA_SOURCE');
/** Who does the work one process must do at a time (projections, webhook delivery): `Leases`. */
export const LEASES = Symbol('LEASES');

class ReadSideLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly projector: Projector,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LEASES) private readonly leases: Leases,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.projector.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.projector.stop();
    await this.leases.close();
    await this.dataSource.destroy();
  }
}

/**
 * The read side: the read-model database (migrated at start) and the projector that follows the
 * event store into it. Read-your-writes waits on `Projector.waitForPosition`. `project`: this
 * process applies projections (KB_ROLES has `projector`); else it follows the process that does.
 */
@Module({})
export class ReadSideModule {
  /**
   * `projector`: options of the projector: `mayApply` when this process applies projections (KB_ROLES
   * has `projector`; else it follows the process that does), `onApplied` for metrics.
   */
  static forRoot(config: ReadModelDatabaseConfig, projector: ProjectorOptions = {}): DynamicModule {
    return {
      module: ReadSideModule,
      global: true,
      providers: [
        {
          provide: READ_MODEL_DATA_SOURCE,
          useFactory: async () => {
            const dataSource = await createReadModelDataSource(config);
            new Logger('ReadModels').log(
              config.kind === 'sqlite'
                ? `Read models (SQLite) at ${config.file}`
                : 'Read models in PostgreSQL (DATABASE_URL)',
            );
            return dataSource;
          },
        },
        {
          provide: LEASES,
          inject: [READ_MODEL_DATA_SOURCE],
          useFactory: (dataSource: DataSource) => leasesFor(dataSource),
        },
        {
          provide: Projector,
          inject: [EVENT_STORE, READ_MODEL_DATA_SOURCE, LEASES],
          useFactory: (store: EventStore, dataSource: DataSource, leases: Leases) =>
            new Projector(store, dataSource, projections(), { ...projector, leases }),
        },
        ReadSideLifecycle,
        ReadYourWrites,
      ],
      exports: [READ_MODEL_DATA_SOURCE, LEASES, Projector, ReadYourWrites],
    };
  }
}
