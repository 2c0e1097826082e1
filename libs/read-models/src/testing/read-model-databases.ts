import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createReadModelDataSource, READ_MODEL_ENTITIES } from '../read-model-data-source';
import { ProjectionCheckpointRow } from '../projector/projection-checkpoint.entity';
import { describeOnPostgres } from './describe-on-postgres';

/** Fresh, migrated read-model databases for a test; `cleanup` removes every one it opened. */
export interface ReadModelDatabases {
  readonly kind: 'sqlite' | 'postgres';
  open(): Promise<DataSource>;
  cleanup(): Promise<void>;
}

/**
 * Runs `suite` against SQLite (a temp file) and PostgreSQL at TEST_DATABASE_URL (a fresh schema per
 * database, dropped afterwards). Without TEST_DATABASE_URL the PostgreSQL run is skipped and says so;
 * with it, an unreachable server fails the tests.
 */
export function describeOnReadModelDatabases(
  title: string,
  suite: (databases: ReadModelDatabases) => void,
): void {
  describe(`${title} (SQLite)`, () => suite(sqliteDatabases()));
  describeOnPostgres(`${title} (PostgreSQL)`, (url) => suite(postgresDatabases(url)));
}

/**
 * Runs `suite` with SQLite and PostgreSQL databases together, for tests that compare the two (one
 * dataset, the same figures on both). Without TEST_DATABASE_URL it is skipped and says so.
 */
export function describeAcrossReadModelDatabases(
  title: string,
  suite: (sqlite: ReadModelDatabases, postgres: ReadModelDatabases) => void,
): void {
  describeOnPostgres(title, (url) => suite(sqliteDatabases(), postgresDatabases(url)));
}

function sqliteDatabases(): ReadModelDatabases {
  const opened: Array<{ dataSource: DataSource; dir: string }> = [];
  return {
    kind: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'kb-read-models-'));
      const dataSource = await createReadModelDataSource({
        kind: 'sqlite',
        file: join(dir, 'read-models.db'),
      });
      opened.push({ dataSource, dir });
      return dataSource;
    },
    async cleanup() {
      for (const { dataSource, dir } of opened.splice(0)) {
        if (dataSource.isInitialized) await dataSource.destroy();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function postgresDatabases(url: string): ReadModelDatabases {
  const opened: Array<{ dataSource: DataSource; schema: string }> = [];
  return {
    kind: 'postgres',
    async open() {
      const schema = `kb_test_${randomBytes(6).toString('hex')}`;
      const dataSource = await createReadModelDataSource({ kind: 'postgres', url, schema });
      opened.push({ dataSource, schema });
      return dataSource;
    },
    async cleanup() {
      for (const { dataSource, schema } of opened.splice(0)) {
        if (!dataSource.isInitialized) continue;
        await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
        await dataSource.destroy();
      }
    },
  };
}

/** Every read-model row (checkpoints left out), in primary-key order: to compare two databases. */
export async function dumpReadModels(dataSource: DataSource): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const entity of READ_MODEL_ENTITIES) {
    if (entity === ProjectionCheckpointRow) continue;
    const metadata = dataSource.getMetadata(entity);
    const order = Object.fromEntries(metadata.primaryColumns.map((c) => [c.propertyName, 'ASC' as const]));
    const rows = await dataSource.manager.find(entity, { order });
    // Dead letters keep when they were parked (wall clock, operational): compare everything else.
    dump[metadata.tableName] = rows.map((row) => {
      const { parkedAt: _parkedAt, ...rest } = row as unknown as Record<string, unknown>;
      return rest;
    });
  }
  return dump;
}

export async function checkpointOf(dataSource: DataSource, name: string): Promise<string | null> {
  const row = await dataSource.manager.findOneBy(ProjectionCheckpointRow, { name });
  return row?.position ?? null;
}
