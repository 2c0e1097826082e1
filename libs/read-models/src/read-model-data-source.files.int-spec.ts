import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReadModelDataSource } from './read-model-data-source';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('SQLite read-model files are private, whatever the umask', () => {
  let root: string;
  let umask: number;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kb-read-model-files-'));
    umask = process.umask(0o000); // looser than any real one: SQLite alone would make 0666 files
  });

  afterEach(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  it('creates its folder with mode 0700 and read-models.db, -wal and -shm with 0600', async () => {
    const dataDir = join(root, 'data');
    const file = join(dataDir, 'read-models.db');
    const dataSource = await createReadModelDataSource({ kind: 'sqlite', file });
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      for (const path of [file, `${file}-wal`, `${file}-shm`]) {
        expect(existsSync(path)).toBe(true);
        expect([path, modeOf(path)]).toEqual([path, 0o600]);
      }
    } finally {
      await dataSource.destroy();
    }
  });

  it('takes the group and others off an existing read-models.db and its -wal and -shm', async () => {
    const file = join(root, 'read-models.db');
    await (await createReadModelDataSource({ kind: 'sqlite', file })).destroy();
    writeFileSync(`${file}-wal`, '');
    writeFileSync(`${file}-shm`, '');
    for (const path of [file, `${file}-wal`, `${file}-shm`]) chmodSync(path, 0o644);

    const dataSource = await createReadModelDataSource({ kind: 'sqlite', file });
    try {
      for (const path of [file, `${file}-wal`, `${file}-shm`])
        expect([path, modeOf(path)]).toEqual([path, 0o600]);
    } finally {
      await dataSource.destroy();
    }
  });
});
