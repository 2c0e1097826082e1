import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@kb/event-store';
import { writeSideSuite } from './write-side.suite';

writeSideSuite('embedded SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kb-write-'));
  const file = join(dir, 'events.db');
  const harness = {
    store: SqliteEventStore.open({ file }),
    reopen: async () => {
      await harness.store.close();
      harness.store = SqliteEventStore.open({ file });
      return harness.store;
    },
    close: async () => {
      await harness.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
});
