import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore, SqliteEventStore } from '@kb/event-store';
import { startEsdbGrpcServer } from '@kb/event-store/testing';
import { writeSideSuite } from './write-side.suite';

/** The write side over the real @eventstore/db-client and gRPC, against the in-process server. */
writeSideSuite('EventStoreDB adapter over gRPC', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kb-write-esdb-'));
  const backing = SqliteEventStore.open({ file: join(dir, 'events.db') });
  const server = await startEsdbGrpcServer({ store: backing });
  const config = { kind: 'eventstoredb', connectionString: server.connectionString } as const;
  const harness = {
    store: openEventStore(config),
    // A restart of the service: a new client on the same server.
    reopen: async () => {
      await harness.store.close();
      harness.store = openEventStore(config);
      return harness.store;
    },
    close: async () => {
      await harness.store.close();
      await server.close();
      await backing.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
});
