import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@kb/event-store';
import { Projector, rebuildProjections } from './projector/projector';
import { readModelProjections } from './read-model-projections';
import { checkpointOf, describeOnReadModelDatabases, dumpReadModels } from './testing/read-model-databases';
import { random, writeRandomly } from './testing/random-writes';
import { WriteSide } from './testing/write-side.fixture';

/** Every projection of this library: the determinism promise holds for each. */
const allProjections = readModelProjections;

/**
 * Read models are disposable: random writes through the command path while the projector runs live,
 * then a full rebuild into fresh tables, must give the same rows, on SQLite and on PostgreSQL.
 */
describeOnReadModelDatabases('determinism: live projection equals a rebuild', (databases) => {
  jest.setTimeout(120_000);
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-determinism-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    await databases.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives identical rows for 400 random commands from 4 concurrent writers', async () => {
    const seed = Number(process.env.DETERMINISM_SEED ?? Date.now() % 1_000_000);
    const live = await databases.open();
    const projector = new Projector(store, live, allProjections(), { liveBatchSize: 7 });
    await projector.start();

    const writers = Array.from({ length: 4 }, (_, w) =>
      writeRandomly(new WriteSide(store), random(seed + w), 100),
    );
    const refusals = (await Promise.all(writers)).reduce((a, b) => a + b, 0);
    const [last] = await store.readAll({ direction: 'backwards', maxCount: 1 });
    expect(await projector.waitForPosition(last.position, 30_000)).toBe(true);
    await projector.stop();

    // Rebuilt in one pass over the log (the seed's way), in small pages so that pages split streams.
    const rebuilt = await databases.open();
    await rebuildProjections(store, rebuilt, allProjections(), { pageSize: 37 });

    const liveRows = await dumpReadModels(live);
    expect({ seed, rows: await dumpReadModels(rebuilt) }).toEqual({ seed, rows: liveRows });
    for (const projection of allProjections())
      expect(await checkpointOf(rebuilt, projection.name)).toBe(await checkpointOf(live, projection.name));
    // The run is worth something only if it wrote a lot and the rules refused some of it.
    expect((liveRows.incidents ?? []).length).toBeGreaterThan(20);
    expect((liveRows.action_items ?? []).length).toBeGreaterThan(5);
    expect(refusals).toBeGreaterThan(0);
  });
});
