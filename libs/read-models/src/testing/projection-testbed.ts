import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { SqliteEventStore } from '@kb/event-store';
import type { Projection } from '../projector/projection';
import { Projector, type ProjectorOptions } from '../projector/projector';
import type { ReadModelDatabases } from './read-model-databases';
import { WriteSide } from './write-side.fixture';

/** What a read-model integration test works with; fresh for every test. */
export interface ProjectionTestbed {
  readonly store: SqliteEventStore;
  /** A fresh, migrated read-model database. */
  readonly dataSource: DataSource;
  /** The real write side over `store`. */
  readonly writer: WriteSide;
  /** Starts a projector over `store`; it is stopped after the test. */
  startProjector(
    target: DataSource,
    projections: Projection[],
    options?: ProjectorOptions,
  ): Promise<Projector>;
}

/**
 * Registers beforeEach/afterEach for a read-model suite: an embedded event store in a temp folder,
 * a read-model database from `databases`, the write side; afterwards every projector is stopped and
 * everything is removed.
 */
export function useProjectionTestbed(databases: ReadModelDatabases): ProjectionTestbed {
  let current:
    { dir: string; store: SqliteEventStore; dataSource: DataSource; writer: WriteSide } | undefined;
  const projectors: Projector[] = [];
  const now = () => {
    if (!current) throw new Error('The projection testbed is used outside a test.');
    return current;
  };

  beforeEach(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-read-model-test-'));
    const store = SqliteEventStore.open({ file: join(dir, 'events.db') });
    current = { dir, store, dataSource: await databases.open(), writer: new WriteSide(store) };
  });
  afterEach(async () => {
    for (const projector of projectors.splice(0)) await projector.stop();
    const { dir, store } = now();
    await store.close();
    await databases.cleanup();
    rmSync(dir, { recursive: true, force: true });
    current = undefined;
  });

  return {
    get store() {
      return now().store;
    },
    get dataSource() {
      return now().dataSource;
    },
    get writer() {
      return now().writer;
    },
    async startProjector(target, projections, options = {}) {
      const projector = new Projector(now().store, target, projections, options);
      projectors.push(projector);
      await projector.start();
      return projector;
    },
  };
}
