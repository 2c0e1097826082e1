import type { DataSource, EntityManager } from 'typeorm';
import type { StoredEvent } from '@kb/event-store';
import { IncidentFactFactorCategoryRow, IncidentFactRow, IncidentFactServiceRow } from '../reports';
import { IncidentRow } from '../incident/incident.entity';
import { IncidentProjection } from '../incident/incident.projection';
import { readModelProjections } from '../read-model-projections';
import { useProjectionTestbed } from '../testing/projection-testbed';
import { describeOnReadModelDatabases, dumpReadModels } from '../testing/read-model-databases';
import { random, writeRandomly } from '../testing/random-writes';
import { WriteSide } from '../testing/write-side.fixture';
import { DeadLetterRow } from './dead-letter.entity';
import { toProjectedEvent, type ProjectedEvent } from './projected-event';
import type { Projection } from './projection';
import { applyBatch } from './projector';

/** The incident projection, batch-aware, refusing the events `fails` picks in a batch and alone. */
class PoisonableIncidents implements Projection {
  readonly name = 'incidents';
  readonly tables = new IncidentProjection().tables;
  /** The events of each applyBatch call, by type and stream revision. */
  readonly batches: string[][] = [];
  private readonly inner = new IncidentProjection();

  constructor(private readonly fails: (event: ProjectedEvent) => boolean) {}

  async apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    if (this.fails(event)) throw new Error(`refusing ${event.type}`);
    await this.inner.apply(manager, event);
  }

  async applyBatch(manager: EntityManager, events: readonly ProjectedEvent[]): Promise<void> {
    this.batches.push(events.map((e) => `${e.type}@${e.revision}`));
    // Writes first, then the refusal: the savepoint must undo them.
    await this.inner.applyBatch(manager, events);
    const poison = events.find(this.fails);
    if (poison) throw new Error(`refusing ${poison.type}`);
  }
}

/** Applies `events` one `apply` each, every event in its own transaction, as the projector once did. */
async function oneByOne(dataSource: DataSource, projections: Projection[], events: readonly StoredEvent[]) {
  for (const stored of events)
    await dataSource.transaction(async (manager) => {
      for (const projection of projections) await projection.apply(manager, toProjectedEvent(stored));
    });
}

/** The projections with `applyBatch` (the others, e.g. api-keys, are applied an event at a time). */
function batchAwareProjections(): Projection[] {
  return readModelProjections().filter((projection) => projection.applyBatch !== undefined);
}

async function asBatch(dataSource: DataSource, projections: Projection[], events: readonly StoredEvent[]) {
  await dataSource.transaction(async (manager) => {
    for (const projection of projections) {
      const apply = projection.applyBatch?.bind(projection);
      if (!apply) throw new Error(`${projection.name} cannot apply batches`);
      await apply(manager, events.map(toProjectedEvent));
    }
  });
}

describeOnReadModelDatabases('projections applying batches', (databases) => {
  jest.setTimeout(120_000);
  const bed = useProjectionTestbed(databases);

  const report = (title: string) =>
    bed.writer.reportIncident({
      title,
      kind: 'INCIDENT',
      severity: 'SEV3',
      services: ['search', 'db'],
      tags: ['config'],
      detectionSource: 'MONITORING_ALERT',
      startedAt: '2026-03-01T10:00:00.000Z',
    });

  it('leave the rows that applying the events one at a time leaves, in batches of any size, redelivered or not', async () => {
    const seed = Number(process.env.DETERMINISM_SEED ?? Date.now() % 1_000_000);
    await writeRandomly(new WriteSide(bed.store), random(seed), 300);
    const events = await bed.store.readAll();
    const single = bed.dataSource;
    await oneByOne(single, batchAwareProjections(), events);

    const batched = await databases.open();
    const rnd = random(seed + 1);
    for (let from = 0; from < events.length;) {
      const to = Math.min(events.length, from + 1 + rnd.int(60));
      // Now and then a redelivery: the batch starts some events back, before what was applied.
      const start = rnd.chance(0.2) ? Math.max(0, from - rnd.int(20)) : from;
      await asBatch(batched, batchAwareProjections(), events.slice(start, to));
      from = to;
    }
    const whole = await databases.open();
    await asBatch(whole, batchAwareProjections(), events);
    await asBatch(whole, batchAwareProjections(), events);

    const expected = await dumpReadModels(single);
    expect({ seed, rows: await dumpReadModels(batched) }).toEqual({ seed, rows: expected });
    expect({ seed, rows: await dumpReadModels(whole) }).toEqual({ seed, rows: expected });
    expect((expected.incidents ?? []).length).toBeGreaterThan(10);
  });

  it('fold several events of one stream in one batch: the child rows follow the last of them', async () => {
    const id = await report('many at once');
    await bed.writer.onIncident(id, {
      type: 'RecordFinding',
      kind: 'TRIGGER',
      category: 'CONFIG_CHANGE',
      description: 'a',
    });
    await bed.writer.onIncident(id, {
      type: 'ReviseIncident',
      startedAt: '2026-03-01T09:00:00.000Z',
      services: ['checkout'],
    });
    await bed.writer.onIncident(id, {
      type: 'RecordFinding',
      kind: 'CONTRIBUTING_FACTOR',
      category: 'CAPACITY',
      description: 'b',
    });
    await bed.writer.onIncident(id, { type: 'RetractFinding', findingId: `${id}:f1`, reason: 'wrong' });
    await bed.writer.onIncident(id, { type: 'ReviseIncident', startedAt: '2026-03-01T08:00:00.000Z' });
    const events = await bed.store.readAll();
    await asBatch(bed.dataSource, batchAwareProjections(), events);

    const manager = bed.dataSource.manager;
    expect(await manager.findOneByOrFail(IncidentRow, { id })).toMatchObject({
      revision: 5,
      services: ['checkout'],
      startedAt: '2026-03-01T08:00:00.000Z',
    });
    expect(await manager.findOneByOrFail(IncidentFactRow, { incidentId: id })).toMatchObject({
      revision: 5,
      startedAt: '2026-03-01T08:00:00.000Z',
      hasCategorisedFinding: true,
    });
    expect(await manager.findBy(IncidentFactServiceRow, { incidentId: id })).toEqual([
      {
        incidentId: id,
        service: 'checkout',
        startedAt: '2026-03-01T08:00:00.000Z',
        startedAtMs: Date.parse('2026-03-01T08:00:00.000Z'),
      },
    ]);
    expect(await manager.findBy(IncidentFactFactorCategoryRow, { incidentId: id })).toEqual([
      {
        incidentId: id,
        category: 'CAPACITY',
        startedAt: '2026-03-01T08:00:00.000Z',
        startedAtMs: Date.parse('2026-03-01T08:00:00.000Z'),
      },
    ]);

    const single = await databases.open();
    await oneByOne(single, batchAwareProjections(), events);
    expect(await dumpReadModels(bed.dataSource)).toEqual(await dumpReadModels(single));
  });

  it('parks a poison event of a mixed batch with its stream’s later events, and applies the other streams as a batch', async () => {
    const poisoned = await report('poisoned');
    const healthy = await report('healthy');
    await bed.writer.onIncident(poisoned, {
      type: 'AddTimelineEntry',
      at: '2026-03-01T10:01:00.000Z',
      text: 'poison',
    });
    await bed.writer.onIncident(healthy, {
      type: 'AddTimelineEntry',
      at: '2026-03-01T10:01:00.000Z',
      text: 'fine',
    });
    await bed.writer.onIncident(poisoned, {
      type: 'RecordMilestone',
      milestone: 'MITIGATED',
      at: '2026-03-01T10:09:00.000Z',
    });
    const projection = new PoisonableIncidents(
      (e) => e.type === 'TimelineEntryAdded' && e.streamId === `incident-${poisoned}`,
    );
    const first = await bed.store.readAll();
    const now = new Date('2030-01-01T00:00:00.000Z');

    await expect(applyBatch(bed.dataSource, projection, first, now)).resolves.toEqual({
      checkpoint: first[first.length - 1].position,
      parked: 3,
    });
    // Tried whole once; then event by event (apply), which is not recorded here.
    expect(projection.batches).toHaveLength(1);
    const letters = await bed.dataSource.manager.find(DeadLetterRow, { order: { position: 'ASC' } });
    expect(letters.map((l) => [l.streamId, l.revision, l.error])).toEqual([
      [`incident-${poisoned}`, 1, 'refusing TimelineEntryAdded'],
      [`incident-${poisoned}`, 2, expect.stringMatching(/waits behind/)],
      [`incident-${poisoned}`, 3, expect.stringMatching(/waits behind/)],
    ]);
    expect(await bed.dataSource.manager.findOneByOrFail(IncidentRow, { id: poisoned })).toMatchObject({
      revision: 0,
    });
    expect(await bed.dataSource.manager.findOneByOrFail(IncidentRow, { id: healthy })).toMatchObject({
      revision: 1,
    });

    // The next batch: the parked stream's event waits without being tried; the rest is one batch.
    await bed.writer.onIncident(healthy, {
      type: 'RecordMilestone',
      milestone: 'RESOLVED',
      at: '2026-03-01T11:00:00.000Z',
    });
    await bed.writer.onIncident(poisoned, {
      type: 'AddTimelineEntry',
      at: '2026-03-01T10:20:00.000Z',
      text: 'later',
    });
    const second = (await bed.store.readAll()).slice(first.length);
    await expect(applyBatch(bed.dataSource, projection, second, now)).resolves.toMatchObject({ parked: 1 });
    expect(projection.batches[1]).toEqual(['MilestoneRecorded@2', 'IncidentStatusChanged@3']);
    expect(await bed.dataSource.manager.count(DeadLetterRow)).toBe(4);
    expect(await bed.dataSource.manager.findOneByOrFail(IncidentRow, { id: healthy })).toMatchObject({
      revision: 3,
      status: 'RESOLVED',
    });
  });

  it('change nothing when a batch is delivered again, whole or in part', async () => {
    const id = await report('again');
    await bed.writer.onIncident(id, {
      type: 'RecordFinding',
      kind: 'TRIGGER',
      category: 'CAPACITY',
      description: 'x',
    });
    await bed.writer.onIncident(id, {
      type: 'RecordMilestone',
      milestone: 'RESOLVED',
      at: '2026-03-01T10:40:00.000Z',
    });
    const events = await bed.store.readAll();
    await asBatch(bed.dataSource, batchAwareProjections(), events);
    const rows = await dumpReadModels(bed.dataSource);

    await asBatch(bed.dataSource, batchAwareProjections(), events);
    await asBatch(bed.dataSource, batchAwareProjections(), events.slice(1));
    await asBatch(bed.dataSource, batchAwareProjections(), events.slice(0, 2));
    expect(await dumpReadModels(bed.dataSource)).toEqual(rows);
  });
});
