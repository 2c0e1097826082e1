import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventStoreContract } from '../../test/event-store.contract';
import { SqliteEventStore } from './sqlite-event-store';

const MAX_APPEND = 64 * 1024;

eventStoreContract('embedded SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kb-events-'));
  const store = SqliteEventStore.open({ file: join(dir, 'events.db'), maxAppendSizeBytes: MAX_APPEND });
  return {
    store,
    maxAppendSizeBytes: MAX_APPEND,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
