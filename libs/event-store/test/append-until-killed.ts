/**
 * Test helper for the durability test: appends with 8 concurrent writers until killed, printing the
 * id of each event once its append has been acknowledged.
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../src/sqlite/sqlite-event-store';

const store = SqliteEventStore.open({ file: process.argv[2] });
async function writer(w: number): Promise<never> {
  for (let i = 0; ; i++) {
    const id = randomUUID();
    await store.appendToStream(`durable-${w}`, [{ id, type: 'Written', data: { w, i } }]);
    process.stdout.write(`${id}\n`);
  }
}
void Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
