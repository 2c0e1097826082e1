import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { incidentStreamId } from '@kb/domain';
import { SqliteEventStore } from '@kb/event-store';
import { Projector } from '../projector/projector';
import { toProjectedEvent } from '../projector/projected-event';
import { checkpointOf, describeOnReadModelDatabases, dumpReadModels } from '../testing/read-model-databases';
import { WriteSide } from '../testing/write-side.fixture';
import {
  FindingRow,
  IncidentLinkRow,
  IncidentRow,
  IncidentServiceRow,
  IncidentTagRow,
  TimelineEntryRow,
} from './incident.entity';
import { IncidentProjection } from './incident.projection';

describeOnReadModelDatabases('incident read model', (databases) => {
  jest.setTimeout(30_000);
  let dir: string;
  let store: SqliteEventStore;
  let dataSource: DataSource;
  let writer: WriteSide;
  const projectors: Projector[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kb-incident-rm-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.db') });
    dataSource = await databases.open();
    writer = new WriteSide(store);
  });
  afterEach(async () => {
    for (const projector of projectors.splice(0)) await projector.stop();
    await store.close();
    await databases.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const startProjector = async (target: DataSource, options = {}) => {
    const projector = new Projector(store, target, [new IncidentProjection()], options);
    projectors.push(projector);
    await projector.start();
    return projector;
  };

  /** An incident from report to a closed postmortem, plus an earlier one it recurs. */
  async function writeStory() {
    const earlier = await writer.reportIncident({
      title: 'Checkout pool exhausted',
      kind: 'INCIDENT',
      severity: 'SEV3',
      services: ['checkout'],
      detectionSource: 'CUSTOMER_REPORT',
      startedAt: '2026-02-01T08:00:00.000Z',
    });
    const id = await writer.reportIncident({
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
    await writer.onIncident(id, { type: 'ReviseIncident', severity: 'SEV1', tags: ['config', 'pool'] });
    await writer.onIncident(id, {
      type: 'RecordMilestone',
      milestone: 'ACKNOWLEDGED',
      at: '2026-03-01T10:07:00.000Z',
    });
    await writer.onIncident(id, {
      type: 'RecordMilestone',
      milestone: 'MITIGATED',
      at: '2026-03-01T10:20:00.000Z',
    });
    await writer.onIncident(id, {
      type: 'AddTimelineEntry',
      at: '2026-03-01T10:01:00.000Z',
      text: 'Deploy 4711 finished',
    });
    await writer.onIncident(id, {
      type: 'RecordMilestone',
      milestone: 'RESOLVED',
      at: '2026-03-01T10:55:00.000Z',
    });
    await writer.onIncident(id, {
      type: 'RecordFinding',
      kind: 'TRIGGER',
      category: 'CONFIG_CHANGE',
      description: 'A config push removed the connection pool limit.',
    });
    await writer.onIncident(id, {
      type: 'RecordFinding',
      kind: 'LESSON_LEARNED',
      description: 'Pool limits need an alert.',
    });
    await writer.onIncident(id, {
      type: 'ReviseFinding',
      findingId: `${id}:f2`,
      description: 'Pool limits need alerts.',
    });
    await writer.onIncident(id, {
      type: 'RecordFinding',
      kind: 'GOT_LUCKY',
      description: 'Low traffic on a Sunday.',
    });
    await writer.onIncident(id, {
      type: 'RetractFinding',
      findingId: `${id}:f3`,
      reason: 'It was a Saturday.',
    });
    await writer.onIncident(id, {
      type: 'LinkIncidents',
      relation: 'RECURRENCE_OF',
      related: { id: earlier, startedAt: '2026-02-01T08:00:00.000Z' },
    });
    await writer.onIncident(id, {
      type: 'PublishPostmortem',
      summary: 'Pool exhaustion',
      impact: '4% of checkouts failed',
    });
    return { id, earlier };
  }

  it('projects an incident written through the write side into its tables', async () => {
    const projector = await startProjector(dataSource);
    const { id, earlier } = await writeStory();
    await expect(projector.waitForPosition(writer.lastPosition, 10_000)).resolves.toBe(true);

    const events = await store.readStream(incidentStreamId(id));
    const last = events[events.length - 1];
    const closing = events.find(
      (e) => e.type === 'IncidentStatusChanged' && (e.data as { to: string }).to === 'CLOSED',
    );
    const published = events.find((e) => e.type === 'PostmortemPublished')!;
    const incident = await dataSource.manager.findOneByOrFail(IncidentRow, { id });
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
    });
    expect(await dataSource.manager.findBy(IncidentServiceRow, { incidentId: id })).toEqual(
      expect.arrayContaining([
        { incidentId: id, service: 'checkout' },
        { incidentId: id, service: 'payments' },
      ]),
    );
    expect(
      await dataSource.manager.find(IncidentTagRow, { where: { incidentId: id }, order: { tag: 'ASC' } }),
    ).toEqual([
      { incidentId: id, tag: 'config' },
      { incidentId: id, tag: 'pool' },
    ]);
    const findings = await dataSource.manager.find(FindingRow, {
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
    expect(await dataSource.manager.findBy(TimelineEntryRow, { incidentId: id })).toEqual([
      {
        id: `${id}:t1`,
        incidentId: id,
        streamRevision: expect.any(Number),
        at: '2026-03-01T10:01:00.000Z',
        text: 'Deploy 4711 finished',
      },
    ]);
    expect(await dataSource.manager.findBy(IncidentLinkRow, { incidentId: id })).toEqual([
      { incidentId: id, relatedIncidentId: earlier, relation: 'RECURRENCE_OF', linkedAt: expect.any(String) },
    ]);
    expect(await checkpointOf(dataSource, 'incidents')).toBe(writer.lastPosition);
  });

  it('clears closedAt when a closed incident is reopened, and older events delivered again do not undo it', async () => {
    const projector = await startProjector(dataSource);
    const { id } = await writeStory();
    await writer.onIncident(id, { type: 'ReopenIncident', reason: 'Errors came back' });
    await expect(projector.waitForPosition(writer.lastPosition, 10_000)).resolves.toBe(true);
    const incident = await dataSource.manager.findOneByOrFail(IncidentRow, { id });
    expect(incident).toMatchObject({ status: 'OPEN', closedAt: null, postmortemSummary: 'Pool exhaustion' });

    // Older events delivered again, after the reopen: the row must not go back to CLOSED.
    const rows = await dumpReadModels(dataSource);
    const older = (await store.readStream(incidentStreamId(id))).slice(0, -1);
    const projection = new IncidentProjection();
    await dataSource.transaction(async (manager) => {
      for (const event of older) await projection.apply(manager, toProjectedEvent(event));
    });
    expect(await dumpReadModels(dataSource)).toEqual(rows);
  });

  it('reads a version 1 FindingRecorded without a category as a finding with none', async () => {
    const id = await writer.reportIncident({
      title: 'Game day: lose a zone',
      kind: 'GAME_DAY',
      severity: 'SEV4',
      services: ['search'],
      detectionSource: 'CHAOS_EXPERIMENT',
      startedAt: '2026-03-01T09:00:00.000Z',
    });
    const { position } = await store.appendToStream(
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
    const projector = await startProjector(dataSource);
    await expect(projector.waitForPosition(position, 10_000)).resolves.toBe(true);
    expect(await dataSource.manager.findOneByOrFail(FindingRow, { id: `${id}:f1` })).toMatchObject({
      kind: 'WENT_WELL',
      category: null,
      description: 'Failover took 40 s.',
      retracted: false,
    });
  });

  it('gives the same rows rebuilt from position zero as projected live, and applying events again changes nothing', async () => {
    const live = await startProjector(dataSource, { liveBatchSize: 1 });
    await writeStory();
    await writeStory();
    await expect(live.waitForPosition(writer.lastPosition, 10_000)).resolves.toBe(true);
    const liveRows = await dumpReadModels(dataSource);
    expect(liveRows.incidents).toHaveLength(4);

    const rebuilt = await databases.open();
    const rebuild = await startProjector(rebuilt);
    await expect(rebuild.waitForPosition(writer.lastPosition, 10_000)).resolves.toBe(true);
    expect(await dumpReadModels(rebuilt)).toEqual(liveRows);

    // Every event once more, straight into the projection: its revision guard and upserts hold.
    const projection = new IncidentProjection();
    const all = await store.readAll({ filter: { streamPrefixes: ['incident-'] } });
    await dataSource.transaction(async (manager) => {
      for (const event of all) await projection.apply(manager, toProjectedEvent(event));
    });
    expect(await dumpReadModels(dataSource)).toEqual(liveRows);
  });
});
