import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from './sqlite-event-store';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('embedded event store files are private, whatever the umask', () => {
  let root: string;
  let umask: number;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kb-events-files-'));
    umask = process.umask(0o000); // looser than any real one: SQLite alone would make 0666 files
  });

  afterEach(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  async function openAndAppend(file: string): Promise<SqliteEventStore> {
    const store = SqliteEventStore.open({ file });
    await store.appendToStream('incident-1', [{ id: randomUUID(), type: 'Reported', data: {} }]);
    return store;
  }

  it('creates its folder with mode 0700 and events.db, -wal and -shm with 0600', async () => {
    const dataDir = join(root, 'data');
    const file = join(dataDir, 'events.db');
    const store = await openAndAppend(file);
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      for (const path of [file, `${file}-wal`, `${file}-shm`]) {
        expect(existsSync(path)).toBe(true);
        expect([path, modeOf(path)]).toEqual([path, 0o600]);
      }
    } finally {
      await store.close();
    }
  });

  it('takes the group and others off an existing events.db and its -wal and -shm', async () => {
    const file = join(root, 'events.db');
    await (await openAndAppend(file)).close();
    writeFileSync(`${file}-wal`, '');
    writeFileSync(`${file}-shm`, '');
    for (const path of [file, `${file}-wal`, `${file}-shm`]) chmodSync(path, 0o644);

    const store = await openAndAppend(file);
    try {
      for (const path of [file, `${file}-wal`, `${file}-shm`])
        expect([path, modeOf(path)]).toEqual([path, 0o600]);
    } finally {
      await store.close();
    }
  });
});
