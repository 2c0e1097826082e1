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

  it('leaves no checkpoint to the writer’s commits, and copies the whole log when it runs', async () => {
    const db = openWriter();
    const checkpointer = WalCheckpointer.start(file, db, 60_000);
    try {
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      write(db, 3_000);
      // SQLite would have checkpointed at 1,000 pages and started the log again: it grew past them.
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(2_500 * PAGE);
      const sizeBefore = statSync(file).size;
      const run = await checkpointer.runNow();
      expect(run).toMatchObject({ busy: 0 });
      expect(run.log).toBeGreaterThan(2_500);
      expect(run.checkpointed).toBe(run.log);
      expect(statSync(file).size).toBeGreaterThan(sizeBefore + 2_500 * PAGE);
    } finally {
      await checkpointer.close();
      db.close();
    }
  });

  it('runs by itself every interval, without any call from the writer’s thread', async () => {
    const db = openWriter();
    const checkpointer = WalCheckpointer.start(file, db, 50);
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
