import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import {
  makePrivateDirectory,
  preparePrivateDatabaseFile,
  restrictDatabaseFiles,
  WalCheckpointer,
} from '@kb/event-store';
import { ActionItemRow } from './action-item/action-item.entity';
import { ApiKeyRow } from './api-key/api-key.entity';
import { INCIDENT_ENTITIES } from './incident/incident.entity';
import { INCIDENT_FACT_ENTITIES } from './reports/facts/incident-fact.entity';
import { READ_MODEL_MIGRATIONS } from './migrations/read-model-migrations';
import { DeadLetterRow } from './projector/dead-letter.entity';
import { ProjectionCheckpointRow } from './projector/projection-checkpoint.entity';
import { SearchDocumentRow } from './search/search-document.entity';
import { WebhookRow } from './webhook/webhook.entity';
import { WebhookCheckpointRow, WebhookDeliveryRow } from './webhook-delivery/webhook-delivery.entity';
import {
  ActionItemHistoryIncidentRow,
  ActionItemVersionRow,
} from './action-item-history/action-item-version.entity';

export type ReadModelDatabaseConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema?: string };

export const READ_MODEL_ENTITIES = [
  ProjectionCheckpointRow,
  DeadLetterRow,
  ...INCIDENT_ENTITIES,
  ActionItemRow,
  ...INCIDENT_FACT_ENTITIES,
  SearchDocumentRow,
  ApiKeyRow,
  WebhookRow,
  WebhookDeliveryRow,
  WebhookCheckpointRow,
  ActionItemVersionRow,
  ActionItemHistoryIncidentRow,
];

/**
 * Opens the read-model database and brings its schema up to date by migrations (never synchronize).
 * With a PostgreSQL schema, the schema is created when missing and is the connection's search_path.
 */
import { attachReadPool, closeBeforeDestroy, SqliteReadPool } from './sqlite-reads/sqlite-read-pool';

export async function createReadModelDataSource(config: ReadModelDatabaseConfig): Promise<DataSource> {
  const common = {
    entities: READ_MODEL_ENTITIES,
    migrations: READ_MODEL_MIGRATIONS,
    migrationsTableName: 'read_model_migrations',
    migrationsTransactionMode: 'all' as const,
    synchronize: false,
    logging: false,
  };
  let dataSource: DataSource;
  if (config.kind === 'sqlite') {
    // Mode 0700 for a folder made here, 0600 for the database and its -wal/-shm, whatever the umask.
    makePrivateDirectory(dirname(config.file));
    preparePrivateDatabaseFile(config.file);
    dataSource = new DataSource({
      ...common,
      type: 'better-sqlite3',
      database: config.file,
      enableWAL: true,
      prepareDatabase: (db: { pragma(source: string): unknown }) => {
        db.pragma('busy_timeout = 5000');
        // In WAL mode, NORMAL syncs the log at checkpoints rather than at every commit: a power cut
        // may undo the last commits, each with the projection checkpoints written in it, and the
        // projector applies those events again from the log (delivery resumes from its checkpoint;
        // at least once). Every projection commit no longer waits for the disk on the event loop.
        // The event store, which is the truth, keeps FULL.
        db.pragma('synchronous = NORMAL');
      },
    });
  } else {
    dataSource = new DataSource({
      ...common,
      type: 'postgres',
      url: config.url,
      schema: config.schema,
      extra: {
        options: [
          // Migrations are plain SQL with unqualified names: they land in the configured schema.
          ...(config.schema ? [`-c search_path=${quoteIdentifier(config.schema)}`] : []),
          // The read models are small enough to stay cached; at the default cost of a random page
          // (4, for spinning disks) PostgreSQL scanned whole tables rather than the reports' covering
          // indexes (the recurrence counts: 40 ms instead of 17 at 100,000 incidents).
          '-c random_page_cost=1.1',
        ].join(' '),
      },
    });
  }
  await dataSource.initialize();
  if (config.kind === 'sqlite') restrictDatabaseFiles(config.file);
  try {
    if (config.kind === 'postgres' && config.schema)
      await dataSource.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(config.schema)}`);
    await dataSource.runMigrations();
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  if (config.kind === 'sqlite' && config.file !== ':memory:') {
    // What a previous process left in the log (a seed or a rebuild that wrote gigabytes, a crash)
    // is copied into the database now, before anything is served: else the first commit did it,
    // on the event loop (0.4 s after seeding 100,000 incidents). PASSIVE: it never waits for others.
    await dataSource.query('PRAGMA wal_checkpoint(PASSIVE)');
    // From now on a worker thread copies the log into the database, leaving the projections'
    // commits on the event loop little to copy (ADR 0022).
    const checkpointer = WalCheckpointer.start(config.file);
    closeBeforeDestroy(dataSource, () => checkpointer.close());
    // The heavy reads (search, reports) of a SQLite file run in worker threads, off the event loop.
    attachReadPool(dataSource, SqliteReadPool.open(config.file));
  }
  return dataSource;
}

function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new Error(`'${name}' is not a plain PostgreSQL schema name (letters, digits, underscore).`);
  return `"${name}"`;
}
