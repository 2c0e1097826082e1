import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from './sqlite-event-store';
import { WalCheckpointer } from './wal-checkpointer';

const PAGE = 4096;

describe('WalCheckpointer', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-wal-'));
    file = join(dir, 'test.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function openWriter(): Database.Database {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
    return db;
  }

  /** About `pages` pages of rows, one commit per 50 rows. */
  function write(db: Database.Database, pages: number): void {
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    const commit = db.transaction((rows: number) => {
      for (let i = 0; i < rows; i++) insert.run('x'.repeat(2_000));
    });
    for (let written = 0; written < pages * 2; written += 50) commit(50);
  }

  it('copies the whole log when it runs, and lets the writer start the log again', async () => {
    const db = openWriter();
    const checkpointer = WalCheckpointer.start(file, 60_000);
    try {
      db.pragma('wal_autocheckpoint = 0'); // only this test's own runs copy the log
      write(db, 800);
      const sizeBefore = statSync(file).size;
      const run = await checkpointer.runNow();
      expect(run).toMatchObject({ busy: 0 });
      expect(run.log).toBeGreaterThan(600);
      expect(run.checkpointed).toBe(run.log);
      expect(statSync(file).size).toBeGreaterThan(sizeBefore + 600 * PAGE);
      // Everything was copied and nobody reads: the next commit writes the log from its beginning.
      write(db, 100);
      expect((await checkpointer.runNow()).log).toBeLessThan(300);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it('keeps the log bounded beside a writer that never stops', async () => {
    const db = openWriter();
    const checkpointer = WalCheckpointer.start(file, 20);
    try {
      // 6,000 pages in small commits while the worker copies every 20 ms: SQLite's own checkpoint at
      // 1,000 pages completes the copy and the log starts again, instead of growing to 6,000 pages.
      for (let round = 0; round < 60; round++) {
        write(db, 100);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(statSync(`${file}-wal`).size).toBeLessThan(2_000 * PAGE);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it('runs by itself every interval, without any call from the writer’s thread', async () => {
    const db = openWriter();
    const checkpointer = WalCheckpointer.start(file, 50);
    try {
      write(db, 500);
      const sizeBefore = statSync(file).size;
      const deadline = Date.now() + 5_000;
      while (statSync(file).size < sizeBefore + 400 * PAGE && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(statSync(file).size).toBeGreaterThanOrEqual(sizeBefore + 400 * PAGE);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it('is what the embedded event store uses: its file holds every event once it is closed', async () => {
    const store = SqliteEventStore.open({ file });
    for (let i = 0; i < 20; i++)
      await store.appendToStream(
        `incident-${i}`,
        Array.from({ length: 200 }, (_, k) => ({ id: crypto.randomUUID(), type: 'Happened', data: { k } })),
      );
    await store.close();
    // The worker closed first, so the store's own connection was the last: it copied the rest of the
    // log and removed it.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reopened = SqliteEventStore.open({ file });
    expect(await reopened.readAll({ maxCount: 4_096 })).toHaveLength(4_000);
    await reopened.close();
  });
});
