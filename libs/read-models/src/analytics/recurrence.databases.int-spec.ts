import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FACTOR_CATEGORIES, FINDING_KINDS, type FactorCategory } from '@kb/domain';
import { SqliteEventStore } from '@kb/event-store';
import type { DataSource } from 'typeorm';
import { ActionItemHistoryProjection } from '../action-item-history/action-item-history.projection';
import { IncidentFactsProjection } from '../incident-facts/incident-facts.projection';
import { Projector } from '../projector/projector';
import { createReadModelDataSource } from '../read-model-data-source';
import { actionItemHealth } from './action-item-health.query';
import { DatedEvents } from './action-item-health.fixture';
import { recurrence } from './recurrence.query';
import { ACTION_ITEM_DIMENSIONS } from './report-types';

/** A small seeded generator (mulberry32). */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  };
}

const DAY = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One random history (seeded): 400 incidents over 2026 with findings (some retracted), RECURRENCE_OF
 * links and action items through their lifecycle (drops, reopens, due-date and owner changes), as
 * domain events through the real projections into SQLite and PostgreSQL. Every figure of
 * actionItemHealth and recurrence must be the same on both.
 */
async function writeRandomHistory(events: DatedEvents, seed: number): Promise<void> {
  const rnd = random(seed);
  const services = ['api', 'db', 'web', 'queue', 'cache', 'search'];
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
}

const url = process.env.TEST_DATABASE_URL;
(url ? describe : describe.skip)(
  'actionItemHealth and recurrence: the same figures on SQLite and PostgreSQL',
  () => {
    jest.setTimeout(300_000);
    let dir: string;
    let store: SqliteEventStore;
    let sqlite: DataSource;
    let postgres: DataSource;
    const schema = `kb_test_${randomBytes(6).toString('hex')}`;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kb-analytics-databases-'));
      store = SqliteEventStore.open({ file: join(dir, 'events.db') });
      const events = new DatedEvents(store);
      await writeRandomHistory(events, Number(process.env.ANALYTICS_SEED ?? 20260315));
      sqlite = await createReadModelDataSource({ kind: 'sqlite', file: join(dir, 'read-models.db') });
      postgres = await createReadModelDataSource({ kind: 'postgres', url: url!, schema });
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
      await sqlite?.destroy();
      if (postgres?.isInitialized) {
        await postgres.query(`DROP SCHEMA "${schema}" CASCADE`);
        await postgres.destroy();
      }
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
      for (const period of periods)
        for (const filter of filters) {
          const input = { ...period, filter };
          const onSqlite = await recurrence(sqlite, input);
          expect({ input, report: await recurrence(postgres, input) }).toEqual({ input, report: onSqlite });
        }
      const year = await recurrence(sqlite, periods[0]);
      expect(year.incidents).toBe(400);
      expect(year.recurrences).toBeGreaterThan(0);
      expect(year.clusters.length).toBeGreaterThan(0);
    });
  },
);
