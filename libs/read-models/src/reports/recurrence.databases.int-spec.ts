import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FACTOR_CATEGORIES, FINDING_KINDS, type FactorCategory } from '@kb/domain';
import { SqliteEventStore } from '@kb/event-store';
import type { DataSource } from 'typeorm';
import { ActionItemHistoryProjection } from '../action-item-history/action-item-history.projection';
import { IncidentFactsProjection } from './facts/incident-facts.projection';
import { Projector } from '../projector/projector';
import { random } from '../testing/random-writes';
import { describeAcrossReadModelDatabases } from '../testing/read-model-databases';
import { actionItemHealth } from './action-item-health.query';
import { DatedEvents } from '../testing/dated-events.fixture';
import { MAX_RECURRENCE_CLUSTERS, RECURRENCE_WINDOW_MS, recurrence } from './recurrence.query';
import { ACTION_ITEM_DIMENSIONS, type RecurrenceReport } from './report-types';

const DAY = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One random history (seeded): 400 incidents over 2026 with findings (some retracted), RECURRENCE_OF
 * links, action items through their lifecycle (drops, reopens, due-date and owner changes) and late
 * corrections of start times and services, as
 * domain events through the real projections into SQLite and PostgreSQL. Every figure of
 * actionItemHealth and recurrence must be the same on both.
 */
async function writeRandomHistory(events: DatedEvents, seed: number): Promise<void> {
  const rnd = random(seed);
  // Enough services that an incident's pairs are not all repeated within 90 days: recurrence is then
  // a property of a few incidents, and moving one changes the answer.
  const services = [
    'api',
    'db',
    'web',
    'queue',
    'cache',
    'search',
    ...Array.from({ length: 30 }, (_, i) => `svc-${i}`),
  ];
  const categories: readonly FactorCategory[] = FACTOR_CATEGORIES.slice(0, 5);
  const started: Array<{ id: string; at: number }> = [];
  for (let i = 0; i < 400; i++) {
    const id = `incident-${String(i).padStart(3, '0')}`;
    // Whole minutes, so some incidents share a start and some are exactly 90 days apart.
    const at = START + rnd.int(365 * 24 * 4) * 15 * 60_000;
    const own = [...new Set([rnd.pick(services), ...(rnd.chance(0.4) ? [rnd.pick(services)] : [])])];
    await events.incident(id, {
      startedAt: iso(at),
      services: own,
      kind: rnd.chance(0.1) ? 'GAME_DAY' : 'INCIDENT',
    });
    for (let n = 1; n <= rnd.int(3); n++) {
      const findingId = await events.finding(
        id,
        n,
        rnd.pick(FINDING_KINDS),
        rnd.chance(0.9) ? rnd.pick(categories) : null,
        iso(at + DAY),
      );
      if (rnd.chance(0.1))
        await events.onIncident(
          { type: 'FindingRetracted', data: { incidentId: id, findingId, reason: 'No' } },
          iso(at + 2 * DAY),
        );
    }
    const earlier = started.filter((s) => s.at < at);
    if (earlier.length > 0 && rnd.chance(0.05))
      await events.onIncident(
        {
          type: 'IncidentsLinked',
          data: { incidentId: id, relatedIncidentId: rnd.pick(earlier).id, relation: 'RECURRENCE_OF' },
        },
        iso(at + DAY),
      );
    started.push({ id, at });
    for (let k = 0; k < rnd.int(4); k++) {
      const itemId = `${id}-item-${k}`;
      let t = at + rnd.int(5 * DAY);
      await events.openItem(
        itemId,
        id,
        {
          priority: rnd.pick(['P1', 'P2', 'P3', 'P4'] as const),
          ownerTeam: rnd.pick(['team-a', 'team-b', 'team-c']),
          type: rnd.pick(['DETECT', 'PREVENT', 'REPAIR']),
          dueDate: rnd.chance(0.7) ? iso(t + rnd.int(60 * DAY)) : undefined,
        },
        iso(t),
      );
      let status = 'OPEN';
      for (let step = 0; step < rnd.int(6); step++) {
        t += rnd.int(20 * DAY);
        if (rnd.chance(0.2)) {
          await events.onItem(
            {
              type: 'ActionItemUpdated',
              data: {
                actionItemId: itemId,
                changes: { dueDate: iso(t + rnd.int(30 * DAY)), ownerTeam: rnd.pick(['team-a', 'team-b']) },
              },
            },
            iso(t),
          );
          continue;
        }
        const next =
          status === 'OPEN'
            ? rnd.pick(['start', 'drop'] as const)
            : status === 'IN_PROGRESS'
              ? rnd.pick(['complete', 'drop'] as const)
              : 'reopen';
        await events.move(itemId, next, iso(t));
        status = { start: 'IN_PROGRESS', complete: 'DONE', drop: 'WONT_DO', reopen: 'OPEN' }[next];
      }
    }
  }
  // Corrections late in the log: a start moved (earlier or later) or the services changed, which
  // moves the incident's (service, category) pairs and so what recurs around them.
  for (const { id, at } of started)
    if (rnd.chance(0.08))
      await events.onIncident(
        {
          type: 'IncidentRevised',
          data: {
            incidentId: id,
            changes: rnd.chance(0.5)
              ? { startedAt: iso(at + (rnd.int(121) - 60) * DAY) }
              : { services: [rnd.pick(services)] },
          },
        },
        iso(at + 3 * DAY),
      );
}

interface ReferenceIncident {
  readonly id: string;
  readonly startedAtMs: number;
  readonly kind: string;
  readonly services: readonly string[];
  readonly categories: readonly string[];
  readonly linked: boolean;
}

/** The incidents as the fact rows hold them, for the reference below. */
async function referenceIncidents(dataSource: DataSource): Promise<ReferenceIncident[]> {
  const rows = async (sql: string) => dataSource.query<Array<Record<string, string>>>(sql);
  const group = (list: Array<Record<string, string>>, column: string) => {
    const map = new Map<string, string[]>();
    for (const row of list) map.set(row.incident_id, [...(map.get(row.incident_id) ?? []), row[column]]);
    return map;
  };
  const services = group(await rows('SELECT incident_id, service FROM incident_fact_services'), 'service');
  const categories = group(
    await rows('SELECT incident_id, category FROM incident_fact_factor_categories'),
    'category',
  );
  const linked = new Set(
    (await rows('SELECT incident_id FROM incident_fact_recurrence_links')).map((r) => r.incident_id),
  );
  return (await rows('SELECT incident_id, started_at_ms, kind FROM incident_facts')).map((row) => ({
    id: row.incident_id,
    startedAtMs: Number(row.started_at_ms),
    kind: row.kind,
    services: services.get(row.incident_id) ?? [],
    categories: categories.get(row.incident_id) ?? [],
    linked: linked.has(row.incident_id),
  }));
}

/** The contract's recurrence, straight from its definition, by brute force over every pair. */
function referenceRecurrence(
  all: readonly ReferenceIncident[],
  input: {
    from: string;
    to: string;
    filter?: { kinds?: string[]; services?: string[]; factorCategories?: string[] };
  },
): RecurrenceReport {
  const [from, to] = [Date.parse(input.from), Date.parse(input.to)];
  const anyOf = (wanted: string[] | undefined, values: readonly string[]) =>
    !wanted || wanted.some((value) => values.includes(value));
  const period = all
    .filter((i) => i.startedAtMs >= from && i.startedAtMs < to)
    .filter((i) => anyOf(input.filter?.kinds, [i.kind]))
    .filter((i) => anyOf(input.filter?.services, i.services))
    .filter((i) => anyOf(input.filter?.factorCategories, i.categories))
    .sort((a, b) => a.startedAtMs - b.startedAtMs || (a.id < b.id ? -1 : 1));
  const pairsOf = (i: ReferenceIncident) =>
    i.services.flatMap((s) => i.categories.map((c) => [s, c] as const));
  const recursThrough = (i: ReferenceIncident, service: string, category: string) =>
    all.some(
      (j) =>
        j.startedAtMs < i.startedAtMs &&
        j.startedAtMs >= i.startedAtMs - RECURRENCE_WINDOW_MS &&
        j.services.includes(service) &&
        j.categories.includes(category),
    );
  const recurrences = period.filter((i) => i.linked || pairsOf(i).some(([s, c]) => recursThrough(i, s, c)));
  const clusters = new Map<
    string,
    { service: string; category: FactorCategory; ids: string[]; recurs: boolean }
  >();
  for (const i of period)
    for (const [service, category] of pairsOf(i)) {
      const key = JSON.stringify([service, category]);
      const cluster = clusters.get(key) ?? {
        service,
        category: category as FactorCategory,
        ids: [],
        recurs: false,
      };
      cluster.ids.push(i.id);
      cluster.recurs ||= recursThrough(i, service, category);
      clusters.set(key, cluster);
    }
  return {
    incidents: period.length,
    recurrences: recurrences.length,
    repeatRate: period.length === 0 ? 0 : recurrences.length / period.length,
    clusters: [...clusters.values()]
      .filter((c) => c.recurs)
      .sort(
        (a, b) =>
          b.ids.length - a.ids.length ||
          (a.service < b.service ? -1 : a.service > b.service ? 1 : 0) ||
          (a.category < b.category ? -1 : a.category > b.category ? 1 : 0),
      )
      .slice(0, MAX_RECURRENCE_CLUSTERS)
      .map((c) => ({ service: c.service, category: c.category, incidentIds: c.ids })),
  };
}

describeAcrossReadModelDatabases(
  'actionItemHealth and recurrence: the same figures on SQLite and PostgreSQL',
  (sqliteDatabases, postgresDatabases) => {
    jest.setTimeout(300_000);
    let dir: string;
    let store: SqliteEventStore;
    let sqlite: DataSource;
    let postgres: DataSource;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kb-analytics-databases-'));
      store = SqliteEventStore.open({ file: join(dir, 'events.db') });
      const events = new DatedEvents(store);
      await writeRandomHistory(events, Number(process.env.ANALYTICS_SEED ?? 20260315));
      sqlite = await sqliteDatabases.open();
      postgres = await postgresDatabases.open();
      for (const target of [sqlite, postgres]) {
        const projector = new Projector(store, target, [
          new IncidentFactsProjection(),
          new ActionItemHistoryProjection(),
        ]);
        await projector.start();
        await expect(projector.waitForPosition(events.lastPosition, 120_000)).resolves.toBe(true);
        await projector.stop();
      }
    });
    afterAll(async () => {
      await sqliteDatabases.cleanup();
      await postgresDatabases.cleanup();
      await store?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('gives the same actionItemHealth for every groupBy, several asOf and periods', async () => {
      let compared = 0;
      for (const asOf of [
        '2026-02-01T00:00:00Z',
        '2026-06-15T12:00:00Z',
        '2026-10-01T00:00:00Z',
        '2027-06-01T00:00:00Z',
      ])
        for (const groupBy of ACTION_ITEM_DIMENSIONS)
          for (const period of [
            {},
            { from: '2026-03-01T00:00:00Z', to: '2026-09-01T00:00:00Z' },
            { from: '2026-07-01T00:00:00Z' },
          ]) {
            const input = { asOf, groupBy, ...period };
            const onSqlite = await actionItemHealth(sqlite, input);
            expect({ input, rows: await actionItemHealth(postgres, input) }).toEqual({
              input,
              rows: onSqlite,
            });
            compared += onSqlite.length;
          }
      // The dataset is not degenerate: there are rows with every status and medians.
      const all = await actionItemHealth(sqlite, { asOf: '2026-10-01T00:00:00Z', groupBy: 'NONE' });
      expect(all[0]).toMatchObject({ open: expect.any(Number), medianDaysToClose: expect.any(Number) });
      for (const count of ['open', 'inProgress', 'done', 'wontDo', 'overdue'] as const)
        expect(all[0][count]).toBeGreaterThan(0);
      expect(compared).toBeGreaterThan(100);
    });

    it('gives the same recurrence report for several periods and filters', async () => {
      const periods = [
        { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' },
        { from: '2026-04-01T00:00:00Z', to: '2026-07-01T00:00:00Z' },
        { from: '2026-03-17T06:00:00Z', to: '2026-03-31T00:00:00Z' },
      ];
      const filters = [
        undefined,
        { kinds: ['INCIDENT' as const] },
        { services: ['api', 'web'] },
        { factorCategories: [FACTOR_CATEGORIES[0]] },
      ];
      const incidents = await referenceIncidents(sqlite);
      for (const period of periods)
        for (const filter of filters) {
          const input = { ...period, filter };
          const onSqlite = await recurrence(sqlite, input);
          expect({ input, report: onSqlite }).toEqual({
            input,
            report: referenceRecurrence(incidents, input),
          });
          expect({ input, report: await recurrence(postgres, input) }).toEqual({ input, report: onSqlite });
        }
      const year = await recurrence(sqlite, periods[0]);
      expect(year.incidents).toBe(400);
      expect(year.recurrences).toBeGreaterThan(0);
      // Not degenerate either way: some incidents of the year recur and some do not.
      expect(year.recurrences).toBeLessThan(year.incidents * 0.8);
      expect(year.clusters.length).toBeGreaterThan(0);
    });
  },
);
