/**
 * `npx ts-node --transpile-only -r tsconfig-paths/register bench/reports.bench.ts`: how long
 * the failure-trend reports take at BENCH_INCIDENTS incidents (default 100,000) on SQLite and on
 * PostgreSQL (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local default).
 *
 * Fact rows are written straight into the fact tables (a seeded random dataset, see
 * libs/read-models/src/testing/incident-fact-rows.fixture.ts), started uniformly over BENCH_YEARS
 * years (default 3) ending 2027-01-01; each report runs over the year 2026. Per report: p50 / p95 of
 * BENCH_RUNS runs of the function (argument checks and statistics included) and of its bare SQL
 * statement alone. One JSON line on stdout; progress on stderr.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import {
  contributingFactors,
  createReadModelDataSource,
  incidentTrend,
  responseTimes,
  type ReadModelDatabaseConfig,
} from '@kb/read-models';
import { insertFacts, randomFacts } from '@kb/read-models/testing/incident-fact-rows.fixture';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 100_000);
const YEARS = Number(process.env.BENCH_YEARS ?? 3);
const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const ONLY = process.env.BENCH_ONLY;
const log = (line: string) => process.stderr.write(`${line}\n`);

const YEAR = { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' };
const REPORTS: Array<[string, (db: DataSource) => Promise<unknown[]>]> = [
  ['incidentTrend NONE by WEEK', (db) => incidentTrend(db, { ...YEAR, bucket: 'WEEK', groupBy: 'NONE' })],
  [
    'incidentTrend SERVICE by WEEK',
    (db) => incidentTrend(db, { ...YEAR, bucket: 'WEEK', groupBy: 'SERVICE' }),
  ],
  ['incidentTrend TAG by DAY', (db) => incidentTrend(db, { ...YEAR, bucket: 'DAY', groupBy: 'TAG' })],
  ['responseTimes NONE by WEEK', (db) => responseTimes(db, { ...YEAR, bucket: 'WEEK', groupBy: 'NONE' })],
  [
    'responseTimes SERVICE by WEEK',
    (db) => responseTimes(db, { ...YEAR, bucket: 'WEEK', groupBy: 'SERVICE' }),
  ],
  ['contributingFactors', (db) => contributingFactors(db, YEAR)],
  [
    'incidentTrend SERVICE by MONTH, filtered',
    (db) =>
      incidentTrend(db, {
        ...YEAR,
        bucket: 'MONTH',
        groupBy: 'SERVICE',
        filter: { severities: ['SEV1', 'SEV2'], services: ['service-03', 'service-04'] },
      }),
  ],
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

async function time(run: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 3; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: +percentile(times, 0.5).toFixed(1), p95: +percentile(times, 0.95).toFixed(1) };
}

/** The last statement a report sent, to time it bare. */
function captureStatements(db: DataSource): () => [string, unknown[]] {
  const driver = db.driver;
  const original = driver.escapeQueryWithParameters.bind(driver);
  let last: [string, unknown[]] = ['', []];
  driver.escapeQueryWithParameters = (sql, parameters) => {
    last = original(sql, parameters) as [string, unknown[]];
    return last;
  };
  return () => last;
}

async function measure(name: string, config: ReadModelDatabaseConfig) {
  const db = await createReadModelDataSource(config);
  try {
    const started = Date.now();
    const facts = randomFacts({
      count: INCIDENTS,
      fromMs: Date.parse(`${2027 - YEARS}-01-01T00:00:00Z`),
      toMs: Date.parse('2027-01-01T00:00:00Z'),
      seed: 7,
    });
    await insertFacts(db, facts, 1000);
    // The steady state autovacuum keeps: statistics, and a visibility map for index-only scans.
    await db.query(config.kind === 'postgres' ? 'VACUUM ANALYZE' : 'ANALYZE');
    log(`${name}: ${INCIDENTS} incidents written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const lastStatement = captureStatements(db);
    const results: Record<string, unknown> = {};
    for (const [report, run] of REPORTS) {
      const rows = (await run(db)).length;
      const [sql, parameters] = lastStatement();
      const fn = await time(() => run(db));
      const bare = await time(() => db.query(sql, parameters));
      results[report] = { rows, function: fn, bareSql: bare };
      log(`${name} ${report}: ${rows} rows, p95 ${fn.p95} ms (bare SQL p95 ${bare.p95} ms)`);
    }
    return results;
  } finally {
    if (config.kind === 'postgres' && config.schema) await db.query(`DROP SCHEMA "${config.schema}" CASCADE`);
    await db.destroy();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'kb-bench-analytics-'));
  const url =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/test';
  const output: Record<string, unknown> = { incidents: INCIDENTS, years: YEARS, runs: RUNS, period: YEAR };
  try {
    if (ONLY !== 'postgres')
      output.sqlite = await measure('sqlite', { kind: 'sqlite', file: join(dir, 'read-models.db') });
    if (ONLY !== 'sqlite')
      output.postgres = await measure('postgres', {
        kind: 'postgres',
        url,
        schema: `kb_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`,
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
