import { useProjectionTestbed } from '../testing/projection-testbed';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { incidentStreamId } from '@kb/domain';
import { toProjectedEvent } from '../projector/projected-event';
import { checkpointOf, describeOnReadModelDatabases, dumpReadModels } from '../testing/read-model-databases';
import {
  FindingRow,
  IncidentLinkRow,
  IncidentRow,
  IncidentServiceRow,
  IncidentTagRow,
  TimelineEntryRow,
} from './incident.entity';
import { foldIncidentRows, IncidentProjection } from './incident.projection';

describeOnReadModelDatabases('incident read model', (databases) => {
  jest.setTimeout(30_000);
  const bed = useProjectionTestbed(databases);

  const startProjector = (target: DataSource, options = {}) =>
    bed.startProjector(target, [new IncidentProjection()], options);

  /** An incident from report to a closed postmortem, plus an earlier one it recurs. */
  async function writeStory() {
    const earlier = await bed.writer.reportIncident({
      title: 'Checkout pool exhausted',
      kind: 'INCIDENT',
      severity: 'SEV3',
      services: ['checkout'],
      detectionSource: 'CUSTOMER_REPORT',
      startedAt: '2026-02-01T08:00:00.000Z',
    });
    const id = await bed.writer.reportIncident({
      title: 'Checkout errors after a config push',
      summary: 'Connection pool limit removed',
      kind: 'INCIDENT',
      severity: 'SEV2',
      services: ['checkout', 'payments'],
      tags: ['config'],
      detectionSource: 'MONITORING_ALERT',
      startedAt: '2026-03-01T10:00:00Z',
      detectedAt: '2026-03-01T10:05:00.000Z',
    });
    await bed.writer.onIncident(id, { type: 'ReviseIncident', severity: 'SEV1', tags: ['config', 'pool'] });
    await bed.writer.onIncident(id, {
      type: 'RecordMilestone',
      milestone: 'ACKNOWLEDGED',
      at: '2026-03-01T10:07:00.000Z',
    });
    await bed.writer.onIncident(id, {
      type: 'RecordMilestone',
      milestone: 'MITIGATED',
      at: '2026-03-01T10:20:00.000Z',
    });
    await bed.writer.onIncident(id, {
      type: 'AddTimelineEntry',
      at: '2026-03-01T10:01:00.000Z',
      text: 'Deploy 4711 finished',
    });
    await bed.writer.onIncident(id, {
      type: 'RecordMilestone',
      milestone: 'RESOLVED',
      at: '2026-03-01T10:55:00.000Z',
    });
    await bed.writer.onIncident(id, {
      type: 'RecordFinding',
      kind: 'TRIGGER',
      category: 'CONFIG_CHANGE',
      description: 'A config push removed the connection pool limit.',
    });
    await bed.writer.onIncident(id, {
      type: 'RecordFinding',
      kind: 'LESSON_LEARNED',
      description: 'Pool limits need an alert.',
    });
    await bed.writer.onIncident(id, {
      type: 'ReviseFinding',
      findingId: `${id}:f2`,
      description: 'Pool limits need alerts.',
    });
    await bed.writer.onIncident(id, {
      type: 'RecordFinding',
      kind: 'GOT_LUCKY',
      description: 'Low traffic on a Sunday.',
    });
    await bed.writer.onIncident(id, {
      type: 'RetractFinding',
      findingId: `${id}:f3`,
      reason: 'It was a Saturday.',
    });
    await bed.writer.onIncident(id, {
      type: 'LinkIncidents',
      relation: 'RECURRENCE_OF',
      related: { id: earlier, startedAt: '2026-02-01T08:00:00.000Z' },
    });
    await bed.writer.onIncident(id, {
      type: 'PublishPostmortem',
      summary: 'Pool exhaustion',
      impact: '4% of checkouts failed',
    });
    return { id, earlier };
  }

  it('projects an incident written through the write side into its tables', async () => {
    const projector = await startProjector(bed.dataSource);
    const { id, earlier } = await writeStory();
    await expect(projector.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);

    const events = await bed.store.readStream(incidentStreamId(id));
    const last = events[events.length - 1];
    const closing = events.find(
      (e) => e.type === 'IncidentStatusChanged' && (e.data as { to: string }).to === 'CLOSED',
    );
    const published = events.find((e) => e.type === 'PostmortemPublished')!;
    const incident = await bed.dataSource.manager.findOneByOrFail(IncidentRow, { id });
    expect(incident).toEqual({
      id,
      revision: last.revision,
      title: 'Checkout errors after a config push',
      summary: 'Connection pool limit removed',
      kind: 'INCIDENT',
      severity: 'SEV1',
      status: 'CLOSED',
      services: ['checkout', 'payments'],
      tags: ['config', 'pool'],
      detectionSource: 'MONITORING_ALERT',
      startedAt: '2026-03-01T10:00:00.000Z',
      detectedAt: '2026-03-01T10:05:00.000Z',
      acknowledgedAt: '2026-03-01T10:07:00.000Z',
      mitigatedAt: '2026-03-01T10:20:00.000Z',
      resolvedAt: '2026-03-01T10:55:00.000Z',
      closedAt: closing!.recordedAt.toISOString(),
      reportedAt: (events[0].data as { reportedAt: string }).reportedAt,
      updatedAt: last.recordedAt.toISOString(),
      postmortemSummary: 'Pool exhaustion',
      postmortemImpact: '4% of checkouts failed',
      postmortemPublishedAt: (published.data as { publishedAt: string }).publishedAt,
      experimentHypothesis: null,
      experimentSteadyState: null,
      experimentBlastRadius: null,
      experimentAbortConditions: null,
      experimentPlannedFor: null,
      experimentOutcome: null,
      experimentObservations: null,
      experimentConcludedAt: null,
      // Resolved as SEV1 (revised from SEV2 before): the default policy's 5 days.
      postmortemDueAt: '2026-03-06T10:55:00.000Z',
      postmortemOverdueFor: null,
    });
    expect(await bed.dataSource.manager.findBy(IncidentServiceRow, { incidentId: id })).toEqual(
      expect.arrayContaining([
        { incidentId: id, service: 'checkout' },
        { incidentId: id, service: 'payments' },
      ]),
    );
    expect(
      await bed.dataSource.manager.find(IncidentTagRow, { where: { incidentId: id }, order: { tag: 'ASC' } }),
    ).toEqual([
      { incidentId: id, tag: 'config' },
      { incidentId: id, tag: 'pool' },
    ]);
    const findings = await bed.dataSource.manager.find(FindingRow, {
      where: { incidentId: id },
      order: { streamRevision: 'ASC' },
    });
    expect(
      findings.map(({ id: findingId, kind, category, description, retracted }) => ({
        findingId,
        kind,
        category,
        description,
        retracted,
      })),
    ).toEqual([
      {
        findingId: `${id}:f1`,
        kind: 'TRIGGER',
        category: 'CONFIG_CHANGE',
        description: 'A config push removed the connection pool limit.',
        retracted: false,
      },
      {
        findingId: `${id}:f2`,
        kind: 'LESSON_LEARNED',
        category: null,
        description: 'Pool limits need alerts.',
        retracted: false,
      },
      {
        findingId: `${id}:f3`,
        kind: 'GOT_LUCKY',
        category: null,
        description: 'Low traffic on a Sunday.',
        retracted: true,
      },
    ]);
    const recorded = events.find((e) => e.type === 'FindingRecorded')!;
    expect(findings[0].recordedAt).toBe(recorded.recordedAt.toISOString());
    expect(await bed.dataSource.manager.findBy(TimelineEntryRow, { incidentId: id })).toEqual([
      {
        id: `${id}:t1`,
        incidentId: id,
        streamRevision: expect.any(Number),
        at: '2026-03-01T10:01:00.000Z',
        text: 'Deploy 4711 finished',
      },
    ]);
    expect(await bed.dataSource.manager.findBy(IncidentLinkRow, { incidentId: id })).toEqual([
      { incidentId: id, relatedIncidentId: earlier, relation: 'RECURRENCE_OF', linkedAt: expect.any(String) },
    ]);
    expect(await checkpointOf(bed.dataSource, 'incidents')).toBe(bed.writer.lastPosition);
  });

  describe('experiments', () => {
    const reportExperiment = () =>
      bed.writer.reportIncident({
        title: 'Chaos: lose a database replica',
        kind: 'CHAOS_EXPERIMENT',
        severity: 'SEV4',
        services: ['checkout'],
        detectionSource: 'CHAOS_EXPERIMENT',
        startedAt: '2026-03-01T10:00:00.000Z',
      });
    const plan = {
      type: 'PlanExperiment' as const,
      hypothesis: 'Checkout survives the loss of one database replica',
      steadyState: 'checkout p99 < 300 ms and error rate < 0.1 %',
      blastRadius: ['checkout', 'payments-db'],
      abortConditions: 'error rate above 1 % for 2 minutes',
      plannedFor: '2026-03-01T11:00:00+01:00',
    };
    const experimentOf = async (id: string) => {
      const row = await bed.dataSource.manager.findOneByOrFail(IncidentRow, { id });
      return {
        status: row.status,
        hypothesis: row.experimentHypothesis,
        steadyState: row.experimentSteadyState,
        blastRadius: row.experimentBlastRadius,
        abortConditions: row.experimentAbortConditions,
        plannedFor: row.experimentPlannedFor,
        outcome: row.experimentOutcome,
        observations: row.experimentObservations,
        concludedAt: row.experimentConcludedAt,
      };
    };

    it('keeps the latest plan, then the conclusion, and a REFUTED one puts the experiment IN_REVIEW', async () => {
      const projector = await startProjector(bed.dataSource);
      const id = await reportExperiment();
      await bed.writer.onIncident(id, plan);
      await expect(projector.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
      expect(await experimentOf(id)).toEqual({
        status: 'OPEN',
        hypothesis: 'Checkout survives the loss of one database replica',
        steadyState: 'checkout p99 < 300 ms and error rate < 0.1 %',
        blastRadius: ['checkout', 'payments-db'],
        abortConditions: 'error rate above 1 % for 2 minutes',
        plannedFor: '2026-03-01T10:00:00.000Z',
        outcome: null,
        observations: null,
        concludedAt: null,
      });

      await bed.writer.onIncident(id, {
        ...plan,
        blastRadius: ['payments-db'],
        abortConditions: null,
        plannedFor: null,
      });
      await bed.writer.onIncident(id, {
        type: 'ConcludeExperiment',
        outcome: 'REFUTED',
        observations: 'Failover took 45 s; checkout errors reached 4 %',
        concludedAt: '2026-03-01T11:40:00+01:00',
      });
      await expect(projector.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
      expect(await experimentOf(id)).toEqual({
        status: 'IN_REVIEW',
        hypothesis: 'Checkout survives the loss of one database replica',
        steadyState: 'checkout p99 < 300 ms and error rate < 0.1 %',
        blastRadius: ['payments-db'],
        abortConditions: null,
        plannedFor: null,
        outcome: 'REFUTED',
        observations: 'Failover took 45 s; checkout errors reached 4 %',
        concludedAt: '2026-03-01T10:40:00.000Z',
      });
    });

    it('folds the experiment as of each event, as time travel reads it', async () => {
      const id = await reportExperiment();
      await bed.writer.onIncident(id, plan);
      await bed.writer.onIncident(id, {
        type: 'ConcludeExperiment',
        outcome: 'HELD',
        observations: 'No errors',
        concludedAt: '2026-03-01T10:30:00.000Z',
      });
      const events = (await bed.store.readStream(incidentStreamId(id))).map(toProjectedEvent);
      expect(events.map((event) => event.type)).toEqual([
        'IncidentReported',
        'ExperimentPlanned',
        'ExperimentConcluded',
      ]);
      expect(foldIncidentRows(events.slice(0, 1)).incident).toMatchObject({
        experimentHypothesis: null,
        experimentOutcome: null,
      });
      expect(foldIncidentRows(events.slice(0, 2)).incident).toMatchObject({
        experimentHypothesis: plan.hypothesis,
        experimentOutcome: null,
        experimentConcludedAt: null,
      });
      expect(foldIncidentRows(events).incident).toMatchObject({
        experimentHypothesis: plan.hypothesis,
        experimentOutcome: 'HELD',
        experimentConcludedAt: '2026-03-01T10:30:00.000Z',
        status: 'OPEN',
      });
    });

    it('gives the same rows rebuilt from position zero as projected live', async () => {
      const live = await startProjector(bed.dataSource, { liveBatchSize: 1 });
      const id = await reportExperiment();
      await bed.writer.onIncident(id, plan);
      await bed.writer.onIncident(id, { ...plan, hypothesis: 'Checkout survives losing two replicas' });
      await bed.writer.onIncident(id, {
        type: 'ConcludeExperiment',
        outcome: 'ABORTED',
        observations: 'Stopped at 1 % errors',
        concludedAt: '2026-03-01T10:30:00.000Z',
      });
      await expect(live.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
      const liveRows = await dumpReadModels(bed.dataSource);
      expect(await experimentOf(id)).toMatchObject({
        hypothesis: 'Checkout survives losing two replicas',
        outcome: 'ABORTED',
      });

      const rebuilt = await databases.open();
      const rebuild = await startProjector(rebuilt);
      await expect(rebuild.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
      expect(await dumpReadModels(rebuilt)).toEqual(liveRows);
    });
  });

  it('clears closedAt when a closed incident is reopened, and older events delivered again do not undo it', async () => {
    const projector = await startProjector(bed.dataSource);
    const { id } = await writeStory();
    await bed.writer.onIncident(id, { type: 'ReopenIncident', reason: 'Errors came back' });
    await expect(projector.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
    const incident = await bed.dataSource.manager.findOneByOrFail(IncidentRow, { id });
    expect(incident).toMatchObject({ status: 'OPEN', closedAt: null, postmortemSummary: 'Pool exhaustion' });

    // Older events delivered again, after the reopen: the row must not go back to CLOSED.
    const rows = await dumpReadModels(bed.dataSource);
    const older = (await bed.store.readStream(incidentStreamId(id))).slice(0, -1);
    const projection = new IncidentProjection();
    await bed.dataSource.transaction(async (manager) => {
      for (const event of older) await projection.apply(manager, toProjectedEvent(event));
    });
    expect(await dumpReadModels(bed.dataSource)).toEqual(rows);
  });

  it('reads a version 1 FindingRecorded without a category as a finding with none', async () => {
    const id = await bed.writer.reportIncident({
      title: 'Game day: lose a zone',
      kind: 'GAME_DAY',
      severity: 'SEV4',
      services: ['search'],
      detectionSource: 'CHAOS_EXPERIMENT',
      startedAt: '2026-03-01T09:00:00.000Z',
    });
    const { position } = await bed.store.appendToStream(
      incidentStreamId(id),
      [
        {
          id: randomUUID(),
          type: 'FindingRecorded',
          data: {
            incidentId: id,
            findingId: `${id}:f1`,
            kind: 'WENT_WELL',
            description: 'Failover took 40 s.',
          },
          metadata: {
            actor: 'key-old',
            correlationId: 'req-old',
            causationId: null,
            occurredAt: '2025-01-01T00:00:00.000Z',
            schemaVersion: 1,
          },
        },
      ],
      { expectedRevision: 0 },
    );
    const projector = await startProjector(bed.dataSource);
    await expect(projector.waitForPosition(position, 10_000)).resolves.toBe(true);
    expect(await bed.dataSource.manager.findOneByOrFail(FindingRow, { id: `${id}:f1` })).toMatchObject({
      kind: 'WENT_WELL',
      category: null,
      description: 'Failover took 40 s.',
      retracted: false,
    });
  });

  it('gives the same rows rebuilt from position zero as projected live, and applying events again changes nothing', async () => {
    const live = await startProjector(bed.dataSource, { liveBatchSize: 1 });
    await writeStory();
    await writeStory();
    await expect(live.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
    const liveRows = await dumpReadModels(bed.dataSource);
    expect(liveRows.incidents).toHaveLength(4);

    const rebuilt = await databases.open();
    const rebuild = await startProjector(rebuilt);
    await expect(rebuild.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
    expect(await dumpReadModels(rebuilt)).toEqual(liveRows);

    // Every event once more, straight into the projection: its revision guard and upserts hold.
    const projection = new IncidentProjection();
    const all = await bed.store.readAll({ filter: { streamPrefixes: ['incident-'] } });
    await bed.dataSource.transaction(async (manager) => {
      for (const event of all) await projection.apply(manager, toProjectedEvent(event));
    });
    expect(await dumpReadModels(bed.dataSource)).toEqual(liveRows);
  });
});
