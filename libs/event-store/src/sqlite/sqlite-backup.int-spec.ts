import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  backupEventStore,
  eventStoreFileInUse,
  inspectEventStoreFile,
  restoreEventStore,
} from './sqlite-backup';
import { SqliteEventStore } from './sqlite-event-store';

const modeOf = (path: string) => statSync(path).mode & 0o777;
const event = (type = 'Happened') => ({ id: randomUUID(), type, data: { at: Date.now() } });

describe('backup and restore of the embedded event store', () => {
  let root: string;
  let umask: number;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kb-backup-'));
    umask = process.umask(0o000); // the modes must not come from the umask
  });

  afterEach(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  async function storeWith(file: string, streams: number, eventsEach: number): Promise<SqliteEventStore> {
    const store = SqliteEventStore.open({ file });
    for (let s = 0; s < streams; s++)
      await store.appendToStream(
        `incident-${s}`,
        Array.from({ length: eventsEach }, () => event()),
      );
    return store;
  }

  it('copies, while appends go on, every append acknowledged before it began: one private file', async () => {
    const source = join(root, 'data', 'events.db');
    const store = await storeWith(source, 50, 20);
    let stop = false;
    let acknowledged = 0;
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        await store.appendToStream(`load-${i % 7}`, [event('Load')]);
        acknowledged += 1;
      }
    })();
    await new Promise((done) => setTimeout(done, 50));
    const before = (await store.readAll({ direction: 'backwards', maxCount: 1 }))[0].position;
    const countBefore = 1000 + acknowledged;

    const summary = await backupEventStore(source, join(root, 'backup.db'));
    stop = true;
    await load;

    expect(summary.file).toBe(join(root, 'backup.db'));
    expect(summary.lastPosition! >= before).toBe(true);
    expect(summary.events).toBeGreaterThanOrEqual(countBefore);
    expect(modeOf(summary.file)).toBe(0o600);
    // One file: not in WAL mode, no -wal or -shm beside it, no partial left.
    expect(readFileSync(summary.file).subarray(18, 20)).toEqual(Buffer.from([1, 1]));
    expect(['-wal', '-shm', '.partial'].filter((s) => existsSync(`${summary.file}${s}`))).toEqual([]);
    // Exactly a prefix of the live log, and counted right.
    const copy = new Database(summary.file, { readonly: true });
    const copied = copy.prepare('SELECT position, event_id FROM events ORDER BY position').all() as {
      position: number;
      event_id: string;
    }[];
    copy.close();
    const live = await store.readAll({ maxCount: copied.length });
    expect(copied.map((row) => row.event_id)).toEqual(live.map((e) => e.id));
    expect(copied.length).toBe(summary.events);
    await store.close();
  });

  it('never overwrites a file and says when there is nothing to back up', async () => {
    const source = join(root, 'events.db');
    await (await storeWith(source, 1, 1)).close();
    writeFileSync(join(root, 'taken.db'), 'an older backup');
    await expect(backupEventStore(source, join(root, 'taken.db'))).rejects.toThrow(
      /taken\.db exists already; a backup never overwrites a file/,
    );
    expect(readFileSync(join(root, 'taken.db'), 'utf8')).toBe('an older backup');
    await expect(backupEventStore(join(root, 'none.db'), join(root, 'b.db'))).rejects.toThrow(
      /no event store to back up: .*none\.db does not exist/,
    );
    await expect(backupEventStore(source, join(root, 'missing', 'b.db'))).rejects.toThrow(
      /folder of .*missing.* does not exist/,
    );
  });

  it('restores into an empty DATA_DIR: the same events, mode 0600, and the store opens on it', async () => {
    const source = join(root, 'events.db');
    const original = await storeWith(source, 3, 4);
    const backup = await backupEventStore(source, join(root, 'backup.db'));
    const events = await original.readAll();
    await original.close();

    const target = join(root, 'restored', 'events.db');
    const { summary, movedAside } = restoreEventStore(backup.file, target);
    expect(movedAside).toBeUndefined();
    expect(summary).toEqual({ ...backup, file: target });
    expect(modeOf(target)).toBe(0o600);
    expect(modeOf(join(root, 'restored'))).toBe(0o700);
    const restored = SqliteEventStore.open({ file: target });
    expect(await restored.readAll()).toEqual(events);
    // Positions go on after the restored ones.
    const next = await restored.appendToStream('incident-0', [event()], { expectedRevision: 3 });
    expect(next.position > summary.lastPosition!).toBe(true);
    await restored.close();
  });

  it('refuses a store in use, and an existing one unless forced, which moves it aside with its -wal', async () => {
    const source = join(root, 'events.db');
    await (await storeWith(source, 1, 2)).close();
    const backup = await backupEventStore(source, join(root, 'backup.db'));

    const target = join(root, 'data', 'events.db');
    const running = await storeWith(target, 2, 1);
    expect(eventStoreFileInUse(target)).toBe(true);
    expect(() => restoreEventStore(backup.file, target, { force: true })).toThrow(
      /events\.db is in use by a running service or command/,
    );
    await running.close();
    expect(eventStoreFileInUse(target)).toBe(false);

    // A crash leaves a -wal holding committed appends: it must move with its database. Copies of
    // both files taken while a connection holds them are what a killed process leaves.
    const crashed = new Database(target);
    crashed.pragma('wal_autocheckpoint = 0');
    crashed
      .prepare(
        "INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES ('x', 0, 'e', 'T', '{}', '{}', 0)",
      )
      .run();
    const files = { db: readFileSync(target), wal: readFileSync(`${target}-wal`) };
    crashed.close();
    writeFileSync(target, files.db);
    writeFileSync(`${target}-wal`, files.wal);
    expect(files.wal.length).toBeGreaterThan(0);
    expect(() => restoreEventStore(backup.file, target)).toThrow(
      /exists already.*add --force to move the present one aside/,
    );

    const now = new Date('2025-03-04T05:06:07.890Z');
    const { movedAside } = restoreEventStore(backup.file, target, { force: true, now });
    expect(movedAside).toBe(`${target}.before-restore-20250304T050607Z`);
    expect(inspectEventStoreFile(target).events).toBe(2);
    const old = new Database(movedAside, { readonly: true });
    expect(old.prepare('SELECT count(*) FROM events').pluck().get()).toBe(3);
    old.close();
  });

  it('checks that the file is an event store before anything changes', () => {
    const target = join(root, 'data', 'events.db');
    const refused = (file: string) => {
      let message = '';
      try {
        restoreEventStore(file, target);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(existsSync(target)).toBe(false);
      expect(existsSync(`${target}.restoring`)).toBe(false);
      return message;
    };
    writeFileSync(join(root, 'text.db'), 'not a database at all, just text long enough to look like one');
    expect(refused(join(root, 'text.db'))).toMatch(/^The backup .*text\.db is not a SQLite database/);

    const other = new Database(join(root, 'other.db'));
    other.exec('CREATE TABLE notes (body TEXT)');
    other.close();
    expect(refused(join(root, 'other.db'))).toMatch(/other\.db is a SQLite database, but not an event store/);

    const newer = new Database(join(root, 'newer.db'));
    newer.pragma('user_version = 99');
    newer.close();
    expect(refused(join(root, 'newer.db'))).toMatch(
      /newer version of this service \(schema 99, this build knows 1\)/,
    );

    const foreign = new Database(join(root, 'foreign.db'));
    foreign.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT)');
    foreign.pragma('user_version = 1');
    foreign.close();
    expect(refused(join(root, 'foreign.db'))).toMatch(
      /not an event store of this service: table 'events' has columns \(id, body\)/,
    );

    expect(refused(join(root, 'absent.db'))).toMatch(/The backup .*absent\.db does not exist/);
  });

  it('finds a damaged backup', async () => {
    const source = join(root, 'events.db');
    await (await storeWith(source, 40, 25)).close();
    const backup = await backupEventStore(source, join(root, 'backup.db'));
    const bytes = readFileSync(backup.file);
    const pageSize = bytes.readUInt16BE(16);
    // Scribble over a page in the middle (a b-tree page of the events table or its indexes).
    bytes.fill(0x5a, pageSize * 5 + 8, pageSize * 6);
    writeFileSync(join(root, 'damaged.db'), bytes);
    expect(() => inspectEventStoreFile(join(root, 'damaged.db'))).toThrow(/damaged\.db is damaged/);
  });
});
