import type { DataSource } from 'typeorm';
import { IncidentFactsProjection } from './facts/incident-facts.projection';
import { InvalidQueryArgumentError } from '../query-arguments';
import { useProjectionTestbed } from '../testing/projection-testbed';
import { describeOnReadModelDatabases } from '../testing/read-model-databases';
import { DatedEvents } from '../testing/dated-events.fixture';
import { MAX_RECURRENCE_CLUSTERS, recurrence } from './recurrence.query';

const PERIOD = { from: '2026-04-01T00:00:00Z', to: '2026-07-01T00:00:00Z' };

/*
 * The fixture, worked by hand; the period is [2026-04-01, 2026-07-01), so earlier incidents count
 * from 2026-01-01 (90 days before it).
 * p0  2026-01-15  api            CODE_CHANGE       (before the window)
 * p1  2026-03-01  api, db        CONFIG_CHANGE     (before the period, in the window)
 * a   2026-05-30  api            CONFIG_CHANGE     recurs: p1 exactly 90 days before, (api, CONFIG_CHANGE)
 * b   2026-05-30 +1 ms  db       CONFIG_CHANGE     no: p1 is 90 days and 1 ms before
 * c   2026-04-10  web            NETWORK           recurs: linked RECURRENCE_OF p0 (no shared pair)
 * d   2026-06-01  api, web       CONFIG_CHANGE     recurs through (api, CONFIG_CHANGE): a
 * e   2026-06-15  web            NETWORK retracted, and a LESSON_LEARNED NETWORK: no category, no
 * f   2026-06-20  web            NETWORK           recurs: c
 * g   2026-06-20  web            NETWORK           recurs: c (f, at the same instant, is not earlier)
 * h   2026-06-25  cache          DATA              no (k is at the same instant: not earlier)
 * k   2026-06-25  cache          DATA              no
 * l   2026-05-01  queue (GAME_DAY) CONFIG_CHANGE   no
 * m   2026-05-20  queue          CONFIG_CHANGE     recurs: l
 */
describeOnReadModelDatabases('recurrence', (databases) => {
  jest.setTimeout(60_000);
  const bed = useProjectionTestbed(databases);

  async function project(): Promise<DataSource> {
    const events = new DatedEvents(bed.store);
    const incident = async (
      id: string,
      startedAt: string,
      services: string[],
      category: 'CODE_CHANGE' | 'CONFIG_CHANGE' | 'NETWORK' | 'DATA',
      kind: 'INCIDENT' | 'GAME_DAY' = 'INCIDENT',
    ) => {
      await events.incident(id, { startedAt, services, kind });
      await events.finding(
        id,
        1,
        id.length % 2 === 0 ? 'TRIGGER' : 'CONTRIBUTING_FACTOR',
        category,
        startedAt,
      );
    };
    await incident('p0', '2026-01-15T00:00:00.000Z', ['api'], 'CODE_CHANGE');
    await incident('p1', '2026-03-01T00:00:00.000Z', ['api', 'db'], 'CONFIG_CHANGE');
    await incident('a', '2026-05-30T00:00:00.000Z', ['api'], 'CONFIG_CHANGE');
    await incident('b', '2026-05-30T00:00:00.001Z', ['db'], 'CONFIG_CHANGE');
    await incident('c', '2026-04-10T00:00:00.000Z', ['web'], 'NETWORK');
    await events.onIncident(
      {
        type: 'IncidentsLinked',
        data: { incidentId: 'c', relatedIncidentId: 'p0', relation: 'RECURRENCE_OF' },
      },
      '2026-04-11T00:00:00.000Z',
    );
    await incident('d', '2026-06-01T00:00:00.000Z', ['api', 'web'], 'CONFIG_CHANGE');
    await incident('e', '2026-06-15T00:00:00.000Z', ['web'], 'NETWORK');
    await events.onIncident(
      { type: 'FindingRetracted', data: { incidentId: 'e', findingId: 'e:f1', reason: 'Wrong' } },
      '2026-06-16T00:00:00.000Z',
    );
    await events.finding('e', 2, 'LESSON_LEARNED', 'NETWORK', '2026-06-16T00:00:00.000Z');
    await incident('f', '2026-06-20T00:00:00.000Z', ['web'], 'NETWORK');
    await incident('g', '2026-06-20T00:00:00.000Z', ['web'], 'NETWORK');
    await incident('h', '2026-06-25T00:00:00.000Z', ['cache'], 'DATA');
    await incident('k', '2026-06-25T00:00:00.000Z', ['cache'], 'DATA');
    await incident('l', '2026-05-01T00:00:00.000Z', ['queue'], 'CONFIG_CHANGE', 'GAME_DAY');
    await incident('m', '2026-05-20T00:00:00.000Z', ['queue'], 'CONFIG_CHANGE');
    // A RELATED_TO link is no recurrence.
    await events.onIncident(
      { type: 'IncidentsLinked', data: { incidentId: 'b', relatedIncidentId: 'p1', relation: 'RELATED_TO' } },
      '2026-06-01T00:00:00.000Z',
    );
    const projector = await bed.startProjector(bed.dataSource, [new IncidentFactsProjection()]);
    await expect(projector.waitForPosition(events.lastPosition, 10_000)).resolves.toBe(true);
    return bed.dataSource;
  }

  it('counts recurrences by link and by a shared service and category within 90 days; clusters by pair', async () => {
    const ds = await project();
    expect(await recurrence(ds, PERIOD)).toEqual({
      incidents: 11,
      recurrences: 6,
      repeatRate: 6 / 11,
      clusters: [
        { service: 'web', category: 'NETWORK', incidentIds: ['c', 'f', 'g'] },
        { service: 'api', category: 'CONFIG_CHANGE', incidentIds: ['a', 'd'] },
        { service: 'queue', category: 'CONFIG_CHANGE', incidentIds: ['l', 'm'] },
      ],
    });
  });

  it('gives the same clusters should two pairs share a pair key (grouped by service and category then)', async () => {
    const ds = await project();
    const expected = await recurrence(ds, PERIOD);
    // Force a collision: (queue, CONFIG_CHANGE) takes the key of (api, CONFIG_CHANGE).
    for (const table of ['incident_fact_recurrence_pairs', 'incident_fact_recurrence_pair_names'])
      await ds.query(
        `UPDATE ${table} SET pair_key = (SELECT MIN(pair_key) FROM incident_fact_recurrence_pair_names
           WHERE service = 'api' AND category = 'CONFIG_CHANGE') WHERE service = 'queue' AND category = 'CONFIG_CHANGE'`,
      );
    expect(await recurrence(ds, PERIOD)).toEqual(expected);
    expect(expected.clusters).toHaveLength(3);
  });

  it('applies the filter to the incidents reported on, not to those they recur from', async () => {
    const ds = await project();
    expect(await recurrence(ds, { ...PERIOD, filter: { kinds: ['INCIDENT'], tags: [] } })).toEqual({
      incidents: 10,
      recurrences: 6,
      repeatRate: 0.6,
      clusters: [
        { service: 'web', category: 'NETWORK', incidentIds: ['c', 'f', 'g'] },
        { service: 'api', category: 'CONFIG_CHANGE', incidentIds: ['a', 'd'] },
        { service: 'queue', category: 'CONFIG_CHANGE', incidentIds: ['m'] },
      ],
    });
    expect(await recurrence(ds, { ...PERIOD, filter: { services: ['web'] } })).toEqual({
      incidents: 5,
      recurrences: 4,
      repeatRate: 0.8,
      clusters: [
        { service: 'web', category: 'NETWORK', incidentIds: ['c', 'f', 'g'] },
        { service: 'api', category: 'CONFIG_CHANGE', incidentIds: ['d'] },
      ],
    });
  });

  it('gives zeros for an empty period and rejects a bad one', async () => {
    const ds = await project();
    expect(await recurrence(ds, { from: '2027-01-01T00:00:00Z', to: '2027-02-01T00:00:00Z' })).toEqual({
      incidents: 0,
      recurrences: 0,
      repeatRate: 0,
      clusters: [],
    });
    await expect(recurrence(ds, { from: PERIOD.to, to: PERIOD.from })).rejects.toThrow(
      InvalidQueryArgumentError,
    );
  });

  it(`returns at most ${MAX_RECURRENCE_CLUSTERS} clusters, the largest`, async () => {
    const events = new DatedEvents(bed.store);
    // 52 services, each with 2 CAPACITY incidents a day apart; svc-00 has a third.
    for (let s = 0; s < 52; s++) {
      const service = `svc-${String(s).padStart(2, '0')}`;
      for (let n = 0; n < (s === 0 ? 3 : 2); n++) {
        const id = `${service}-${n}`;
        const at = `2026-05-0${n + 1}T00:00:00.000Z`;
        await events.incident(id, { startedAt: at, services: [service] });
        await events.finding(id, 1, 'TRIGGER', 'CAPACITY', at);
      }
    }
    const projector = await bed.startProjector(bed.dataSource, [new IncidentFactsProjection()]);
    await expect(projector.waitForPosition(events.lastPosition, 20_000)).resolves.toBe(true);
    const report = await recurrence(bed.dataSource, PERIOD);
    expect(report).toMatchObject({ incidents: 105, recurrences: 53 });
    expect(report.clusters).toHaveLength(MAX_RECURRENCE_CLUSTERS);
    expect(report.clusters[0]).toEqual({
      service: 'svc-00',
      category: 'CAPACITY',
      incidentIds: ['svc-00-0', 'svc-00-1', 'svc-00-2'],
    });
    expect(report.clusters.map((c) => c.service).slice(1)).toEqual(
      Array.from({ length: 49 }, (_, i) => `svc-${String(i + 1).padStart(2, '0')}`),
    );
  });
});
