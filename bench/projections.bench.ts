/**
 * `npm run bench:projections`: how fast the read models are rebuilt, and how far the live projection
 * lags, on SQLite and on PostgreSQL (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local
 * default). Prints one JSON line on stdout; progress goes to stderr.
 *
 * 1. Appends about EVENTS events of the demo history (`npm run seed`'s: incidents with milestones,
 *    timeline entries, findings, links, postmortems; action items through their lifecycle), decided
 *    by the real domain.
 * 2. Rebuilds every projection into a fresh database, and beside it measures the bare batched
 *    insert rate of the same database (rows of an incident's width, 500 per transaction): the floor.
 *    (BENCH_ONLY=sqlite or BENCH_ONLY=postgres measures one database.)
 * 3. Runs the projector live while appends arrive at 200 per second and records, for each append,
 *    the time until the projections have applied it: p50 / p99 lag.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decideIncident, incidentCatalogue, incidentStreamId, initialIncidentState } from '@kb/domain';
import { SqliteEventStore, type EventToAppend } from '@kb/event-store';
import {
  createReadModelDataSource,
  Projector,
  readModelProjections,
  rebuildProjection,
  type ReadModelDatabaseConfig,
} from '@kb/read-models';
import type { DataSource } from 'typeorm';
import { writeDemoHistory } from '../apps/api/src/seed/seed-demo-data';
import { SEED_DEFAULTS } from '../apps/api/src/seed/seed-options';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const LIVE_SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 15);
const LIVE_RATE = 200;
/** The demo history has about 15.5 events per incident (its action items included). */
const DEMO_EVENTS_PER_INCIDENT = 15.5;
const projections = readModelProjections;
const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'kb-bench-projections-'));
  const pgUrl =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/test';
  const store = SqliteEventStore.open({ file: join(dir, 'events.db') });
  try {
    const started = Date.now();
    const appended = await appendRealisticMix(store, EVENTS);
    log(`appended ${appended} events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const schema = `kb_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const databases: Array<[string, ReadModelDatabaseConfig]> = [
      ['sqlite', { kind: 'sqlite', file: join(dir, 'read-models.db') }],
      ['postgres', { kind: 'postgres', url: pgUrl, schema }],
    ];
    const result: Record<string, unknown> = { benchmark: 'projections', events: appended };
    const only = process.env.BENCH_ONLY; // sqlite or postgres, to measure one
    for (const [name, config] of databases.filter(([name]) => only === undefined || name === only)) {
      const dataSource = await createReadModelDataSource(config);
      try {
        result[name] = await measure(name, store, dataSource);
      } finally {
        if (config.kind === 'postgres') await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
        await dataSource.destroy();
      }
    }
    result.targets = { rebuildVsBareInsert: 0.4, liveLagP99Ms: 50 };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(name: string, store: SqliteEventStore, dataSource: DataSource) {
  const bare = await bareBatchedInsertRate(dataSource, Math.min(EVENTS, 100_000));
  log(`${name}: bare batched inserts ${Math.round(bare)} rows/s`);
  let events = 0;
  const started = process.hrtime.bigint();
  for (const projection of projections())
    events += (
      await rebuildProjection(store, dataSource, projection, {
        onProgress: (p) => process.stderr.write(`\r${name}: rebuilding ${p.projection} ${p.events}`),
      })
    ).events;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stderr.write('\n');
  // Each projection reads the whole log: the rate counts events applied per projection per second.
  const rebuildRate = events / seconds;
  log(
    `${name}: rebuild ${Math.round(rebuildRate)} events/s (${events} event applications in ${seconds.toFixed(1)} s)`,
  );
  // Steady state: let PostgreSQL write out the rebuild's dirty pages first, so the live figures are
  // not those of a checkpoint that a rebuild of 800,000 row writes set off (rebuilds are rare).
  if (dataSource.options.type === 'postgres') await dataSource.query('CHECKPOINT').catch(() => undefined);
  const lag = await liveLag(store, dataSource);
  log(`${name}: live lag p50 ${lag.p50Ms} ms, p99 ${lag.p99Ms} ms over ${lag.samples} appends`);
  return {
    rebuildEventsPerSecond: Math.round(rebuildRate),
    bareBatchedInsertRowsPerSecond: Math.round(bare),
    rebuildVsBareInsert: Math.round((rebuildRate / bare) * 1000) / 1000,
    liveLag: lag,
  };
}

/** Rows of an incident's width into a scratch table, 500 per transaction, as fast as the driver goes. */
async function bareBatchedInsertRate(dataSource: DataSource, rows: number): Promise<number> {
  const postgres = dataSource.options.type === 'postgres';
  await dataSource.query(
    'CREATE TABLE bench_bare (id text PRIMARY KEY, title text, kind text, severity text, status text, services text, started_at text, updated_at text)',
  );
  const started = process.hrtime.bigint();
  for (let done = 0; done < rows; done += 500) {
    await dataSource.transaction(async (manager) => {
      for (let i = done; i < Math.min(done + 500, rows); i++)
        await manager.query(
          postgres
            ? 'INSERT INTO bench_bare VALUES ($1, $2, $3, $4, $5, $6, $7, $8)'
            : 'INSERT INTO bench_bare VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [
            randomUUID(),
            `Incident ${i}`,
            'INCIDENT',
            'SEV3',
            'OPEN',
            '["checkout"]',
            '2026-01-01T00:00:00.000Z',
            '2026-01-01T00:00:00.000Z',
          ],
        );
    });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await dataSource.query('DROP TABLE bench_bare');
  return rows / seconds;
}

async function liveLag(store: SqliteEventStore, dataSource: DataSource) {
  const projector = new Projector(store, dataSource, projections());
  await projector.start();
  const [last] = await store.readAll({ direction: 'backwards', maxCount: 1 });
  await projector.waitForPosition(last.position, 60_000);
  const lags: number[] = [];
  const waits: Array<Promise<void>> = [];
  const total = LIVE_SECONDS * LIVE_RATE;
  const startedAt = Date.now();
  for (let i = 0; i < total; i++) {
    const due = startedAt + (i * 1000) / LIVE_RATE;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    const id = randomUUID();
    const { position } = await store.appendToStream(
      incidentStreamId(id),
      toStore(
        decideIncident(reportCommand(id, i), initialIncidentState, new Date()),
        incidentCatalogue.versions,
      ),
    );
    const appended = process.hrtime.bigint();
    waits.push(
      projector.waitForPosition(position, 10_000).then(() => {
        lags.push(Number(process.hrtime.bigint() - appended) / 1e6);
      }),
    );
  }
  await Promise.all(waits);
  await projector.stop();
  lags.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] * 10) / 10;
  return { samples: lags.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) };
}

// ---- appends while live: one reported incident each -----------------------------------------------

const SERVICES = [
  'checkout',
  'payments',
  'search',
  'catalog',
  'auth',
  'notifications',
  'inventory',
  'shipping',
];
const pick = <T>(items: readonly T[], i: number): T => items[i % items.length];

function reportCommand(incidentId: string, i: number) {
  return {
    type: 'ReportIncident' as const,
    incidentId,
    title: `${pick(['Latency', 'Errors', 'Outage', 'Data drift'], i)} in ${pick(SERVICES, i)} #${i}`,
    summary: i % 3 === 0 ? 'Customers saw slow pages while a cache was cold.' : null,
    kind: pick(['INCIDENT', 'INCIDENT', 'NEAR_MISS', 'CHAOS_EXPERIMENT', 'INCIDENT', 'GAME_DAY'], i),
    severity: pick(['SEV3', 'SEV4', 'SEV3', 'SEV2', 'SEV4', 'SEV1', 'SEV5'], i),
    services: [pick(SERVICES, i), pick(SERVICES, i + 3)],
    tags: i % 2 ? ['config'] : [],
    detectionSource: pick(['MONITORING_ALERT', 'CUSTOMER_REPORT', 'INTERNAL_REPORT'], i),
    startedAt: new Date(Date.parse('2025-01-01T00:00:00.000Z') + i * 1_800_000).toISOString(),
    detectedAt: null,
  };
}

/**
 * Appends the demo history (`npm run seed`'s: realistic services, severities, lifecycles, findings,
 * action items) of about `target` events, each stream in one append.
 */
async function appendRealisticMix(store: SqliteEventStore, target: number): Promise<number> {
  const incidents = Math.max(1, Math.round(target / DEMO_EVENTS_PER_INCIDENT));
  const written = await writeDemoHistory(store, { ...SEED_DEFAULTS, incidents }, (p) =>
    process.stderr.write(`\rappending ${p.events}/${target}`),
  );
  process.stderr.write('\n');
  return written.events;
}

function toStore(
  events: Array<{ type: string; data: unknown }>,
  versions: Record<string, number>,
): EventToAppend[] {
  return events.map((event) => ({
    id: randomUUID(),
    type: event.type,
    data: event.data as EventToAppend['data'],
    metadata: {
      actor: 'bench',
      correlationId: 'bench',
      causationId: null,
      occurredAt: '2030-01-01T00:00:00.000Z',
      schemaVersion: versions[event.type],
    },
  }));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:projections failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
