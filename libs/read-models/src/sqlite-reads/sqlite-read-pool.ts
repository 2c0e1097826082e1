import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * The worker's code, run with `eval` so the same text serves the compiled service and the tests (a
 * worker file would need a build step of its own). It opens the read-model file read-only (WAL: it
 * reads the last committed state and never blocks the projector's writes), keeps its prepared
 * statements, and answers one statement per message.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const statements = new Map();
parentPort.on('message', ({ id, sql, params }) => {
  try {
    let statement = statements.get(sql);
    if (statement === undefined) {
      if (statements.size >= 500) statements.clear();
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    parentPort.postMessage({ id, rows: statement.all(...params) });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String((error && error.message) || error), code: error && error.code } });
  }
});
`;

type Parameter = string | number | bigint | Buffer | null;
interface Pending {
  resolve(rows: unknown[]): void;
  reject(error: Error): void;
}
interface ReadWorker {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Statements waiting for one worker, at most: past it a new read is refused at once (ReadPoolBusyError)
 * instead of waiting behind seconds of others. A search or report takes 1 to 60 ms.
 */
export const MAX_QUEUED_READS_PER_WORKER = 32;

/** Every worker already has MAX_QUEUED_READS_PER_WORKER statements waiting: the reads are overloaded. */
export class ReadPoolBusyError extends Error {
  constructor() {
    super('The service is at capacity for searches and reports: retry in a second.');
    this.name = 'ReadPoolBusyError';
  }
}

/** A statement the worker's SQLite refused (the message is SQLite's). */
export class SqliteReadError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'SqliteReadError';
  }
}

/**
 * Read-only statements on the SQLite read models, run in worker threads (ADR 0009). better-sqlite3
 * is synchronous: on the main thread a full-text search over thousands of documents or a report
 * over a year of incidents held the event loop for tens of milliseconds, and every other caller,
 * `/health` included, waited. In a worker the main thread only posts the statement and takes the
 * rows back, and the statements use the second core.
 *
 * Only the heavy reads go here (search, the reports); the projector writes, and the light lookups
 * of a request (a row by id, a page) stay on the main connection, where read-your-writes holds by
 * construction. A worker reads the last committed state, which includes every write the main
 * connection committed before the statement was posted.
 */
export class SqliteReadPool {
  private readonly workers: ReadWorker[] = [];
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly file: string,
    size: number,
  ) {
    for (let i = 0; i < size; i++) this.workers.push(this.spawn());
  }

  /** Workers: one per core beyond the main thread's, at least one, at most four. */
  static open(file: string, size = Math.max(1, Math.min(4, availableParallelism() - 1))): SqliteReadPool {
    return new SqliteReadPool(file, size);
  }

  get size(): number {
    return this.workers.length;
  }

  /** The rows of one read-only statement with `?` placeholders, from the least busy worker. */
  query<Row>(sql: string, params: readonly unknown[]): Promise<Row[]> {
    if (this.closed) return Promise.reject(new Error('The read pool is closed.'));
    const target = this.workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    if (target.pending.size >= MAX_QUEUED_READS_PER_WORKER) return Promise.reject(new ReadPoolBusyError());
    const id = this.nextId++;
    // better-sqlite3 binds no booleans: 0 and 1, as TypeORM's runner does on the main connection.
    const bound = params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p) as Parameter);
    return new Promise<Row[]>((resolve, reject) => {
      target.pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
      target.worker.postMessage({ id, sql, params: bound });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }

  private spawn(): ReadWorker {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file: this.file, driver: require.resolve('better-sqlite3') },
    });
    // Never what keeps the process alive: a service or test that forgets close() still exits.
    worker.unref();
    const entry: ReadWorker = { worker, pending: new Map() };
    worker.on(
      'message',
      (message: { id: number; rows?: unknown[]; error?: { message: string; code?: string } }) => {
        const pending = entry.pending.get(message.id);
        if (!pending) return;
        entry.pending.delete(message.id);
        if (message.error) pending.reject(new SqliteReadError(message.error.message, message.error.code));
        else pending.resolve(message.rows ?? []);
      },
    );
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return; // 'error' is followed by 'exit': one replacement
      failed = true;
      for (const pending of entry.pending.values()) pending.reject(error);
      entry.pending.clear();
      // A worker that died is replaced, so one bad moment does not take the reads down for good.
      const index = this.workers.indexOf(entry);
      if (!this.closed && index >= 0) this.workers[index] = this.spawn();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`A read worker stopped (exit code ${code}).`));
    });
    return entry;
  }
}

const pools = new WeakMap<DataSource, SqliteReadPool>();

/** Makes `pool` serve the heavy reads of `dataSource`, and closes it when the data source is destroyed. */
export function attachReadPool(dataSource: DataSource, pool: SqliteReadPool): void {
  pools.set(dataSource, pool);
  closeBeforeDestroy(dataSource, async () => {
    await pool.close();
    pools.delete(dataSource);
  });
}

/**
 * Runs `close` when `dataSource` is destroyed, before its own connection closes: what a SQLite file
 * has opened beside it (read workers, a checkpointer) goes first, so that the main connection is the
 * last one and copies what is left of the log.
 */
export function closeBeforeDestroy(dataSource: DataSource, close: () => Promise<void>): void {
  const destroy = dataSource.destroy.bind(dataSource);
  dataSource.destroy = async () => {
    await close();
    return destroy();
  };
}

/** The pool serving `dataSource`'s heavy reads, if it has one (SQLite files; never PostgreSQL). */
export function readPoolOf(dataSource: DataSource): SqliteReadPool | undefined {
  return pools.get(dataSource);
}

/**
 * The rows of a read-only statement with the driver's own placeholders: in a read worker when the
 * data source has a pool and the manager is not inside a transaction (whose view a worker would not
 * share), else on the manager's connection.
 */
export function readRows<Row>(
  manager: EntityManager,
  sql: string,
  params: readonly unknown[],
): Promise<Row[]> {
  const pool = manager.queryRunner ? undefined : readPoolOf(manager.connection);
  return pool ? pool.query<Row>(sql, params) : manager.query<Row[]>(sql, [...params]);
}
