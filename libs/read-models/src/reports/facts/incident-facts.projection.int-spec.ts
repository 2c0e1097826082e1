import { useProjectionTestbed } from '../../testing/projection-testbed';
import type { DataSource } from 'typeorm';
import { Projector } from '../../projector/projector';
import { toProjectedEvent } from '../../projector/projected-event';
import {
  checkpointOf,
  describeOnReadModelDatabases,
  dumpReadModels,
} from '../../testing/read-model-databases';
import { DatedEvents } from '../../testing/dated-events.fixture';
import { WriteSide } from '../../testing/write-side.fixture';
import {
  IncidentFactFactorCategoryRow,
  IncidentFactRecurrenceLinkRow,
  IncidentFactRow,
  IncidentFactServiceRow,
  IncidentFactTagRow,
} from './incident-fact.entity';
import { IncidentFactsProjection } from './incident-facts.projection';

type ReportFields = Parameters<WriteSide['reportIncident']>[0];

const HOUR_MS = 3_600_000;

describeOnReadModelDatabases('incident facts read model', (databases) => {
  jest.setTimeout(30_000);
  const bed = useProjectionTestbed(databases);
  let projector: Projector;
  beforeEach(async () => {
    projector = await startProjector(bed.dataSource);
  });

  function startProjector(target: DataSource, options = {}) {
    return bed.startProjector(target, [new IncidentFactsProjection()], options);
  }

  const caughtUp = async () =>
    expect(await projector.waitForPosition(bed.writer.lastPosition, 10_000)).toBe(true);

  const report = (fields: Partial<ReportFields> = {}) =>
    bed.writer.reportIncident({
      title: 'Checkout errors',
      kind: 'INCIDENT',
      severity: 'SEV2',
      services: ['checkout'],
      detectionSource: 'MONITORING_ALERT',
      startedAt: '2026-03-01T10:00:00.000Z',
      ...fields,
    });

  const milestone = (id: string, name: string, at: string) =>
    bed.writer.onIncident(id, { type: 'RecordMilestone', milestone: name, at });

  const fact = async (id: string) => {
    await caughtUp();
    return bed.dataSource.manager.findOneByOrFail(IncidentFactRow, { incidentId: id });
  };

  it('keeps what the learning report judges: first publication, deadline, experiment outcome', async () => {
    const events = new DatedEvents(bed.store);
    const ms = (iso: string) => Date.parse(iso);
    await events.incident('major', { startedAt: '2026-03-01T10:00:00.000Z', services: ['checkout'] });
    await events.resolve('major', '2026-03-01T12:00:00.000Z', '2026-03-06T12:00:00.000Z');
    await events.publishPostmortem('major', '2026-03-04T09:00:00.000Z');
    // Reopened and published again: the first publication stands.
    await events.onIncident(
      { type: 'IncidentReopened', data: { incidentId: 'major', reason: 'Again', previousStatus: 'CLOSED' } },
      '2026-03-05T00:00:00Z',
    );
    await events.publishPostmortem('major', '2026-03-09T09:00:00.000Z');
    await events.incident('drill', {
      startedAt: '2026-03-02T10:00:00.000Z',
      services: ['checkout'],
      kind: 'GAME_DAY',
    });
    await events.experiment('drill', '2026-03-01T00:00:00.000Z', {
      outcome: 'REFUTED',
      at: '2026-03-02T11:30:00.000Z',
    });
    expect(await projector.waitForPosition(events.lastPosition, 10_000)).toBe(true);
    const manager = bed.dataSource.manager;
    expect(await manager.findOneByOrFail(IncidentFactRow, { incidentId: 'major' })).toMatchObject({
      resolvedAtMs: ms('2026-03-01T12:00:00.000Z'),
      postmortemDueAtMs: ms('2026-03-06T12:00:00.000Z'),
      postmortemPublishedAtMs: ms('2026-03-04T09:00:00.000Z'),
      experimentOutcome: null,
      experimentConcludedAtMs: null,
    });
    expect(await manager.findOneByOrFail(IncidentFactRow, { incidentId: 'drill' })).toMatchObject({
      postmortemDueAtMs: null,
      postmortemPublishedAtMs: null,
      experimentOutcome: 'REFUTED',
      experimentConcludedAtMs: ms('2026-03-02T11:30:00.000Z'),
    });
  });

  async function servicesOf(id: string) {
    await caughtUp();
    return bed.dataSource.manager.find(IncidentFactServiceRow, {
      where: { incidentId: id },
      order: { service: 'ASC' },
    });
  }

  async function tagsOf(id: string) {
    await caughtUp();
    return bed.dataSource.manager.find(IncidentFactTagRow, {
      where: { incidentId: id },
      order: { tag: 'ASC' },
    });
  }

  async function categoriesOf(id: string) {
    await caughtUp();
    const rows = await bed.dataSource.manager.find(IncidentFactFactorCategoryRow, {
      where: { incidentId: id },
      order: { category: 'ASC' },
    });
    return rows.map((r) => r.category);
  }

  it('keeps durations in seconds from startedAt, recomputed on a milestone correction and a revised startedAt', async () => {
    const id = await report({ detectedAt: '2026-03-01T10:05:00.000Z', tags: ['config'] });
    expect(await fact(id)).toEqual({
      incidentId: id,
      revision: 0,
      kind: 'INCIDENT',
      severity: 'SEV2',
      status: 'OPEN',
      detectionSource: 'MONITORING_ALERT',
      startedAt: '2026-03-01T10:00:00.000Z',
      startedAtMs: Date.parse('2026-03-01T10:00:00.000Z'),
      detectedAtMs: Date.parse('2026-03-01T10:05:00.000Z'),
      acknowledgedAtMs: null,
      mitigatedAtMs: null,
      resolvedAtMs: null,
      detectSeconds: 300,
      acknowledgeSeconds: null,
      mitigateSeconds: null,
      resolveSeconds: null,
      postmortemPublishedAtMs: null,
      postmortemDueAtMs: null,
      experimentOutcome: null,
      experimentConcludedAtMs: null,
      hasCategorisedFinding: false,
      recurs: false,
    });

    await milestone(id, 'ACKNOWLEDGED', '2026-03-01T10:07:00.000Z');
    await milestone(id, 'MITIGATED', '2026-03-01T10:20:00.000Z');
    await milestone(id, 'RESOLVED', '2026-03-01T10:55:30.500Z');
    expect(await fact(id)).toMatchObject({
      status: 'RESOLVED',
      acknowledgedAtMs: Date.parse('2026-03-01T10:07:00.000Z'),
      mitigatedAtMs: Date.parse('2026-03-01T10:20:00.000Z'),
      resolvedAtMs: Date.parse('2026-03-01T10:55:30.500Z'),
      detectSeconds: 300,
      acknowledgeSeconds: 420,
      mitigateSeconds: 1200,
      resolveSeconds: 3330.5,
    });

    // A correction: MilestoneRecorded again with previousAt.
    await milestone(id, 'MITIGATED', '2026-03-01T10:15:00.000Z');
    expect(await fact(id)).toMatchObject({ mitigateSeconds: 900, resolveSeconds: 3330.5 });

    await bed.writer.onIncident(id, { type: 'ReviseIncident', startedAt: '2026-03-01T09:58:00.000Z' });
    expect(await fact(id)).toMatchObject({
      startedAt: '2026-03-01T09:58:00.000Z',
      startedAtMs: Date.parse('2026-03-01T09:58:00.000Z'),
      detectSeconds: 420,
      acknowledgeSeconds: 540,
      mitigateSeconds: 1020,
      resolveSeconds: 3450.5,
    });
    expect(await servicesOf(id)).toEqual([
      {
        incidentId: id,
        service: 'checkout',
        startedAt: '2026-03-01T09:58:00.000Z',
        startedAtMs: Date.parse('2026-03-01T09:58:00.000Z'),
      },
    ]);
    expect(await tagsOf(id)).toEqual([
      {
        incidentId: id,
        tag: 'config',
        startedAt: '2026-03-01T09:58:00.000Z',
        startedAtMs: Date.parse('2026-03-01T09:58:00.000Z'),
      },
    ]);
  });

  it('replaces services and tags when a revision changes them, and follows severity and detection source', async () => {
    const id = await report({ services: ['checkout', 'payments'], tags: ['config', 'pool'] });
    expect((await servicesOf(id)).map((r) => r.service)).toEqual(['checkout', 'payments']);

    await bed.writer.onIncident(id, {
      type: 'ReviseIncident',
      services: ['search', 'checkout', 'search'],
      tags: [],
      severity: 'SEV1',
      detectionSource: 'CUSTOMER_REPORT',
    });
    expect(await servicesOf(id)).toEqual([
      {
        incidentId: id,
        service: 'checkout',
        startedAt: '2026-03-01T10:00:00.000Z',
        startedAtMs: Date.parse('2026-03-01T10:00:00.000Z'),
      },
      {
        incidentId: id,
        service: 'search',
        startedAt: '2026-03-01T10:00:00.000Z',
        startedAtMs: Date.parse('2026-03-01T10:00:00.000Z'),
      },
    ]);
    expect(await tagsOf(id)).toEqual([]);
    expect(await fact(id)).toMatchObject({
      severity: 'SEV1',
      detectionSource: 'CUSTOMER_REPORT',
      revision: 1,
    });
  });

  it('keeps the categories of non-retracted TRIGGER and CONTRIBUTING_FACTOR findings as they are recorded, revised and retracted', async () => {
    const id = await report();
    const finding = (kind: string, category: string | null) =>
      bed.writer.onIncident(id, {
        type: 'RecordFinding',
        kind,
        category,
        description: `${kind} ${category}`,
      });
    await finding('LESSON_LEARNED', 'MONITORING_GAP');
    expect(await categoriesOf(id)).toEqual([]);
    expect(await fact(id)).toMatchObject({ hasCategorisedFinding: false });

    await finding('TRIGGER', 'CONFIG_CHANGE'); // f2
    await finding('CONTRIBUTING_FACTOR', 'CAPACITY'); // f3
    await finding('CONTRIBUTING_FACTOR', 'CONFIG_CHANGE'); // f4
    expect(await categoriesOf(id)).toEqual(['CAPACITY', 'CONFIG_CHANGE']);
    expect(await fact(id)).toMatchObject({ hasCategorisedFinding: true });
    const categoryRow = await bed.dataSource.manager.findOneByOrFail(IncidentFactFactorCategoryRow, {
      incidentId: id,
      category: 'CAPACITY',
    });
    expect(categoryRow.startedAt).toBe('2026-03-01T10:00:00.000Z');
    expect(categoryRow.startedAtMs).toBe(Date.parse('2026-03-01T10:00:00.000Z'));

    await bed.writer.onIncident(id, { type: 'ReviseFinding', findingId: `${id}:f3`, category: 'NETWORK' });
    expect(await categoriesOf(id)).toEqual(['CONFIG_CHANGE', 'NETWORK']);
    await bed.writer.onIncident(id, { type: 'ReviseFinding', findingId: `${id}:f3`, kind: 'LESSON_LEARNED' });
    expect(await categoriesOf(id)).toEqual(['CONFIG_CHANGE']);
    await bed.writer.onIncident(id, { type: 'ReviseFinding', findingId: `${id}:f1`, kind: 'TRIGGER' });
    expect(await categoriesOf(id)).toEqual(['CONFIG_CHANGE', 'MONITORING_GAP']);

    await bed.writer.onIncident(id, {
      type: 'RetractFinding',
      findingId: `${id}:f2`,
      reason: 'wrong incident',
    });
    expect(await categoriesOf(id)).toEqual(['CONFIG_CHANGE', 'MONITORING_GAP']);
    await bed.writer.onIncident(id, {
      type: 'RetractFinding',
      findingId: `${id}:f4`,
      reason: 'wrong incident',
    });
    await bed.writer.onIncident(id, {
      type: 'RetractFinding',
      findingId: `${id}:f1`,
      reason: 'wrong incident',
    });
    expect(await categoriesOf(id)).toEqual([]);
    expect(await fact(id)).toMatchObject({ hasCategorisedFinding: false });
  });

  it('keeps RECURRENCE_OF links only, and the status through review, close and reopen', async () => {
    const earlier = await report({ startedAt: '2026-02-01T08:00:00.000Z' });
    const related = await report({ startedAt: '2026-02-02T08:00:00.000Z' });
    const id = await report();
    await bed.writer.onIncident(id, {
      type: 'LinkIncidents',
      relation: 'RECURRENCE_OF',
      related: { id: earlier, startedAt: '2026-02-01T08:00:00.000Z' },
    });
    await bed.writer.onIncident(id, {
      type: 'LinkIncidents',
      relation: 'RELATED_TO',
      related: { id: related, startedAt: '2026-02-02T08:00:00.000Z' },
    });
    await caughtUp();
    expect(await bed.dataSource.manager.find(IncidentFactRecurrenceLinkRow)).toEqual([
      { incidentId: id, relatedIncidentId: earlier },
    ]);

    await milestone(id, 'RESOLVED', '2026-03-01T11:00:00.000Z');
    expect(await fact(id)).toMatchObject({ status: 'RESOLVED' });
    await bed.writer.onIncident(id, {
      type: 'RecordFinding',
      kind: 'TRIGGER',
      category: 'CODE_CHANGE',
      description: 'A deploy',
    });
    expect(await fact(id)).toMatchObject({ status: 'IN_REVIEW' });
    await bed.writer.onIncident(id, { type: 'PublishPostmortem', summary: 'A deploy', impact: 'Errors' });
    expect(await fact(id)).toMatchObject({ status: 'CLOSED' });
    await bed.writer.onIncident(id, { type: 'ReopenIncident', reason: 'Errors came back' });
    expect(await fact(id)).toMatchObject({ status: 'OPEN', resolveSeconds: 3600 });
  });

  /** Incidents touching every fact and child table. */
  async function writeStory() {
    const earlier = await report({ startedAt: '2026-02-01T08:00:00.000Z', services: ['checkout', 'search'] });
    const id = await report({ tags: ['config'], detectedAt: '2026-03-01T10:03:00.000Z' });
    await bed.writer.onIncident(id, {
      type: 'ReviseIncident',
      services: ['checkout', 'payments'],
      tags: ['pool'],
    });
    await milestone(id, 'MITIGATED', '2026-03-01T10:20:00.000Z');
    await milestone(id, 'RESOLVED', '2026-03-01T10:40:00.000Z');
    await milestone(id, 'MITIGATED', '2026-03-01T10:10:00.000Z');
    await bed.writer.onIncident(id, {
      type: 'RecordFinding',
      kind: 'TRIGGER',
      category: 'DATA',
      description: 'x',
    });
    await bed.writer.onIncident(id, {
      type: 'RecordFinding',
      kind: 'CONTRIBUTING_FACTOR',
      category: 'CAPACITY',
      description: 'y',
    });
    await bed.writer.onIncident(id, {
      type: 'ReviseFinding',
      findingId: `${id}:f1`,
      category: 'CODE_CHANGE',
    });
    await bed.writer.onIncident(id, { type: 'RetractFinding', findingId: `${id}:f2`, reason: 'not so' });
    await bed.writer.onIncident(id, {
      type: 'LinkIncidents',
      relation: 'RECURRENCE_OF',
      related: { id: earlier, startedAt: '2026-02-01T08:00:00.000Z' },
    });
    await bed.writer.onIncident(id, { type: 'ReviseIncident', startedAt: '2026-03-01T09:59:00.000Z' });
    await bed.writer.onIncident(id, { type: 'PublishPostmortem', summary: 's', impact: 'i' });
    await bed.writer.onIncident(id, { type: 'ReopenIncident', reason: 'again' });
  }

  it('gives the same rows rebuilt from position zero as projected live, and applying events again changes nothing', async () => {
    await projector.stop();
    const live = await startProjector(bed.dataSource, { liveBatchSize: 1 });
    await writeStory();
    await writeStory();
    await expect(live.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
    const liveRows = await dumpReadModels(bed.dataSource);
    expect(liveRows.incident_facts).toHaveLength(4);
    expect(liveRows.incident_fact_services).toHaveLength(8);
    expect(liveRows.incident_fact_tags).toHaveLength(2);
    expect(liveRows.incident_fact_factor_categories).toHaveLength(2);
    expect(liveRows.incident_fact_findings).toHaveLength(4);
    expect(liveRows.incident_fact_recurrence_links).toHaveLength(2);
    expect(await checkpointOf(bed.dataSource, 'incident-facts')).toBe(bed.writer.lastPosition);

    const rebuilt = await databases.open();
    const rebuild = await startProjector(rebuilt);
    await expect(rebuild.waitForPosition(bed.writer.lastPosition, 10_000)).resolves.toBe(true);
    expect(await dumpReadModels(rebuilt)).toEqual(liveRows);
    // The projector's own rebuild empties the projection's tables and replays the log.
    await live.rebuild('incident-facts');
    expect(await dumpReadModels(bed.dataSource)).toEqual(liveRows);

    // Every event once more, straight into the projection, and then all but the last (the reopen):
    // its revision guard holds, so a redelivered close or superseded milestone changes nothing.
    const projection = new IncidentFactsProjection();
    const all = await bed.store.readAll({ filter: { streamPrefixes: ['incident-'] } });
    await bed.dataSource.transaction(async (manager) => {
      for (const event of all) await projection.apply(manager, toProjectedEvent(event));
      for (const event of all.slice(0, -1)) await projection.apply(manager, toProjectedEvent(event));
    });
    expect(await dumpReadModels(bed.dataSource)).toEqual(liveRows);
  });

  describe('serves the analytics queries', () => {
    let ids: Record<string, string>;
    const period = ['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'];

    /** Runs `sql` with `?` placeholders on either database; counts come back as numbers. */
    const query = async <Row>(sql: string, params: unknown[] = []): Promise<Row[]> => {
      let n = 0;
      const text = bed.dataSource.options.type === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql;
      return bed.dataSource.query(text, params);
    };

    beforeEach(async () => {
      const at = (day: string, hour = 10) => `2026-${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;
      ids = {
        old: await report({ startedAt: '2025-10-20T10:00:00.000Z', services: ['checkout'] }),
        jan: await report({ startedAt: at('01-20'), services: ['checkout', 'search'], severity: 'SEV3' }),
        feb1: await report({
          startedAt: at('02-03'),
          services: ['checkout', 'payments'],
          tags: ['config'],
          detectedAt: at('02-03', 11),
        }),
        feb2: await report({
          startedAt: at('02-10'),
          services: ['search'],
          tags: ['config', 'pool'],
          severity: 'SEV1',
          detectionSource: 'CUSTOMER_REPORT',
        }),
        chaos: await report({
          startedAt: at('02-12'),
          services: ['checkout'],
          kind: 'CHAOS_EXPERIMENT',
          detectionSource: 'CHAOS_EXPERIMENT',
          detectedAt: at('02-12', 10),
        }),
        feb3: await report({ startedAt: at('02-20'), services: ['payments'] }),
        mar: await report({ startedAt: at('03-01', 9), services: ['checkout'] }),
      };
      const trigger = (id: string, category: string) =>
        bed.writer.onIncident(id, {
          type: 'RecordFinding',
          kind: 'TRIGGER',
          category,
          description: category,
        });
      await trigger(ids.old, 'CONFIG_CHANGE');
      await trigger(ids.jan, 'CAPACITY');
      await trigger(ids.feb1, 'CONFIG_CHANGE');
      await trigger(ids.feb1, 'CAPACITY');
      await trigger(ids.feb2, 'CAPACITY');
      await trigger(ids.feb3, 'NETWORK');
      await bed.writer.onIncident(ids.feb3, {
        type: 'LinkIncidents',
        relation: 'RECURRENCE_OF',
        related: { id: ids.old, startedAt: '2025-10-20T10:00:00.000Z' },
      });
      await milestone(ids.feb1, 'MITIGATED', at('02-03', 12));
      await milestone(ids.feb2, 'MITIGATED', at('02-10', 13));
      await milestone(ids.chaos, 'MITIGATED', at('02-12', 20));
      await caughtUp();
    });

    it('counts incidents per period for the fact columns (NONE, SEVERITY, KIND, DETECTION_SOURCE)', async () => {
      const byMonth = await query<{ bucket: string; count: number }>(
        `SELECT substr(started_at, 1, 7) AS bucket, CAST(COUNT(*) AS integer) AS count
         FROM incident_facts WHERE started_at >= ? AND started_at < ?
         GROUP BY substr(started_at, 1, 7) ORDER BY bucket`,
        ['2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
      );
      expect(byMonth).toEqual([
        { bucket: '2026-01', count: 1 },
        { bucket: '2026-02', count: 4 },
        { bucket: '2026-03', count: 1 },
      ]);
      for (const [column, expected] of [
        [
          'severity',
          [
            { key: 'SEV1', count: 1 },
            { key: 'SEV2', count: 3 },
          ],
        ],
        [
          'kind',
          [
            { key: 'CHAOS_EXPERIMENT', count: 1 },
            { key: 'INCIDENT', count: 3 },
          ],
        ],
        [
          'detection_source',
          [
            { key: 'CHAOS_EXPERIMENT', count: 1 },
            { key: 'CUSTOMER_REPORT', count: 1 },
            { key: 'MONITORING_ALERT', count: 2 },
          ],
        ],
      ] as const)
        expect(
          await query(
            `SELECT ${column} AS key, CAST(COUNT(*) AS integer) AS count FROM incident_facts
             WHERE started_at >= ? AND started_at < ? GROUP BY ${column} ORDER BY key`,
            period,
          ),
        ).toEqual(expected);
    });

    it('counts an incident once under each of its services, tags and factor categories', async () => {
      const perValue = (table: string, column: string) =>
        query(
          `SELECT ${column} AS key, CAST(COUNT(*) AS integer) AS count FROM ${table}
           WHERE started_at >= ? AND started_at < ? GROUP BY ${column} ORDER BY key`,
          period,
        );
      expect(await perValue('incident_fact_services', 'service')).toEqual([
        { key: 'checkout', count: 2 },
        { key: 'payments', count: 2 },
        { key: 'search', count: 1 },
      ]);
      expect(await perValue('incident_fact_tags', 'tag')).toEqual([
        { key: 'config', count: 2 },
        { key: 'pool', count: 1 },
      ]);
      expect(await perValue('incident_fact_factor_categories', 'category')).toEqual([
        { key: 'CAPACITY', count: 2 },
        { key: 'CONFIG_CHANGE', count: 1 },
        { key: 'NETWORK', count: 1 },
      ]);
      // A filter on the fact table joins its dimension rows.
      expect(
        await query(
          `SELECT s.service AS key, CAST(COUNT(*) AS integer) AS count
           FROM incident_fact_services s JOIN incident_facts f ON f.incident_id = s.incident_id
           WHERE s.started_at >= ? AND s.started_at < ? AND f.severity = ? GROUP BY s.service ORDER BY key`,
          [...period, 'SEV2'],
        ),
      ).toEqual([
        { key: 'checkout', count: 2 },
        { key: 'payments', count: 2 },
      ]);
    });

    it('gives response times as plain columns, leaving chaos experiments and game days out unless named', async () => {
      const stats = (kinds: string[]) =>
        query<{ incidents: number; mitigated: number; mean: number | null }>(
          `SELECT CAST(COUNT(*) AS integer) AS incidents,
                  CAST(COUNT(mitigate_seconds) AS integer) AS mitigated,
                  AVG(mitigate_seconds) AS mean
           FROM incident_facts WHERE started_at >= ? AND started_at < ?
           AND kind IN (${kinds.map(() => '?').join(', ')})`,
          [...period, ...kinds],
        );
      expect(await stats(['INCIDENT', 'NEAR_MISS'])).toEqual([
        { incidents: 3, mitigated: 2, mean: (2 * HOUR_MS + 3 * HOUR_MS) / 2 / 1000 },
      ]);
      expect(await stats(['CHAOS_EXPERIMENT'])).toEqual([{ incidents: 1, mitigated: 1, mean: 36_000 }]);
      // Median and p90 come from the ordered values.
      const detect = await query<{ seconds: number }>(
        `SELECT detect_seconds AS seconds FROM incident_facts
         WHERE started_at >= ? AND started_at < ? AND detect_seconds IS NOT NULL ORDER BY detect_seconds`,
        period,
      );
      expect(detect).toEqual([{ seconds: 0 }, { seconds: 3600 }]);
    });

    it('ranks factor categories with their share of incidents with a categorised finding', async () => {
      const [{ total }] = await query<{ total: number }>(
        `SELECT CAST(COUNT(*) AS integer) AS total FROM incident_facts
         WHERE started_at >= ? AND started_at < ? AND has_categorised_finding = TRUE`,
        period,
      );
      expect(total).toBe(3);
      const previous = ['2026-01-04T00:00:00.000Z', '2026-02-01T00:00:00.000Z'];
      expect(
        await query(
          `SELECT c.category AS category,
                  CAST(SUM(CASE WHEN c.started_at >= ? THEN 1 ELSE 0 END) AS integer) AS incidents,
                  CAST(SUM(CASE WHEN c.started_at < ? THEN 1 ELSE 0 END) AS integer) AS previous
           FROM incident_fact_factor_categories c
           WHERE c.started_at >= ? AND c.started_at < ?
           GROUP BY c.category ORDER BY incidents DESC, category`,
          [period[0], period[0], previous[0], period[1]],
        ),
      ).toEqual([
        { category: 'CAPACITY', incidents: 2, previous: 1 },
        { category: 'CONFIG_CHANGE', incidents: 1, previous: 0 },
        { category: 'NETWORK', incidents: 1, previous: 0 },
      ]);
    });

    it('finds recurrences by RECURRENCE_OF link or an earlier incident within 90 days sharing a service and a category', async () => {
      const ninetyDaysMs = 90 * 24 * HOUR_MS;
      const recurring = await query<{ id: string }>(
        `SELECT f.incident_id AS id FROM incident_facts f
         WHERE f.started_at >= ? AND f.started_at < ?
         AND (EXISTS (SELECT 1 FROM incident_fact_recurrence_links l WHERE l.incident_id = f.incident_id)
           OR EXISTS (
             SELECT 1 FROM incident_fact_services s
             JOIN incident_fact_factor_categories c ON c.incident_id = s.incident_id
             JOIN incident_fact_services es ON es.service = s.service AND es.incident_id <> s.incident_id
             JOIN incident_fact_factor_categories ec
               ON ec.incident_id = es.incident_id AND ec.category = c.category
             JOIN incident_facts e ON e.incident_id = es.incident_id
             WHERE s.incident_id = f.incident_id
               AND e.started_at_ms < f.started_at_ms AND e.started_at_ms >= f.started_at_ms - ?))
         ORDER BY f.started_at`,
        [...period, ninetyDaysMs],
      );
      // feb1 repeats jan (checkout, CAPACITY); feb2 repeats jan (search, CAPACITY); feb3 is linked.
      // old → feb1 (checkout, CONFIG_CHANGE) is 106 days: too long ago.
      expect(recurring.map((r) => r.id)).toEqual([ids.feb1, ids.feb2, ids.feb3]);
    });
  });
});
