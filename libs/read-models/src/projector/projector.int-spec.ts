import { useProjectionTestbed } from '../testing/projection-testbed';
import type { EntityManager } from 'typeorm';
import { ActionItemRow } from '../action-item/action-item.entity';
import { ActionItemProjection } from '../action-item/action-item.projection';
import { IncidentRow } from '../incident/incident.entity';
import { IncidentProjection } from '../incident/incident.projection';
import { checkpointOf, describeOnReadModelDatabases, dumpReadModels } from '../testing/read-model-databases';
import { DeadLetterRow } from './dead-letter.entity';
import { ProjectionCheckpointRow } from './projection-checkpoint.entity';
import type { ProjectedEvent } from './projected-event';
import type { Projection } from './projection';
import { Projector, applyBatch, type ProjectorOptions } from './projector';

/** The incident projection under its own name, failing on the events `fails` picks. */
class RecordingProjection implements Projection {
  readonly name = 'incidents';
  readonly tables = new IncidentProjection().tables;
  readonly applied: ProjectedEvent[] = [];
  private readonly inner = new IncidentProjection();

  constructor(private readonly fails: (event: ProjectedEvent) => boolean = () => false) {}

  async apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    if (this.fails(event)) throw new Error(`refusing ${event.type} at ${event.position}`);
    this.applied.push(event);
    await this.inner.apply(manager, event);
  }
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describeOnReadModelDatabases('projector', (databases) => {
  jest.setTimeout(30_000);
  const bed = useProjectionTestbed(databases);

  const startProjector = (projections: Projection[], options: ProjectorOptions = {}) =>
    bed.startProjector(bed.dataSource, projections, options);

  const report = (title: string) =>
    bed.writer.reportIncident({
      title,
      kind: 'INCIDENT',
      severity: 'SEV3',
      services: ['search'],
      detectionSource: 'MONITORING_ALERT',
      startedAt: '2026-03-01T10:00:00.000Z',
    });
  const countIncidents = () => bed.dataSource.manager.count(IncidentRow);

  /** Parking a poison event must succeed for the batch to commit: make it fail, as a broken database would. */
  const breakDeadLetters = async () => {
    if (bed.dataSource.options.type === 'postgres') {
      await bed.dataSource.query(
        `CREATE FUNCTION refuse_parking() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'parking refused'; END $$ LANGUAGE plpgsql`,
      );
      await bed.dataSource.query(
        'CREATE TRIGGER refuse_parking BEFORE INSERT ON projection_dead_letters FOR EACH ROW EXECUTE FUNCTION refuse_parking()',
      );
    } else {
      await bed.dataSource.query(
        "CREATE TRIGGER refuse_parking BEFORE INSERT ON projection_dead_letters BEGIN SELECT RAISE(ABORT, 'parking refused'); END",
      );
    }
  };
  const mendDeadLetters = () =>
    bed.dataSource.query(
      'DROP TRIGGER refuse_parking' +
        (bed.dataSource.options.type === 'postgres' ? ' ON projection_dead_letters' : ''),
    );

  it('skips batches of streams a projection does not read: no transaction, the checkpoint moves on and is saved', async () => {
    const frozen = new Date('2026-03-01T12:00:00.000Z'); // no once-a-second save during the test
    const projector = await startProjector([new RecordingProjection(), new ActionItemProjection()], {
      clock: () => frozen,
    });
    await report('only incident events');
    await expect(projector.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
    const transactions = jest.spyOn(bed.dataSource, 'transaction');
    await report('another one');
    await expect(projector.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);

    // One transaction: the incident projection's. The action-item one skipped the batch.
    expect(transactions).toHaveBeenCalledTimes(1);
    transactions.mockRestore();
    expect(projector.status().map((status) => status.checkpoint)).toEqual([
      bed.writer.lastPosition,
      bed.writer.lastPosition,
    ]);
    expect(await checkpointOf(bed.dataSource, 'action-items')).not.toBe(bed.writer.lastPosition);

    await projector.stop();
    expect(await checkpointOf(bed.dataSource, 'action-items')).toBe(bed.writer.lastPosition);
    expect(await bed.dataSource.manager.count(ActionItemRow)).toBe(0);
  });

  it('commits nothing of a catch-up batch that fails midway: neither rows nor checkpoint', async () => {
    const first = await report('first');
    await bed.writer.onIncident(first, {
      type: 'AddTimelineEntry',
      at: '2026-03-01T10:01:00.000Z',
      text: 'paged',
    });
    const second = await report('second');
    await bed.writer.onIncident(second, {
      type: 'AddTimelineEntry',
      at: '2026-03-01T10:02:00.000Z',
      text: 'paged',
    });

    const failing = new RecordingProjection((e) => e.streamId === `incident-${second}`);
    await breakDeadLetters();
    const projector = await startProjector([failing], { retryDelayMs: 60_000 });
    await until(() => projector.status()[0].state === 'failed');

    // Attempted (the batch is tried whole, then event by event), but none of it committed:
    expect(new Set(failing.applied.map((e) => e.type))).toEqual(
      new Set(['IncidentReported', 'TimelineEntryAdded']),
    );
    expect(await countIncidents()).toBe(0);
    expect(await checkpointOf(bed.dataSource, 'incidents')).toBeNull();
    expect(projector.status()[0]).toMatchObject({
      checkpoint: null,
      lastError: expect.stringContaining('parking refused'),
    });
  });

  it('commits nothing of a live batch that fails midway, and applies it once the projection works', async () => {
    const id = await report('live');
    const before = bed.writer.lastPosition;
    // RecordMilestone appends MilestoneRecorded and IncidentStatusChanged together: one live batch.
    const failing = new RecordingProjection((e) => e.type === 'IncidentStatusChanged');
    const broken = await startProjector([failing], { retryDelayMs: 60_000 });
    await expect(broken.waitForPosition(before, 10_000)).resolves.toBe(true);
    await breakDeadLetters();
    await bed.writer.onIncident(id, {
      type: 'RecordMilestone',
      milestone: 'MITIGATED',
      at: '2026-03-01T10:30:00.000Z',
    });
    await until(() => broken.status()[0].state === 'failed');

    expect(new Set(failing.applied.map((e) => e.type))).toEqual(
      new Set(['IncidentReported', 'MilestoneRecorded']),
    );
    expect(await bed.dataSource.manager.findOneByOrFail(IncidentRow, { id })).toMatchObject({
      revision: 0,
      mitigatedAt: null,
      status: 'OPEN',
    });
    expect(await checkpointOf(bed.dataSource, 'incidents')).toBe(before);
    await broken.stop();
    await mendDeadLetters();

    const fixed = await startProjector([new RecordingProjection()]);
    await expect(fixed.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
    expect(await bed.dataSource.manager.findOneByOrFail(IncidentRow, { id })).toMatchObject({
      revision: 2,
      mitigatedAt: '2026-03-01T10:30:00.000Z',
      status: 'MITIGATED',
    });
    expect(await checkpointOf(bed.dataSource, 'incidents')).toBe(bed.writer.lastPosition);
  });

  it('parks a poison event and the later events of its stream, goes on with other streams, and retries after a fix', async () => {
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
    let broken = true;
    const projection = new RecordingProjection(
      (e) => broken && e.type === 'TimelineEntryAdded' && e.streamId === `incident-${poisoned}`,
    );
    const projector = await startProjector([projection]);
    await expect(projector.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);

    const letters = await bed.dataSource.manager.find(DeadLetterRow, { order: { position: 'ASC' } });
    expect(letters.map((l) => [l.streamId, l.revision, l.eventType, l.error.startsWith('refusing')])).toEqual(
      [
        [`incident-${poisoned}`, 1, 'TimelineEntryAdded', true],
        [`incident-${poisoned}`, 2, 'MilestoneRecorded', false],
        [`incident-${poisoned}`, 3, 'IncidentStatusChanged', false],
      ],
    );
    expect(letters[1].error).toMatch(/waits behind an earlier event of its stream/);
    expect(await bed.dataSource.manager.findOneByOrFail(IncidentRow, { id: healthy })).toMatchObject({
      revision: 1,
    });
    expect(await bed.dataSource.manager.findOneByOrFail(IncidentRow, { id: poisoned })).toMatchObject({
      revision: 0,
      status: 'OPEN',
    });
    expect(projector.status()[0]).toMatchObject({
      state: 'stalled',
      deadLetters: 3,
      checkpoint: bed.writer.lastPosition,
    });
    expect((await projector.statusWithLag())[0]).toMatchObject({ lag: 0 });
    await projector.stop();
    await bed.writer.onIncident(healthy, {
      type: 'AddTimelineEntry',
      at: '2026-03-01T10:02:00.000Z',
      text: 'while stopped',
    });
    expect((await projector.statusWithLag())[0]).toMatchObject({ lag: 1, state: 'stopped' });
    await projector.start();
    await expect(projector.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);

    expect(await projector.retryDeadLetters('incidents')).toEqual([
      { name: 'incidents', applied: 0, remaining: 3 },
    ]);
    broken = false;
    expect(await projector.retryDeadLetters()).toEqual([{ name: 'incidents', applied: 3, remaining: 0 }]);
    expect(await bed.dataSource.manager.count(DeadLetterRow)).toBe(0);
    expect(await bed.dataSource.manager.findOneByOrFail(IncidentRow, { id: poisoned })).toMatchObject({
      revision: 3,
      status: 'MITIGATED',
    });
    expect(projector.status()[0]).toMatchObject({ state: 'live', deadLetters: 0 });
    await expect(projector.retryDeadLetters('nope')).rejects.toThrow("There is no projection named 'nope'");
  });

  it('rebuilds a projection from the start into the same rows, dead letters and checkpoint', async () => {
    const poisoned = await report('poisoned');
    const healthy = await report('healthy');
    await bed.writer.onIncident(poisoned, {
      type: 'AddTimelineEntry',
      at: '2026-03-01T10:01:00.000Z',
      text: 'poison',
    });
    await bed.writer.onIncident(healthy, {
      type: 'RecordMilestone',
      milestone: 'RESOLVED',
      at: '2026-03-01T11:00:00.000Z',
    });
    const poison = (e: ProjectedEvent) =>
      e.type === 'TimelineEntryAdded' && e.streamId === `incident-${poisoned}`;
    const projector = await startProjector([new RecordingProjection(poison), new ActionItemProjection()]);
    await expect(projector.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
    const live = await dumpReadModels(bed.dataSource);
    const letters = await bed.dataSource.manager.find(DeadLetterRow, {
      select: { position: true, eventType: true, error: true },
    });

    const progress: number[] = [];
    const rebuilt = await projector.rebuild('incidents', (p) => progress.push(p.events));
    expect(rebuilt).toEqual([{ projection: 'incidents', events: 5, parked: 1 }]);
    expect(progress).toEqual([5]);
    expect(await dumpReadModels(bed.dataSource)).toEqual(live);
    expect(
      await bed.dataSource.manager.find(DeadLetterRow, {
        select: { position: true, eventType: true, error: true },
      }),
    ).toEqual(letters);
    expect(projector.status()[0]).toMatchObject({
      checkpoint: bed.writer.lastPosition,
      deadLetters: 1,
      state: 'stalled',
    });

    // Writes after the rebuild are projected live as before.
    await bed.writer.onIncident(healthy, {
      type: 'AddTimelineEntry',
      at: '2026-03-01T11:05:00.000Z',
      text: 'after',
    });
    await expect(projector.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
    expect(await bed.dataSource.manager.findOneByOrFail(IncidentRow, { id: healthy })).toMatchObject({
      revision: 3,
    });
  });

  it('changes nothing when events already applied are delivered again', async () => {
    const id = await report('again');
    await bed.writer.onIncident(id, {
      type: 'RecordMilestone',
      milestone: 'RESOLVED',
      at: '2026-03-01T10:40:00.000Z',
    });
    const projector = await startProjector([new IncidentProjection()]);
    await expect(projector.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
    await projector.stop();
    const rows = await dumpReadModels(bed.dataSource);
    const checkpoint = await bed.dataSource.manager.findOneByOrFail(ProjectionCheckpointRow, {
      name: 'incidents',
    });

    const again = new RecordingProjection();
    const events = await bed.store.readAll();
    await expect(
      applyBatch(bed.dataSource, again, events, new Date('2030-01-01T00:00:00.000Z')),
    ).resolves.toEqual({ checkpoint: checkpoint.position, parked: 0 });
    expect(again.applied).toEqual([]);
    expect(await dumpReadModels(bed.dataSource)).toEqual(rows);
    expect(
      await bed.dataSource.manager.findOneByOrFail(ProjectionCheckpointRow, { name: 'incidents' }),
    ).toEqual(checkpoint);
  });

  it('resumes from its checkpoint after a stop and a new start', async () => {
    const id = await report('resume');
    const first = await startProjector([new RecordingProjection()]);
    await expect(first.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
    await first.stop();
    const stoppedAt = bed.writer.lastPosition;

    await bed.writer.onIncident(id, {
      type: 'AddTimelineEntry',
      at: '2026-03-01T10:05:00.000Z',
      text: 'rolled back',
    });
    await bed.writer.onIncident(id, {
      type: 'RecordMilestone',
      milestone: 'MITIGATED',
      at: '2026-03-01T10:06:00.000Z',
    });
    const resumed = new RecordingProjection();
    const second = await startProjector([resumed]);
    await expect(second.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);

    expect(resumed.applied.map((e) => e.type)).toEqual([
      'TimelineEntryAdded',
      'MilestoneRecorded',
      'IncidentStatusChanged',
    ]);
    expect(resumed.applied.every((e) => e.position > stoppedAt)).toBe(true);
    expect(await bed.dataSource.manager.findOneByOrFail(IncidentRow, { id })).toMatchObject({
      revision: 3,
      status: 'MITIGATED',
    });
  });

  it('waitForPosition resolves true once every projection has applied the position, false on timeout', async () => {
    const projector = new Projector(bed.store, bed.dataSource, [
      new IncidentProjection(),
      new ActionItemProjection(),
    ]);
    const id = await report('wait');
    const position = bed.writer.lastPosition;

    const started = Date.now();
    await expect(projector.waitForPosition(position, 150)).resolves.toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    const waiting = projector.waitForPosition(position, 10_000);
    await projector.start();
    await expect(waiting).resolves.toBe(true);
    expect(projector.status().map((s) => s.checkpoint)).toEqual([position, position]);
    expect(await countIncidents()).toBe(1);
    await expect(projector.waitForPosition(position, 0)).resolves.toBe(true);

    // Live: the wait ends once the projections reach the write's position.
    const next = await bed.writer.onIncident(id, {
      type: 'AddTimelineEntry',
      at: '2026-03-01T10:03:00.000Z',
      text: 'x',
    });
    await expect(projector.waitForPosition(next, 10_000)).resolves.toBe(true);
    expect(await checkpointOf(bed.dataSource, 'incidents')).toBe(next);
    // The action-item projection reads no incident event: its checkpoint moved on in memory, and is
    // stored at the latest when it stops.
    expect(projector.status()[1].checkpoint).toBe(next);
    await projector.stop();
    expect(await checkpointOf(bed.dataSource, 'action-items')).toBe(next);
  });

  it('catches up a backlog larger than catchUpBatchSize, batch after batch', async () => {
    for (let i = 0; i < 7; i++) await report(`incident ${i}`);
    const projector = await startProjector([new IncidentProjection()], { catchUpBatchSize: 3 });
    await expect(projector.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
    expect(await countIncidents()).toBe(7);
    expect(await checkpointOf(bed.dataSource, 'incidents')).toBe(bed.writer.lastPosition);
  });
});
