import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@kb/event-store';
import {
  ACTION_ITEM_DIMENSIONS,
  actionItemHealth,
  contributingFactors,
  incidentTrend,
  learning,
  LEARNING_DIMENSIONS,
  readModelProjections,
  recurrence,
  responseTimes,
  TIME_BUCKETS,
  TREND_DIMENSIONS,
  type PeriodInput,
  type TrendInput,
} from '@kb/read-models';
import { describeAcrossReadModelDatabases } from '@kb/read-models/testing/read-model-databases';
import type { DataSource } from 'typeorm';
import { catchUpReadModels, writeDemoHistory } from './seed-demo-data';

const OPTIONS = { incidents: 1500, seed: 42, until: new Date('2026-11-01T00:00:00.000Z'), years: 2 };
const YEAR = { from: '2025-11-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' };
const QUARTER = { from: '2026-05-01T00:00:00.000Z', to: '2026-08-01T00:00:00.000Z' };

/**
 * The demo history `npm run seed` writes (1,500 incidents, seed 42), projected into SQLite and into
 * PostgreSQL read models: every report gives the same figures on both, over every bucket and
 * dimension, with filters, several instants and periods.
 */
describeAcrossReadModelDatabases(
  'the six reports on the seeded demo history: SQLite and PostgreSQL agree',
  (sqliteDatabases, postgresDatabases) => {
    jest.setTimeout(300_000);
    let dir: string;
    let sqlite: DataSource;
    let postgres: DataSource;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kb-seeded-reports-'));
      const store = SqliteEventStore.open({ file: join(dir, 'events.db') });
      try {
        await writeDemoHistory(store, OPTIONS);
        sqlite = await sqliteDatabases.open();
        postgres = await postgresDatabases.open();
        for (const dataSource of [sqlite, postgres]) {
          const rebuilt = await catchUpReadModels(store, dataSource, readModelProjections());
          expect(rebuilt.parked).toBe(0);
        }
      } finally {
        await store.close();
      }
    }, 300_000);

    afterAll(async () => {
      await sqliteDatabases.cleanup();
      await postgresDatabases.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    /** Runs a report on both databases; returns the SQLite answer after checking PostgreSQL's equals it. */
    async function onBoth<Input, Output>(
      report: (db: DataSource, input: Input) => Promise<Output>,
      input: Input,
    ): Promise<Output> {
      const expected = await report(sqlite, input);
      expect({ input, answer: await report(postgres, input) }).toEqual({ input, answer: expected });
      return expected;
    }

    const trendInputs = (): TrendInput[] => [
      ...TIME_BUCKETS.flatMap((bucket) =>
        TREND_DIMENSIONS.map((groupBy) => ({ ...(bucket === 'DAY' ? QUARTER : YEAR), bucket, groupBy })),
      ),
      { ...YEAR, bucket: 'MONTH', groupBy: 'SERVICE', filter: { severities: ['SEV1', 'SEV2'] } },
      { ...YEAR, bucket: 'WEEK', groupBy: 'NONE', filter: { kinds: ['NEAR_MISS', 'CHAOS_EXPERIMENT'] } },
      {
        ...YEAR,
        bucket: 'QUARTER',
        groupBy: 'TAG',
        filter: { factorCategories: ['CODE_CHANGE', 'CAPACITY'] },
      },
    ];

    it('incidentTrend: every bucket by every dimension, and filters', async () => {
      let incidents = 0;
      for (const input of trendInputs()) {
        const points = await onBoth(incidentTrend, input);
        if (input.groupBy === 'NONE' && !input.filter && input.bucket === 'YEAR')
          incidents = points.reduce((n, p) => n + p.count, 0);
      }
      // About a year of the two-year history.
      expect(incidents).toBeGreaterThan(500);
    });

    it('responseTimes: every bucket by every dimension, and filters', async () => {
      for (const input of trendInputs()) await onBoth(responseTimes, input);
      const [year] = await onBoth(responseTimes, { ...YEAR, bucket: 'YEAR', groupBy: 'NONE' });
      expect(year.detect.count).toBeGreaterThan(100);
      expect(year.resolve.p90Seconds).toBeGreaterThan(year.resolve.medianSeconds ?? Infinity);
    });

    it('contributingFactors, for several periods and filters', async () => {
      // Two services that had incidents in the year, for a filter that keeps some.
      const services = (await incidentTrend(sqlite, { ...YEAR, bucket: 'YEAR', groupBy: 'SERVICE' }))
        .slice(0, 2)
        .map((point) => point.key as string);
      const periods: PeriodInput[] = [YEAR, QUARTER, { ...YEAR, filter: { services } }];
      for (const input of periods) await onBoth(contributingFactors, input);
      expect((await onBoth(contributingFactors, YEAR)).length).toBeGreaterThan(5);
    });

    it('actionItemHealth, at several instants, by every dimension, with and without a period', async () => {
      for (const asOf of ['2025-06-01T00:00:00.000Z', '2026-03-15T12:00:00.000Z', YEAR.to])
        for (const groupBy of ACTION_ITEM_DIMENSIONS)
          for (const period of [{}, YEAR, { from: QUARTER.from }])
            await onBoth(actionItemHealth, { asOf, groupBy, ...period });
      const [now] = await onBoth(actionItemHealth, { asOf: YEAR.to, groupBy: 'NONE' });
      expect(now.done).toBeGreaterThan(0);
      expect(now.overdue).toBeGreaterThan(0);
    });

    it('learning, at several instants, by every bucket and dimension, and filters', async () => {
      for (const asOf of ['2026-03-15T12:00:00.000Z', YEAR.to])
        for (const bucket of TIME_BUCKETS)
          for (const groupBy of LEARNING_DIMENSIONS)
            await onBoth(learning, { ...(bucket === 'DAY' ? QUARTER : YEAR), bucket, groupBy, asOf });
      await onBoth(learning, {
        ...YEAR,
        bucket: 'MONTH',
        groupBy: 'KIND',
        asOf: YEAR.to,
        filter: { severities: ['SEV1', 'SEV2'] },
      });
      const [year] = await onBoth(learning, { ...YEAR, bucket: 'YEAR', groupBy: 'NONE', asOf: YEAR.to });
      expect(year.nearMisses).toBeGreaterThan(0);
      expect(year.postmortemRate).toBeGreaterThan(0);
      expect(year.medianDaysToPostmortem).not.toBeNull();
      expect(year.actionItemRate).toBeGreaterThan(0);
    });

    it('recurrence, for several periods and filters', async () => {
      for (const input of [YEAR, QUARTER, { ...YEAR, filter: { kinds: ['INCIDENT' as const] } }])
        await onBoth(recurrence, input);
      const year = await onBoth(recurrence, YEAR);
      expect(year.recurrences).toBeGreaterThan(0);
      expect(year.clusters.length).toBeGreaterThan(0);
    });
  },
);
