/**
 * `npm run bench:similar`: the quality and the speed of similar incidents (`Incident.similar`) on
 * the demo history of BENCH_INCIDENTS incidents (default 100,000; `npm run seed`'s, seed BENCH_SEED,
 * default 42), on SQLite and on PostgreSQL read models, and on the hand-written set of
 * libs/read-models/src/testing/similar-hand-written-incidents.ts.
 *
 * Quality: for each incident with a RECURRENCE_OF link to an earlier one (BENCH_PAIRS of them at
 * most, default 1,000, spread evenly over the history), is the earlier one among its 5 most similar
 * (recall@5), and at which rank (mean reciprocal rank over the top 50, 0 when absent)? Beside it, in
 * the same run, a text-only baseline: bm25 (SQLite) or ts_rank (PostgreSQL) of the probe's title and
 * summary words over the earlier incidents' titles and summaries only.
 *
 * Speed: `incident(id) { similar(first: 5) { incident { id title } score reasons lessons { id } } }`
 * through GraphQL over HTTP, BENCH_RUNS times (default 100) over as many probes, p50 / p95, each
 * beside the bare SQL that request sent (captured from TypeORM and run one after the other on one
 * connection; on SQLite with the ranking's statements, which the service runs in read workers).
 *
 * The dataset lives in BENCH_DIR (default `data/bench-similar/<incidents>-<seed>`) and the database
 * `kb_bench_similar_<incidents>_<seed>` of BENCH_DATABASE_URL's server (default TEST_DATABASE_URL);
 * the first run writes the history and rebuilds both read models, later runs reuse them.
 * BENCH_ONLY=sqlite|postgres measures one database. One JSON line on stdout, progress on stderr.
 */
import '../apps/api/src/production-by-default';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import {
  createReadModelDataSource,
  PROJECTED_STREAM_PREFIXES,
  readCheckpoint,
  readModelProjections,
  similarToIncidents,
  type Projection,
  type ReadModelDatabaseConfig,
} from '@kb/read-models';
import { evaluateHandWritten } from '@kb/read-models/testing/similar-hand-written-evaluation';
import { writeHandWrittenIncidents } from '@kb/read-models/testing/similar-hand-written-incidents';
import { WriteSide } from '@kb/read-models/testing/write-side.fixture';
import { SqliteEventStore } from '@kb/event-store';
import { loadConfig } from '../apps/api/src/config/app-config';
import { createApp } from '../apps/api/src/create-app';
import { READ_MODEL_DATA_SOURCE } from '../apps/api/src/read-side/read-side.module';
import { catchUpReadModels, writeDemoHistory } from '../apps/api/src/seed/seed-demo-data';
import { parseSeedOptions } from '../apps/api/src/seed/seed-options';

const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 100_000);
const SEED = Number(process.env.BENCH_SEED ?? 42);
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 1_000);
const ONLY = process.env.BENCH_ONLY;
const DIR = resolve(process.env.BENCH_DIR ?? join('data', 'bench-similar', `${INCIDENTS}-${SEED}`));
const SERVER_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const DATABASE = `kb_bench_similar_${INCIDENTS}_${SEED}`;
const SECRET = 'bench-similar-admin-secret-0123456789';
const TARGETS = { recallAt5: 0.8, p95Ms: 50 };
const SIMILAR = `query($id: ID!) { incident(id: $id) { similar(first: 5) {
  incident { id title } score reasons lessons { id } } } }`;

const log = (line: string) => process.stderr.write(`${line}\n`);

const HISTORY = (() => {
  const options = parseSeedOptions(['--incidents', String(INCIDENTS), '--seed', String(SEED)]);
  if (options === 'help') throw new Error('unreachable');
  return options;
})();

interface Quality {
  pairs: number;
  recallAt5: number;
  meanReciprocalRank: number;
}

const round = (n: number) => +n.toFixed(3);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

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

/** Rebuilds the projections that have not applied the whole log. */
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
    await dataSource.query(config.kind === 'sqlite' ? 'ANALYZE' : 'CHECKPOINT');
  } finally {
    await dataSource.destroy();
  }
}

async function ensurePostgresDatabase(name: string): Promise<string> {
  const server = new DataSource({ type: 'postgres', url: SERVER_URL });
  await server.initialize();
  try {
    const found: unknown[] = await server.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.length === 0) await server.query(`CREATE DATABASE ${name}`);
  } finally {
    await server.destroy();
  }
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The RECURRENCE_OF pairs (later → earlier), at most PAIRS of them spread evenly. */
async function recurrencePairs(dataSource: DataSource): Promise<Array<{ id: string; earlier: string }>> {
  const rows: Array<{ id: string; earlier: string }> = await dataSource.query(
    `SELECT l.incident_id AS id, l.related_incident_id AS earlier FROM incident_links l
     JOIN incidents i ON i.id = l.incident_id JOIN incidents e ON e.id = l.related_incident_id
     WHERE l.relation = 'RECURRENCE_OF' AND e.started_at < i.started_at
     ORDER BY i.started_at, l.incident_id`,
  );
  if (rows.length <= PAIRS) return rows;
  const step = rows.length / PAIRS;
  return Array.from({ length: PAIRS }, (_, k) => rows[Math.floor(k * step)]);
}

/** The text-only baseline: the probe's title and summary against the earlier titles and summaries. */
async function baselineRanking(dataSource: DataSource, id: string): Promise<string[]> {
  const postgres = dataSource.options.type === 'postgres';
  const [probe] = await dataSource.query<Array<{ title: string; summary: string | null; startedAt: string }>>(
    `SELECT title, summary, started_at AS "startedAt" FROM incidents WHERE id = ${postgres ? '$1' : '?'}`,
    [id],
  );
  const words = [
    ...new Set(`${probe.title} ${probe.summary ?? ''}`.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []),
  ].slice(0, 32);
  if (words.length === 0) return [];
  const rows: Array<{ id: string }> = postgres
    ? await dataSource.query(
        `WITH q AS (SELECT to_tsquery('english'::regconfig, $1) AS query)
         SELECT d.incident_id AS id FROM q, search_documents d JOIN incidents i ON i.id = d.incident_id
         WHERE d.id LIKE 'incident:%' AND d.document @@ q.query AND i.started_at < $2
         ORDER BY ts_rank(d.document, q.query) DESC, d.incident_id LIMIT 50`,
        [words.map((w) => `'${w}'`).join(' | '), probe.startedAt],
      )
    : await dataSource.query(
        `SELECT d.incident_id AS id FROM search_fts JOIN search_documents d ON d.seq = search_fts.rowid
         JOIN incidents i ON i.id = d.incident_id
         WHERE search_fts MATCH ? AND d.id LIKE 'incident:%' AND i.started_at < ?
         ORDER BY bm25(search_fts, 10.0, 1.0), d.incident_id LIMIT 50`,
        [words.map((w) => `"${w}"`).join(' OR '), probe.startedAt],
      );
  return rows.map((row) => row.id);
}

function quality(ranks: Array<number | null>): Quality {
  return {
    pairs: ranks.length,
    recallAt5: round(ranks.filter((rank) => rank !== null && rank <= 5).length / Math.max(ranks.length, 1)),
    meanReciprocalRank: round(
      ranks.reduce<number>((sum, rank) => sum + (rank === null ? 0 : 1 / rank), 0) /
        Math.max(ranks.length, 1),
    ),
  };
}

async function measureQuality(config: ReadModelDatabaseConfig) {
  const dataSource = await createReadModelDataSource(config);
  try {
    const pairs = await recurrencePairs(dataSource);
    const similar: Array<number | null> = [];
    const baseline: Array<number | null> = [];
    for (const [n, { id, earlier }] of pairs.entries()) {
      const matches = (await similarToIncidents(dataSource, [id], 50)).get(id) ?? [];
      const rank = matches.findIndex((match) => match.incidentId === earlier);
      similar.push(rank < 0 ? null : rank + 1);
      const base = (await baselineRanking(dataSource, id)).indexOf(earlier);
      baseline.push(base < 0 ? null : base + 1);
      if (n % 50 === 0) process.stderr.write(`\r  ${config.kind} quality: ${n}/${pairs.length} pairs`);
    }
    const result = { similar: quality(similar), textOnlyBaseline: quality(baseline) };
    log(`\n  ${config.kind} quality: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await dataSource.destroy();
  }
}

/** The hand-written set, written to a fresh store and projected into a fresh read model. */
async function measureHandWritten(config: (dir: string) => Promise<ReadModelDatabaseConfig>) {
  const dir = mkdtempSync(join(tmpdir(), 'kb-bench-similar-'));
  const store = SqliteEventStore.open({ file: join(dir, 'events.db') });
  try {
    const ids = await writeHandWrittenIncidents(new WriteSide(store));
    const dataSource = await createReadModelDataSource(await config(dir));
    try {
      await catchUpReadModels(store, dataSource, readModelProjections());
      const figures = await evaluateHandWritten(dataSource, ids);
      return {
        probes: figures.probes,
        recallAt5: round(figures.recallAt5),
        meanReciprocalRank: round(figures.meanReciprocalRank),
        orderingsHeld: `${figures.orderingHeld}/${figures.orderings}`,
        misses: figures.details.filter((d) => d.rank === null || d.rank > 5),
      };
    } finally {
      const { schema } = dataSource.options as { schema?: string };
      if (dataSource.options.type === 'postgres' && schema)
        await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
      await dataSource.destroy();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

class StatementRecorder implements TypeOrmLogger {
  recording: Array<[string, unknown[]]> | null = null;
  logQuery(query: string, parameters?: unknown[]): void {
    this.recording?.push([query, parameters ?? []]);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/** `similar` through GraphQL over HTTP, probe after probe, each beside its bare SQL. */
async function measureSpeed(label: string, env: Record<string, string>, probes: readonly string[]) {
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
    const request = async (id: string) => {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
        body: JSON.stringify({ query: SIMILAR, variables: { id } }),
      });
      const body = (await response.json()) as { errors?: unknown[] };
      if (response.status !== 200 || body.errors) throw new Error(JSON.stringify(body.errors ?? body));
    };
    // Each probe once untimed: a warm-up, and the statements its request sends. On SQLite the
    // ranking's statements run in read workers, which TypeORM does not log: they are captured by
    // running the same ranking once on a query runner of the service's data source (its reads then
    // stay on that connection and are logged).
    const runner = dataSource.createQueryRunner();
    const onRunner = Object.create(dataSource, { manager: { value: runner.manager } }) as DataSource;
    const statements: Array<Array<[string, unknown[]]>> = [];
    for (const id of probes) {
      recorder.recording = [];
      await request(id);
      if (dataSource.options.type !== 'postgres') await similarToIncidents(onRunner, [id], 5);
      statements.push(recorder.recording);
      recorder.recording = null;
    }
    await runner.release();
    const graphql: number[] = [];
    const bare: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const index = run % probes.length;
      let started = process.hrtime.bigint();
      await request(probes[index]);
      graphql.push(Number(process.hrtime.bigint() - started) / 1e6);
      started = process.hrtime.bigint();
      for (const [sql, parameters] of statements[index]) await dataSource.query(sql, parameters);
      bare.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const stats = (list: number[]) => {
      list.sort((x, y) => x - y);
      return { p50: +percentile(list, 0.5).toFixed(1), p95: +percentile(list, 0.95).toFixed(1) };
    };
    const result = {
      graphql: stats(graphql),
      bareSql: stats(bare),
      statements: Math.round(statements.reduce((sum, s) => sum + s.length, 0) / statements.length),
    };
    log(
      `${label} similar: GraphQL p50 ${result.graphql.p50} / p95 ${result.graphql.p95} ms, bare SQL p50 ` +
        `${result.bareSql.p50} / p95 ${result.bareSql.p95} ms (${result.statements} statements)`,
    );
    return result;
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const store = SqliteEventStore.open({ file: join(DIR, 'events.db') });
  const output: Record<string, unknown> = {
    benchmark: 'similar',
    incidents: INCIDENTS,
    seed: SEED,
    runs: RUNS,
  };
  let postgresUrl: string | null = null;
  const sqliteConfig: ReadModelDatabaseConfig = { kind: 'sqlite', file: join(DIR, 'read-models.db') };
  try {
    await ensureHistory(store);
    postgresUrl = ONLY === 'sqlite' ? null : await ensurePostgresDatabase(DATABASE);
    if (ONLY !== 'postgres') await ensureReadModels(store, sqliteConfig);
    if (postgresUrl) await ensureReadModels(store, { kind: 'postgres', url: postgresUrl });
  } finally {
    await store.close();
  }
  const handWrittenDatabase = `kb_bench_similar_hand_written`;
  if (ONLY !== 'postgres') {
    const probes = (await withDataSource(sqliteConfig, recurrencePairs)).slice(0, RUNS).map((p) => p.id);
    output.sqlite = {
      quality: await measureQuality(sqliteConfig),
      handWritten: await measureHandWritten(async (dir) => ({
        kind: 'sqlite',
        file: join(dir, 'read-models.db'),
      })),
      speed: await measureSpeed('sqlite', {}, probes),
    };
  }
  if (postgresUrl) {
    const config: ReadModelDatabaseConfig = { kind: 'postgres', url: postgresUrl };
    const probes = (await withDataSource(config, recurrencePairs)).slice(0, RUNS).map((p) => p.id);
    output.postgres = {
      quality: await measureQuality(config),
      handWritten: await measureHandWritten(async () => ({
        kind: 'postgres',
        url: postgresUrl,
        schema: `${handWrittenDatabase}_${process.pid}`,
      })),
      speed: await measureSpeed('postgres', { DATABASE_URL: postgresUrl }, probes),
    };
  }
  output.targets = TARGETS;
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

async function withDataSource<T>(
  config: ReadModelDatabaseConfig,
  work: (dataSource: DataSource) => Promise<T>,
) {
  const dataSource = await createReadModelDataSource(config);
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
