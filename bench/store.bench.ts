/**
 * `npm run bench:store`: append throughput of the embedded event store beside bare better-sqlite3
 * inserts with the same durability (WAL, synchronous=FULL, same schema), in the same run on the same
 * machine. Prints one JSON line on stdout; progress goes to stderr.
 *
 * Each figure is the median of ROUNDS runs, the runs of all cases interleaved so that a slow moment
 * of the disk does not land on one case only. Set BENCH_DIR to measure another disk.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@kb/event-store';
import { migrateSqliteEventStoreSchema } from '@kb/event-store/testing';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const SINGLE_APPENDS = 2000;
const WRITERS = 32;
const APPENDS_PER_WRITER = 200;
const BATCH = 100;
const BATCHES = 200;
const payload = () => ({ incidentId: randomUUID(), title: 'Checkout latency above SLO', severity: 'SEV3' });

type Case = (dir: string) => Promise<number>; // returns events per second

async function withStore(dir: string, run: (store: SqliteEventStore) => Promise<number>): Promise<number> {
  const store = SqliteEventStore.open({ file: join(dir, `store-${randomUUID()}.db`) });
  try {
    const started = process.hrtime.bigint();
    const events = await run(store);
    return events / seconds(started);
  } finally {
    await store.close();
  }
}

function withBare(dir: string, run: (insert: (i: number) => void, db: Database.Database) => number): number {
  const db = new Database(join(dir, `bare-${randomUUID()}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  migrateSqliteEventStoreSchema(db);
  const statement = db.prepare(
    'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  // The same rows the store writes: streams taking turns, each with increasing revisions.
  const insert = (i: number) =>
    statement.run(
      `bare-${i % WRITERS}`,
      Math.floor(i / WRITERS),
      randomUUID(),
      'Happened',
      JSON.stringify(payload()),
      '{}',
      Date.now(),
    );
  try {
    const started = process.hrtime.bigint();
    const events = run(insert, db);
    return events / seconds(started);
  } finally {
    db.close();
  }
}

const cases: Record<string, Case> = {
  oneWriter: (dir) =>
    withStore(dir, async (store) => {
      for (let i = 0; i < SINGLE_APPENDS; i++)
        await store.appendToStream(`one-${i % 50}`, [
          { id: randomUUID(), type: 'Happened', data: payload() },
        ]);
      return SINGLE_APPENDS;
    }),
  concurrentWriters32: (dir) =>
    withStore(dir, async (store) => {
      await Promise.all(
        Array.from({ length: WRITERS }, async (_, w) => {
          for (let i = 0; i < APPENDS_PER_WRITER; i++)
            await store.appendToStream(`writer-${w}`, [
              { id: randomUUID(), type: 'Happened', data: payload() },
            ]);
        }),
      );
      return WRITERS * APPENDS_PER_WRITER;
    }),
  batchesOf100: (dir) =>
    withStore(dir, async (store) => {
      for (let b = 0; b < BATCHES; b++)
        await store.appendToStream(
          `batch-${b}`,
          Array.from({ length: BATCH }, () => ({ id: randomUUID(), type: 'Happened', data: payload() })),
        );
      return BATCH * BATCHES;
    }),
  bareOnePerCommit: async (dir) =>
    withBare(dir, (insert) => {
      for (let i = 0; i < SINGLE_APPENDS; i++) insert(i);
      return SINGLE_APPENDS;
    }),
  bare32PerCommit: async (dir) =>
    withBare(dir, (insert, db) => {
      const commit = db.transaction((round: number) => {
        for (let i = 0; i < WRITERS; i++) insert(round * WRITERS + i);
      });
      for (let round = 0; round < APPENDS_PER_WRITER; round++) commit(round);
      return WRITERS * APPENDS_PER_WRITER;
    }),
  bare100PerCommit: async (dir) =>
    withBare(dir, (insert, db) => {
      const commit = db.transaction((b: number) => {
        for (let i = 0; i < BATCH; i++) insert(b * BATCH + i);
      });
      for (let b = 0; b < BATCHES; b++) commit(b);
      return BATCH * BATCHES;
    }),
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'kb-bench-store-'));
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, run] of Object.entries(cases)) {
        const rate = await run(dir);
        samples[name].push(rate);
        process.stderr.write(`round ${round}/${ROUNDS} ${name}: ${Math.round(rate)} events/s\n`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const rate = (name: string) => Math.round(median(samples[name]));
  const ratio = (a: string, b: string) => Math.round((rate(a) / rate(b)) * 1000) / 1000;
  const result = {
    benchmark: 'store',
    unit: 'events/s',
    rounds: ROUNDS,
    oneWriter: rate('oneWriter'),
    concurrentWriters32: rate('concurrentWriters32'),
    batchesOf100: rate('batchesOf100'),
    appendsPerSecondBatchesOf100: Math.round(rate('batchesOf100') / BATCH),
    bareOnePerCommit: rate('bareOnePerCommit'),
    bare32PerCommit: rate('bare32PerCommit'),
    bare100PerCommit: rate('bare100PerCommit'),
    ratios: {
      oneWriterVsBareOnePerCommit: ratio('oneWriter', 'bareOnePerCommit'),
      concurrentWriters32VsBare100PerCommit: ratio('concurrentWriters32', 'bare100PerCommit'),
      concurrentWriters32VsBare32PerCommit: ratio('concurrentWriters32', 'bare32PerCommit'),
      batchesOf100VsBare100PerCommit: ratio('batchesOf100', 'bare100PerCommit'),
    },
    targets: { oneWriterVsBareOnePerCommit: 0.8, concurrentWriters32VsBare100PerCommit: 0.5 },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:store failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
