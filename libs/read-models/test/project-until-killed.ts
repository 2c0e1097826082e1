/**
 * Test helper for the crash test: runs a projector over an event store file into a read-model
 * database until it is killed. argv: <events.db> <read-model config as JSON>.
 */
import { SqliteEventStore } from '@kb/event-store';
import { Projector } from '../src/projector/projector';
import { createReadModelDataSource, type ReadModelDatabaseConfig } from '../src/read-model-data-source';
import { readModelProjections } from '../src/read-model-projections';

async function main(): Promise<void> {
  const store = SqliteEventStore.open({ file: process.argv[2] });
  const dataSource = await createReadModelDataSource(JSON.parse(process.argv[3]) as ReadModelDatabaseConfig);
  const projector = new Projector(store, dataSource, readModelProjections(), {
    catchUpBatchSize: 200,
  });
  await projector.start();
  process.stdout.write('started\n');
}
void main();
