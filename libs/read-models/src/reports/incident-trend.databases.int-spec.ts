import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FactorCategory } from '@kb/domain';
import type { DataSource } from 'typeorm';
import type { IncidentFilter } from '../incident/incident-list.query';
import { createReadModelDataSource } from '../read-model-data-source';
import { bucketKey, bucketStartOf, bucketStarts, isoOfMs } from './buckets';
import { contributingFactors } from './contributing-factors.query';
import { runReportSql } from './facts-filter';
import { insertFacts, randomFacts, type FactSeed } from '../testing/incident-fact-rows.fixture';
import { incidentTrend } from './incident-trend.query';
import { checkPeriodInput, checkTrendInput, type FactsFilter } from './report-arguments';
import {
  TIME_BUCKETS,
  TREND_DIMENSIONS,
  type FactorRank,
  type PeriodInput,
  type ResponseTimePoint,
  type TrendDimension,
  type TrendInput,
  type TrendPoint,
} from './report-types';
import { responseTimes } from './response-times.query';
import { durationStats } from './statistics';

/*
 * One random dataset (3,000 incidents over 2024-2026, seeded) in SQLite and in PostgreSQL: every
 * figure of every report must be the same on both, and the same as a plain in-memory computation
 * over the same facts (a reference written straight from the contract's wording, no SQL).
 */

const DATASET = randomFacts({
  count: 3000,
  fromMs: Date.parse('2024-01-01T00:00:00Z'),
  toMs: Date.parse('2027-01-01T00:00:00Z'),
  seed: 20260301,
});

// ---- The reference: the contract's definitions over the facts in memory. ----

function matches(fact: FactSeed, filter: FactsFilter): boolean {
  const startedAt = isoOfMs(fact.startedAtMs);
  const anyOf = (values: readonly string[], wanted: readonly string[] | null) =>
    wanted === null || values.some((v) => wanted.includes(v));
  return (
    anyOf([fact.kind], filter.kinds) &&
    anyOf([fact.severity], filter.severities) &&
    anyOf([fact.status], filter.statuses) &&
    anyOf([fact.detectionSource], filter.detectionSources) &&
    anyOf(fact.services, filter.services) &&
    anyOf(fact.tags, filter.tags) &&
    anyOf(fact.categories, filter.factorCategories) &&
    (filter.startedFrom === null || startedAt >= filter.startedFrom) &&
    (filter.startedTo === null || startedAt < filter.startedTo)
  );
}

function keysOf(fact: FactSeed, dimension: TrendDimension): Array<string | null> {
  const keys: Record<TrendDimension, ReadonlyArray<string | null>> = {
    NONE: [null],
    SERVICE: fact.services,
    TAG: fact.tags,
    FACTOR_CATEGORY: fact.categories,
    SEVERITY: [fact.severity],
    KIND: [fact.kind],
    DETECTION_SOURCE: [fact.detectionSource],
  };
  return [...keys[dimension]];
}

/** (bucketStart, key) -> the facts there, in bucket then key order; every bucket present for NONE. */
function referenceGroups(input: TrendInput, kindsByDefault?: readonly string[]) {
  const args = checkTrendInput(input);
  const filter = { ...args.filter, kinds: args.filter.kinds ?? kindsByDefault ?? null } as FactsFilter;
  const groups = new Map<string, { bucketStart: number; key: string | null; facts: FactSeed[] }>();
  const at = (bucketStart: number, key: string | null) => {
    const id = JSON.stringify([bucketStart, key]);
    if (!groups.has(id)) groups.set(id, { bucketStart, key, facts: [] });
    return groups.get(id)!;
  };
  if (args.groupBy === 'NONE')
    for (const start of bucketStarts(args.fromMs, args.toMs, args.bucket)) at(start, null);
  for (const fact of DATASET) {
    if (fact.startedAtMs < args.fromMs || fact.startedAtMs >= args.toMs || !matches(fact, filter)) continue;
    for (const key of keysOf(fact, args.groupBy))
      at(bucketStartOf(fact.startedAtMs, args.bucket), key).facts.push(fact);
  }
  return [...groups.values()].sort(
    (a, b) => a.bucketStart - b.bucketStart || ((a.key ?? '') < (b.key ?? '') ? -1 : a.key === b.key ? 0 : 1),
  );
}

function referenceTrend(input: TrendInput): TrendPoint[] {
  return referenceGroups(input).map((g) => ({
    bucketStart: isoOfMs(g.bucketStart),
    key: g.key,
    count: g.facts.length,
  }));
}

function referenceResponseTimes(input: TrendInput): ResponseTimePoint[] {
  const stats = (facts: FactSeed[], pick: (f: FactSeed) => number | null) =>
    durationStats(facts.map(pick).filter((ms): ms is number => ms !== null));
  return referenceGroups(input, ['INCIDENT', 'NEAR_MISS']).map((g) => ({
    bucketStart: isoOfMs(g.bucketStart),
    key: g.key,
    incidents: g.facts.length,
    detect: stats(g.facts, (f) => f.detectMs),
    acknowledge: stats(g.facts, (f) => f.acknowledgeMs),
    mitigate: stats(g.facts, (f) => f.mitigateMs),
    resolve: stats(g.facts, (f) => f.resolveMs),
  }));
}

function referenceFactors(input: PeriodInput): FactorRank[] {
  const args = checkPeriodInput(input);
  const previousFrom = args.fromMs - (args.toMs - args.fromMs);
  const inPeriod = (f: FactSeed, from: number, to: number) =>
    f.startedAtMs >= from && f.startedAtMs < to && matches(f, args.filter);
  const current = DATASET.filter((f) => inPeriod(f, args.fromMs, args.toMs));
  const previous = DATASET.filter((f) => inPeriod(f, previousFrom, args.fromMs));
  const categorised = current.filter((f) => f.categories.length > 0).length;
  const count = (facts: FactSeed[], category: FactorCategory) =>
    facts.filter((f) => f.categories.includes(category)).length;
  const categories = new Set([...current, ...previous].flatMap((f) => f.categories));
  return [...categories]
    .map((category) => ({
      category,
      incidents: count(current, category),
      share: categorised === 0 ? 0 : count(current, category) / categorised,
      previousPeriodIncidents: count(previous, category),
    }))
    .sort((a, b) => b.incidents - a.incidents || (a.category < b.category ? -1 : 1));
}

// ---- The cases. ----

const YEAR_2025 = { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' };
const ODD_PERIOD = { from: '2024-02-29T13:17:00.250+02:00', to: '2025-08-03T07:00:00Z' };
const FILTERS: Array<IncidentFilter | undefined> = [
  undefined,
  { kinds: ['CHAOS_EXPERIMENT', 'INCIDENT'], severities: ['SEV1', 'SEV2', 'SEV3'] },
  { services: ['service-01', 'service-07'], tags: ['tag-2', 'tag-5'], statuses: [] },
  {
    factorCategories: ['CONFIG_CHANGE', 'CAPACITY'],
    detectionSources: ['MONITORING_ALERT', 'CUSTOMER_REPORT'],
  },
  {
    startedFrom: '2025-03-10T00:00:00Z',
    startedTo: '2025-05-01T12:00:00+01:00',
    kinds: ['GAME_DAY', 'NEAR_MISS'],
  },
];

const TREND_CASES: TrendInput[] = [
  ...TIME_BUCKETS.flatMap((bucket) =>
    TREND_DIMENSIONS.map((groupBy) => ({ ...(bucket === 'DAY' ? ODD_PERIOD : YEAR_2025), bucket, groupBy })),
  ),
  ...FILTERS.flatMap((filter) =>
    (['NONE', 'SERVICE', 'FACTOR_CATEGORY'] as const).map((groupBy) => ({
      ...YEAR_2025,
      bucket: 'WEEK' as const,
      groupBy,
      filter,
    })),
  ),
];

const FACTOR_CASES: PeriodInput[] = [
  YEAR_2025,
  ODD_PERIOD,
  { from: '2026-07-01T00:00:00Z', to: '2027-07-01T00:00:00Z' },
  ...FILTERS.map((filter) => ({ ...YEAR_2025, filter })),
];

describe('failure-trend reports: one random dataset on SQLite and PostgreSQL', () => {
  jest.setTimeout(120_000);
  const url = process.env.TEST_DATABASE_URL;
  const dir = mkdtempSync(join(tmpdir(), 'kb-analytics-compare-'));
  const schema = `kb_test_${randomBytes(6).toString('hex')}`;
  let sqlite: DataSource;
  let postgres: DataSource | undefined;

  beforeAll(async () => {
    sqlite = await createReadModelDataSource({ kind: 'sqlite', file: join(dir, 'read-models.db') });
    await insertFacts(sqlite, DATASET);
    if (url) {
      postgres = await createReadModelDataSource({ kind: 'postgres', url, schema });
      await insertFacts(postgres, DATASET);
    }
  });
  afterAll(async () => {
    await sqlite?.destroy();
    if (postgres) {
      await postgres.query(`DROP SCHEMA "${schema}" CASCADE`);
      await postgres.destroy();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** The report on every database, each the same as the reference; how many rows it had. */
  async function compare<I, R>(
    input: I,
    report: (db: DataSource, input: I) => Promise<R[]>,
    reference: (input: I) => R[],
  ) {
    const expected = reference(input);
    expect(await report(sqlite, input)).toEqual(expected);
    if (postgres) expect(await report(postgres, input)).toEqual(expected);
    return expected.length;
  }

  if (!url) it.skip('PostgreSQL: skipped because TEST_DATABASE_URL is not set', () => undefined);

  it(`incidentTrend: ${TREND_CASES.length} inputs (every bucket by every dimension, filters)`, async () => {
    let rows = 0;
    for (const input of TREND_CASES) rows += await compare(input, incidentTrend, referenceTrend);
    expect(rows).toBeGreaterThan(5000);
  });

  it(`responseTimes: ${TREND_CASES.length} inputs`, async () => {
    let rows = 0;
    for (const input of TREND_CASES) rows += await compare(input, responseTimes, referenceResponseTimes);
    expect(rows).toBeGreaterThan(5000);
  });

  it('computes DAY and WEEK buckets in SQL as bucketStartOf does, at the edges of the years reports reach', async () => {
    const instants = [
      '0000-01-01T00:00:00.000Z',
      '0000-01-02T23:59:59.999Z',
      '0000-01-03T00:00:00.000Z',
      '1969-12-28T23:59:59.999Z',
      '1969-12-29T00:00:00.000Z',
      '1970-01-01T00:00:00.000Z',
      '2026-03-01T23:59:59.999Z',
      '2026-03-02T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
    ];
    for (const db of [sqlite, ...(postgres ? [postgres] : [])])
      for (const bucket of ['DAY', 'WEEK'] as const) {
        const key = bucketKey(bucket, { startedAt: 'f.started_at', startedAtMs: 'f.started_at_ms' });
        for (const at of instants) {
          const [row] = await runReportSql<{ bucket: string | number }>(
            db,
            `SELECT ${key.sql} AS bucket FROM (SELECT CAST(:ms AS bigint) AS started_at_ms) f`,
            { ms: Date.parse(at) },
          );
          expect([bucket, at, isoOfMs(key.startOf(row.bucket))]).toEqual([
            bucket,
            at,
            isoOfMs(bucketStartOf(Date.parse(at), bucket)),
          ]);
        }
      }
  });

  it(`contributingFactors: ${FACTOR_CASES.length} inputs`, async () => {
    let rows = 0;
    for (const input of FACTOR_CASES) rows += await compare(input, contributingFactors, referenceFactors);
    expect(rows).toBeGreaterThan(50);
  });
});
