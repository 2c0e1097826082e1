/**
 * `npm run bench:queries`: the failure-trend reports at BENCH_INCIDENTS incidents (default 100,000) of
 * the demo history (`npm run seed`'s, seed BENCH_SEED, default 42), on SQLite and on PostgreSQL read
 * models, through GraphQL over HTTP beside their bare SQL.
 *
 * The dataset lives in BENCH_DIR (default `data/bench-queries/<incidents>-<seed>`): the events in its
 * embedded store, the SQLite read models beside them, the PostgreSQL ones in the database
 * `kb_bench_<incidents>_<seed>` of BENCH_DATABASE_URL's server (default TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test). The first run writes the history and rebuilds both read
 * models (several minutes at 100,000 incidents); later runs find them complete and start measuring
 * at once. Delete the directory (and drop the database) to seed afresh.
 *
 * Per report, over the last year of the history: the service is started as it is served (in this
 * process, on a free port), the report's GraphQL request is sent BENCH_RUNS times (default 50, after
 * 3 warm-ups) with fetch, each timed until the last byte of its answer (the first answer is parsed
 * and checked, the timed ones must be as long), and p50 / p95 are taken; in turn with each request, every SQL statement
 * that one such request sent (captured from TypeORM: the API-key lookup, the report's statements,
 * any DataLoader batch; on SQLite also those the service sends to its read workers) is run bare, one after the other on the same connection: the floor. `ratio`
 * is GraphQL p95 / bare p95 (`ratioP50` the same of the medians). BENCH_ONLY=sqlite|postgres measures one database. One JSON line on stdout,
 * progress on stderr.
 */
import '../apps/api/src/production-by-default';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DataSource, type Logger as TypeOrmLogger, type QueryRunner } from 'typeorm';
import {
  createReadModelDataSource,
  readPoolOf,
  PROJECTED_STREAM_PREFIXES,
  readCheckpoint,
  readModelProjections,
  type Projection,
  type ReadModelDatabaseConfig,
} from '@kb/read-models';
import { SqliteEventStore } from '@kb/event-store';
import { loadConfig } from '../apps/api/src/config/app-config';
import { createApp } from '../apps/api/src/create-app';
import { READ_MODEL_DATA_SOURCE } from '../apps/api/src/read-side/read-side.module';
import { catchUpReadModels, writeDemoHistory } from '../apps/api/src/seed/seed-demo-data';
import { parseSeedOptions } from '../apps/api/src/seed/seed-options';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 100_000);
const SEED = Number(process.env.BENCH_SEED ?? 42);
const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const ONLY = process.env.BENCH_ONLY;
const DIR = resolve(process.env.BENCH_DIR ?? join('data', 'bench-queries', `${INCIDENTS}-${SEED}`));
const SERVER_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const DATABASE = `kb_bench_${INCIDENTS}_${SEED}`;
const SECRET = 'bench-queries-admin-secret-0123456789';
const TARGETS = { p95Ms: 100, graphqlVsBareSql: 1.5 };

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The demo history's options, exactly as `npm run seed -- --incidents N --seed S` takes them. */
const HISTORY = (() => {
  const options = parseSeedOptions(['--incidents', String(INCIDENTS), '--seed', String(SEED)]);
  if (options === 'help') throw new Error('unreachable');
  return options;
})();
/** The last year of the history: [until - 1 year, until). */
const YEAR = {
  from: new Date(Date.UTC(HISTORY.until.getUTCFullYear() - 1, HISTORY.until.getUTCMonth(), 1)).toISOString(),
  to: HISTORY.until.toISOString(),
};

const STATS = 'count meanSeconds medianSeconds p90Seconds';
const REPORTS: ReadonlyArray<{ name: string; query: string; variables: Record<string, unknown> }> = [
  {
    name: 'incidentTrend NONE by WEEK',
    query: `query($input: TrendInput!) { incidentTrend(input: $input) { bucketStart key count } }`,
    variables: { input: { ...YEAR, bucket: 'WEEK', groupBy: 'NONE' } },
  },
  {
    name: 'incidentTrend SERVICE by WEEK',
    query: `query($input: TrendInput!) { incidentTrend(input: $input) { bucketStart key count } }`,
    variables: { input: { ...YEAR, bucket: 'WEEK', groupBy: 'SERVICE' } },
  },
  {
    name: 'responseTimes NONE by WEEK',
    query: `query($input: TrendInput!) { responseTimes(input: $input) { bucketStart key incidents
      detect { ${STATS} } acknowledge { ${STATS} } mitigate { ${STATS} } resolve { ${STATS} } } }`,
    variables: { input: { ...YEAR, bucket: 'WEEK', groupBy: 'NONE' } },
  },
  {
    name: 'contributingFactors',
    query: `query($input: PeriodInput!) { contributingFactors(input: $input) {
      category incidents share previousPeriodIncidents } }`,
    variables: { input: YEAR },
  },
  {
    name: 'actionItemHealth NONE',
    query: `query($input: ActionItemHealthInput!) { actionItemHealth(input: $input) {
      key open inProgress done wontDo overdue completionRate medianDaysToClose } }`,
    variables: { input: { asOf: YEAR.to, ...YEAR, groupBy: 'NONE' } },
  },
  {
    name: 'recurrence',
    query: `query($input: PeriodInput!) { recurrence(input: $input) {
      incidents recurrences repeatRate clusters { service category } } }`,
    variables: { input: YEAR },
  },
  {
    name: 'learning NONE by MONTH',
    query: `query($input: LearningInput!) { learning(input: $input) { bucketStart key incidents nearMisses
      nearMissRatio experiments refutedRate postmortemRate medianDaysToPostmortem overduePostmortems
      actionItemRate onTimeActionItemRate } }`,
    variables: { input: { ...YEAR, bucket: 'MONTH', groupBy: 'NONE', asOf: YEAR.to } },
  },
  {
    // Beyond the targets: the 50 largest clusters of a year hold tens of thousands of incidents.
    name: 'recurrence with the clusters incidents',
    query: `query($input: PeriodInput!) { recurrence(input: $input) {
      incidents recurrences repeatRate clusters { service category incidents { id title } } } }`,
    variables: { input: YEAR },
  },
];

interface Timing {
  p50: number;
  p95: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/**
 * p50 and p95 of `a` and of `b` over RUNS runs each (after 3 warm-ups), run in turn, so that both see
 * the same moments of a noisy machine.
 */
async function timeInTurn(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[Timing, Timing]> {
  for (let i = 0; i < 3; i++) {
    await a();
    await b();
  }
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < RUNS; i++)
    for (const [which, run] of [a, b].entries()) {
      const started = process.hrtime.bigint();
      await run();
      times[which].push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  const stats = (list: number[]): Timing => {
    list.sort((x, y) => x - y);
    return { p50: +percentile(list, 0.5).toFixed(1), p95: +percentile(list, 0.95).toFixed(1) };
  };
  return [stats(times[0]), stats(times[1])];
}

/** Writes the demo history into BENCH_DIR's store once; a marker file says it is complete. */
async function ensureHistory(store: SqliteEventStore): Promise<void> {
  const marker = join(DIR, 'history.json');
  const expected = JSON.stringify({
    incidents: INCIDENTS,
    seed: SEED,
    until: HISTORY.until,
    years: HISTORY.years,
  });
  try {
    if (readFileSync(marker, 'utf8') === expected) return;
  } catch {
    // Not written yet (or interrupted): write it; appends of streams already there are no-ops.
  }
  log(`Writing the demo history (${INCIDENTS} incidents, seed ${SEED}) into ${DIR}`);
  const written = await writeDemoHistory(store, HISTORY, (p) =>
    process.stderr.write(`\r  ${p.incidents}/${INCIDENTS} incidents, ${p.events} events`),
  );
  log(`\n  ${written.events} events in ${written.seconds.toFixed(1)} s`);
  writeFileSync(marker, expected);
}

/**
 * Rebuilds, in one pass, the projections that have not applied the whole log (all of them at first;
 * those a migration emptied later).
 */
async function ensureReadModels(store: SqliteEventStore, config: ReadModelDatabaseConfig): Promise<void> {
  const dataSource = await createReadModelDataSource(config);
  try {
    const [last] = await store.readAll({
      direction: 'backwards',
      maxCount: 1,
      filter: { streamPrefixes: PROJECTED_STREAM_PREFIXES },
    });
    const behind: Projection[] = [];
    for (const projection of readModelProjections()) {
      const checkpoint = await readCheckpoint(dataSource.manager, projection.name);
      if (checkpoint === null || checkpoint < last.position) behind.push(projection);
    }
    if (behind.length === 0) return;
    log(`Rebuilding the ${config.kind} read models: ${behind.map((p) => p.name).join(', ')}`);
    const rebuilt = await catchUpReadModels(store, dataSource, behind, (p) =>
      process.stderr.write(`\r  ${p.events} events`),
    );
    log(`\n  rebuilt in ${rebuilt.seconds.toFixed(1)} s`);
    // Statistics for the planner (the rebuild VACUUMs and ANALYZEs PostgreSQL's tables), and on
    // PostgreSQL the rebuild's dirty pages written out now rather than during the measurements.
    await dataSource.query(config.kind === 'sqlite' ? 'ANALYZE' : 'CHECKPOINT');
  } finally {
    await dataSource.destroy();
  }
}

async function ensurePostgresDatabase(): Promise<string> {
  const server = new DataSource({ type: 'postgres', url: SERVER_URL });
  await server.initialize();
  try {
    const found: unknown[] = await server.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.length === 0) await server.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await server.destroy();
  }
  const url = new URL(SERVER_URL);
  url.pathname = `/${DATABASE}`;
  return url.toString();
}

/** Records the statements TypeORM sends while `recording` is set (its logger sees every one). */
class StatementRecorder implements TypeOrmLogger {
  recording: Array<[string, unknown[]]> | null = null;
  logQuery(query: string, parameters?: unknown[], _runner?: QueryRunner): void {
    this.recording?.push([query, parameters ?? []]);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

async function measure(label: string, env: Record<string, string>) {
  const app: INestApplication = await createApp(
    loadConfig({ DATA_DIR: DIR, KB_BOOTSTRAP_API_KEY: SECRET, ...env }),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  try {
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    const dataSource = app.get<DataSource>(READ_MODEL_DATA_SOURCE);
    const recorder = new StatementRecorder();
    Object.assign(dataSource, { logger: recorder });
    // On SQLite the reports' statements run in read workers, which TypeORM does not log: record them
    // where they are handed to the pool.
    const pool = readPoolOf(dataSource);
    if (pool) {
      const query = pool.query.bind(pool);
      pool.query = <Row>(sql: string, params: readonly unknown[]) => {
        recorder.recording?.push([sql, [...params]]);
        return query<Row>(sql, params);
      };
    }
    const send = (query: string, variables: Record<string, unknown>) =>
      fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
        body: JSON.stringify({ query, variables }),
      });
    /** The answer, parsed and checked: no errors. */
    const request = async (query: string, variables: Record<string, unknown>) => {
      const response = await send(query, variables);
      const text = await response.text();
      const body = JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown[] };
      if (response.status !== 200 || body.errors)
        throw new Error(`${response.status}: ${JSON.stringify(body.errors ?? body)}`);
      return { data: body.data, bytes: Buffer.byteLength(text) };
    };
    /**
     * Timed: until the last byte of the answer has arrived, as a client times the service. Parsing
     * it is the client's work (a megabyte for SERVICE by WEEK); in this one process it would be
     * charged to the service's event loop. Every answer must be as long as the checked one (the
     * reports are deterministic, so any error or difference shows).
     */
    const timedRequest = async (query: string, variables: Record<string, unknown>, bytes: number) => {
      const response = await send(query, variables);
      const received = (await response.arrayBuffer()).byteLength;
      if (response.status !== 200 || received !== bytes)
        throw new Error(`${response.status}: ${received} bytes where ${bytes} were checked`);
    };
    const results: Record<string, unknown> = {};
    for (const report of REPORTS) {
      recorder.recording = [];
      const { data, bytes } = await request(report.query, report.variables);
      const statements = recorder.recording;
      recorder.recording = null;
      const answer = Object.values(data ?? {})[0];
      const rows = Array.isArray(answer) ? answer.length : undefined;
      const [graphql, bare] = await timeInTurn(
        () => timedRequest(report.query, report.variables, bytes),
        async () => {
          for (const [sql, parameters] of statements) await dataSource.query(sql, parameters);
        },
      );
      const ratio = +(graphql.p95 / bare.p95).toFixed(2);
      const ratioP50 = +(graphql.p50 / bare.p50).toFixed(2);
      results[report.name] = {
        rows,
        responseBytes: bytes,
        statements: statements.length,
        graphql,
        bareSql: bare,
        ratio,
        ratioP50,
      };
      log(
        `${label} ${report.name}: GraphQL p50 ${graphql.p50} / p95 ${graphql.p95} ms, ` +
          `bare SQL p50 ${bare.p50} / p95 ${bare.p95} ms (${statements.length} statements), ratio ${ratio} (p50 ${ratioP50})`,
      );
    }
    return results;
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const store = SqliteEventStore.open({ file: join(DIR, 'events.db') });
  const output: Record<string, unknown> = {
    benchmark: 'queries',
    incidents: INCIDENTS,
    seed: SEED,
    period: YEAR,
    runs: RUNS,
  };
  let postgresUrl: string | null = null;
  try {
    await ensureHistory(store);
    postgresUrl = ONLY === 'sqlite' ? null : await ensurePostgresDatabase();
    if (ONLY !== 'postgres')
      await ensureReadModels(store, { kind: 'sqlite', file: join(DIR, 'read-models.db') });
    if (postgresUrl) await ensureReadModels(store, { kind: 'postgres', url: postgresUrl });
  } finally {
    await store.close();
  }
  // The service opens the store and the read models itself, as it is served.
  if (ONLY !== 'postgres') output.sqlite = await measure('sqlite', {});
  if (postgresUrl) output.postgres = await measure('postgres', { DATABASE_URL: postgresUrl });
  output.targets = TARGETS;
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
