import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createReadModelDataSource } from '../read-model-data-source';
import {
  MAX_QUEUED_READS_PER_WORKER,
  ReadPoolBusyError,
  readPoolOf,
  SqliteReadError,
  type SqliteReadPool,
} from './sqlite-read-pool';

/** A statement that keeps SQLite busy for a while: a recursive count to `n`. */
const busy = (n: number) =>
  `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${n}) SELECT COUNT(*) AS n FROM c`;

describe('SqliteReadPool: the heavy reads of a SQLite read-model file, in worker threads', () => {
  let dir: string;
  let dataSource: DataSource;
  let pool: SqliteReadPool;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kb-read-pool-'));
    dataSource = await createReadModelDataSource({ kind: 'sqlite', file: join(dir, 'read-models.db') });
    pool = readPoolOf(dataSource)!;
  });
  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is attached to every SQLite read-model file the service opens', () => {
    expect(pool).toBeDefined();
    expect(pool.size).toBeGreaterThanOrEqual(1);
  });

  it('answers what the main connection answers, and sees what it committed before', async () => {
    await dataSource.query(
      `INSERT INTO projection_checkpoints (name, position, updated_at) VALUES (?, ?, ?)`,
      ['pool-test', '00000000000000000042', new Date().toISOString()],
    );
    const sql = 'SELECT name, position FROM projection_checkpoints WHERE name = ? AND 1 = ?';
    expect(await pool.query(sql, ['pool-test', true])).toEqual(await dataSource.query(sql, ['pool-test', 1]));
    expect(await pool.query(sql, ['pool-test', true])).toEqual([
      { name: 'pool-test', position: '00000000000000000042' },
    ]);
  });

  it('keeps the event loop free while a long statement runs', async () => {
    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    const [{ n }] = await pool.query<{ n: number }>(busy(3_000_000), []);
    const took = performance.now() - started;
    clearInterval(ticker);
    expect(n).toBe(3_000_000);
    // The statement took far longer than any pause of the event loop while it ran.
    expect(took).toBeGreaterThan(100);
    expect(longestGap).toBeLessThan(50);
  });

  it(`refuses a read at once when ${MAX_QUEUED_READS_PER_WORKER} wait for every worker, and serves again once they are done`, async () => {
    const many = pool.size * MAX_QUEUED_READS_PER_WORKER + 5;
    const outcomes = await Promise.allSettled(
      Array.from({ length: many }, () => pool.query<{ n: number }>(busy(100_000), [])),
    );
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused).toHaveLength(5);
    for (const o of refused) expect(o.reason).toBeInstanceOf(ReadPoolBusyError);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(many - 5);
    expect(await pool.query('SELECT 1 AS one', [])).toEqual([{ one: 1 }]);
  });

  it('rejects a statement SQLite refuses with its message, and serves the next one', async () => {
    await expect(pool.query('SELECT * FROM no_such_table', [])).rejects.toThrow(SqliteReadError);
    await expect(pool.query('SELECT * FROM no_such_table', [])).rejects.toThrow(/no such table/);
    // Reads only: a write is refused (the worker runs statements that return rows, on a read-only file).
    await expect(pool.query(`DELETE FROM projection_checkpoints`, [])).rejects.toThrow(
      /does not return data|readonly/i,
    );
    expect(await pool.query('SELECT 1 AS one', [])).toEqual([{ one: 1 }]);
  });

  it('is closed with its data source, and refuses statements after', async () => {
    const other = await createReadModelDataSource({ kind: 'sqlite', file: join(dir, 'other.db') });
    const otherPool = readPoolOf(other)!;
    await other.destroy();
    expect(readPoolOf(other)).toBeUndefined();
    await expect(otherPool.query('SELECT 1', [])).rejects.toThrow(/closed/);
  });
});
