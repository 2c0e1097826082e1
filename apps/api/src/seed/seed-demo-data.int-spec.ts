import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@kb/event-store';
import {
  createReadModelDataSource,
  projectionReads,
  readModelProjections,
  type Projection,
} from '@kb/read-models';
import type { DataSource } from 'typeorm';
import { demoHistory, type DemoHistoryOptions } from './demo-history';
import { catchUpReadModels, SeedRefusedError, writeDemoHistory, type WriteSummary } from './seed-demo-data';

const OPTIONS: DemoHistoryOptions = {
  incidents: 300,
  seed: 42,
  until: new Date('2026-11-01T00:00:00.000Z'),
  years: 3,
};

describe('seeding the demo history into a DATA_DIR (embedded store, SQLite read models)', () => {
  jest.setTimeout(30_000);
  let dir: string;
  let store: SqliteEventStore;
  let dataSource: DataSource;
  let written: WriteSummary;
  let projected: Awaited<ReturnType<typeof catchUpReadModels>>;
  const generated = [...demoHistory(OPTIONS)];
  const eventsOfType = (type: string) =>
    generated.flatMap((i) => i.streams.flatMap((s) => s.events)).filter((e) => e.type === type);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kb-seed-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.db') });
    written = await writeDemoHistory(store, OPTIONS);
    dataSource = await createReadModelDataSource({ kind: 'sqlite', file: join(dir, 'read-models.db') });
    projected = await catchUpReadModels(store, dataSource, readModelProjections());
    // About 5,000 events written and rebuilt into six projections: a few seconds, more on a busy machine.
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const countRows = async (sql: string, ...parameters: unknown[]) =>
    Number((await dataSource.query<Array<{ n: number }>>(sql, parameters))[0].n);

  it('stores every generated event, one stream per incident and per action item', async () => {
    const events = generated.reduce((n, i) => n + i.streams.reduce((m, s) => m + s.events.length, 0), 0);
    expect(written).toMatchObject({ incidents: 300, events, streamsAlreadyStored: 0 });
    expect(written.actionItems).toBe(generated.reduce((n, i) => n + i.streams.length - 1, 0));
    const all = await store.readAll({ maxCount: 1, direction: 'backwards' });
    expect(Number(all[0].position)).toBe(events);
    const first = generated[0].streams[0];
    const stored = await store.readStream(first.streamId);
    expect(stored.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata }))).toEqual(
      first.events,
    );
  });

  it('lets every projection catch up, without dead letters', async () => {
    expect(projected.parked).toBe(0);
    // One pass over the log: every event read once, each projection handed the events of its streams.
    expect(projected.events).toBe(written.events);
    const eventsOf = (projection: Projection) =>
      generated
        .flatMap((i) => i.streams)
        .flatMap((stream) => stream.events.map((event) => ({ streamId: stream.streamId, type: event.type })))
        .filter((event) => projectionReads(projection, event)).length;
    expect(projected.projections).toEqual(
      readModelProjections().map((p) => ({ projection: p.name, events: eventsOf(p), parked: 0 })),
    );
    const checkpoints = await countRows('SELECT count(*) AS n FROM projection_checkpoints');
    expect(checkpoints).toBe(readModelProjections().length);
  });

  it('fills the incidents, findings, action items and facts read models', async () => {
    expect(await countRows('SELECT count(*) AS n FROM incidents')).toBe(300);
    expect(await countRows('SELECT count(*) AS n FROM incident_facts')).toBe(300);
    expect(await countRows('SELECT count(*) AS n FROM findings')).toBe(
      eventsOfType('FindingRecorded').length,
    );
    expect(await countRows('SELECT count(*) AS n FROM timeline_entries')).toBe(
      eventsOfType('TimelineEntryAdded').length,
    );
    expect(await countRows('SELECT count(*) AS n FROM action_items')).toBe(written.actionItems);
    expect(await countRows("SELECT count(*) AS n FROM incidents WHERE status = 'CLOSED'")).toBe(
      eventsOfType('PostmortemPublished').length,
    );
    expect(await countRows('SELECT count(*) AS n FROM incident_fact_recurrence_links')).toBeGreaterThan(0);
    const overdue = await countRows(
      "SELECT count(*) AS n FROM action_items WHERE due_date < ? AND status IN ('OPEN', 'IN_PROGRESS')",
      OPTIONS.until.toISOString(),
    );
    expect(overdue).toBeGreaterThan(0);
  });

  it('completes the same history when run again (idempotent appends), and refuses another one', async () => {
    const before = await store.readAll({ maxCount: 1, direction: 'backwards' });
    const again = await writeDemoHistory(store, OPTIONS);
    expect(again.streamsAlreadyStored).toBe(written.incidents + written.actionItems);
    const after = await store.readAll({ maxCount: 1, direction: 'backwards' });
    expect(after[0].position).toBe(before[0].position);

    await expect(writeDemoHistory(store, { ...OPTIONS, seed: 43 })).rejects.toThrow(SeedRefusedError);
    await expect(writeDemoHistory(store, { ...OPTIONS, incidents: 301 })).rejects.toThrow(
      /already holds incidents or action items, and not of this demo history \(seed=42;incidents=301/,
    );
    const untouched = await store.readAll({ maxCount: 1, direction: 'backwards' });
    expect(untouched[0].position).toBe(before[0].position);
  });
});
