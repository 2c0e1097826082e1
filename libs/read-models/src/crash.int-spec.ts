import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@kb/event-store';
import { Projector, rebuildProjection } from './projector/projector';
import { readModelProjections } from './read-model-projections';
import { checkpointOf, describeOnReadModelDatabases, dumpReadModels } from './testing/read-model-databases';
import { WriteSide } from './testing/write-side.fixture';

const projections = readModelProjections;

/** Killing the projector mid-batch and starting it again leaves the read models equal to a rebuild. */
describeOnReadModelDatabases('crash: a projector killed mid-batch', (databases) => {
  jest.setTimeout(120_000);
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-crash-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    await databases.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes after SIGKILL and ends equal to a rebuild', async () => {
    const writer = new WriteSide(store);
    for (let i = 0; i < 400; i++) {
      const id = await writer.reportIncident({
        title: `Incident ${i}`,
        kind: 'INCIDENT',
        severity: 'SEV3',
        services: ['checkout'],
        detectionSource: 'MONITORING_ALERT',
        startedAt: '2026-02-01T10:00:00.000Z',
      });
      await writer.onIncident(id, {
        type: 'AddTimelineEntry',
        at: '2026-02-01T10:05:00.000Z',
        text: `entry ${i}`,
      });
      await writer.onIncident(id, {
        type: 'RecordMilestone',
        milestone: 'RESOLVED',
        at: '2026-02-01T11:00:00.000Z',
      });
    }
    const end = writer.lastPosition;
    const target = await databases.open();
    const config =
      target.options.type === 'postgres'
        ? {
            kind: 'postgres',
            url: process.env.TEST_DATABASE_URL,
            schema: (target.options as { schema?: string }).schema,
          }
        : { kind: 'sqlite', file: (target.options as { database: string }).database };

    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        join(__dirname, '../test/project-until-killed.ts'),
        join(dir, 'events.db'),
        JSON.stringify(config),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json' } },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Kill it once it has committed some batches but not all: mid catch-up, likely inside a transaction.
    const killedAt = await waitFor(async () => {
      const checkpoint = await checkpointOf(target, 'incidents');
      return checkpoint !== null && checkpoint < end ? checkpoint : undefined;
    });
    child.kill('SIGKILL');
    await exited;
    expect(killedAt < end).toBe(true);

    const projector = new Projector(store, target, projections());
    await projector.start();
    expect(await projector.waitForPosition(end, 30_000)).toBe(true);
    await projector.stop();

    const rebuilt = await databases.open();
    for (const projection of projections()) await rebuildProjection(store, rebuilt, projection);
    expect(await dumpReadModels(target)).toEqual(await dumpReadModels(rebuilt));
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('the projector made no progress in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
