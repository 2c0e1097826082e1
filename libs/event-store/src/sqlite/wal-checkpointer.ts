import { Worker } from 'node:worker_threads';

/**
 * The worker's code, run with `eval` so that the same text serves the compiled service and the tests
 * (as the read pool's). It opens the database file, and every `intervalMs` copies what the
 * write-ahead log holds into the database (a PASSIVE checkpoint: it never waits for, nor blocks,
 * the writer or the readers), reporting each run.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const run = () => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ kind: 'ran', ...result });
  } catch (error) {
    parentPort.postMessage({ kind: 'failed', message: String((error && error.message) || error) });
  }
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'run') run();
  if (message === 'close') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

/** What one checkpoint found: frames in the log, and how many of them are in the database now. */
export interface CheckpointRun {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

/**
 * Checkpoints a SQLite database in WAL mode from a worker thread, so that the connection that writes
 * has little left to copy. SQLite checkpoints by itself at the commit that takes the log past 1,000
 * pages, on the connection that commits: the copy into the database and its fsync ran on the event
 * loop, and a burst of writes (the deadline watcher's reminders after a start on 100,000 incidents)
 * held it for 0.4 s. This worker copies the log every `intervalMs` (ADR 0022).
 *
 * SQLite's own checkpoint stays on: only a checkpoint that copies every frame lets the writer start
 * the log again from its beginning, and the worker's never can while the writer keeps appending
 * (turned off, the log grew by 15 MB per 1,000 appends and appends slowed by a third). It now finds
 * all but the last `intervalMs` of writes copied already. A worker that dies is replaced.
 */
export class WalCheckpointer {
  private worker: Worker;
  private closed = false;
  private readonly waiting: Array<{ resolve(run: CheckpointRun): void; reject(error: Error): void }> = [];

  private constructor(
    private readonly file: string,
    private readonly intervalMs: number,
  ) {
    this.worker = this.spawn();
  }

  /** Starts checkpointing `file` every `intervalMs` (default 200 ms). */
  static start(file: string, intervalMs = 200): WalCheckpointer {
    return new WalCheckpointer(file, intervalMs);
  }

  /** Checkpoints now (the tests use it); resolves with what the run found. */
  runNow(): Promise<CheckpointRun> {
    if (this.closed) return Promise.reject(new Error('The checkpointer is closed.'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage('run');
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.postMessage('close');
    await exited;
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file: this.file, driver: require.resolve('better-sqlite3'), intervalMs: this.intervalMs },
    });
    // Never what keeps the process alive: a test that forgets close() still exits.
    worker.unref();
    worker.on('message', (message: { kind: string; message?: string } & CheckpointRun) => {
      for (const waiter of this.waiting.splice(0))
        if (message.kind === 'ran') waiter.resolve(message);
        else waiter.reject(new Error(`The checkpoint failed: ${message.message}`));
    });
    worker.on('error', () => undefined); // followed by 'exit'
    worker.on('exit', () => {
      if (this.closed) return;
      for (const waiter of this.waiting.splice(0)) waiter.reject(new Error('The checkpointer stopped.'));
      // Replaced a second later (a file that cannot be opened must not make it spin).
      setTimeout(() => {
        if (!this.closed) this.worker = this.spawn();
      }, 1_000).unref();
    });
    return worker;
  }
}
