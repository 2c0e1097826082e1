import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEsdbGrpcServer } from '../../test/esdb-grpc-server/esdb-grpc-server';
import { eventStoreContract } from '../../test/event-store.contract';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { EsdbEventStore } from './esdb-event-store';

const MAX_APPEND = 64 * 1024;

eventStoreContract('EventStoreDB adapter over the in-process gRPC server', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kb-esdb-'));
  const backing = SqliteEventStore.open({ file: join(dir, 'events.db'), maxAppendSizeBytes: MAX_APPEND });
  const server = await startEsdbGrpcServer({ store: backing });
  const store = EsdbEventStore.connect(server.connectionString, { maxAppendSizeBytes: MAX_APPEND });
  return {
    store,
    maxAppendSizeBytes: MAX_APPEND,
    close: async () => {
      await store.close();
      await server.close();
      await backing.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const realServer = process.env.EVENTSTORE_URL;
if (realServer)
  eventStoreContract(`EventStoreDB adapter against the real server at ${realServer}`, async () => {
    const store = EsdbEventStore.connect(realServer);
    return { store, maxAppendSizeBytes: 1_048_576, close: () => store.close() };
  });
else
  describe('EventStoreDB adapter against a real server', () => {
    // No EventStoreDB can run on the CI machines (no Docker engine): this suite runs wherever one can.
    it.skip('runs only with EVENTSTORE_URL set: docker compose up -d eventstoredb (see README)', () =>
      undefined);
  });
