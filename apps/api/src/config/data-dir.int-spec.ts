import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from './app-config';
import { prepareDataDir, prepareDataDirOf } from './data-dir';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('prepareDataDir', () => {
  let root: string;
  let umask: number;
  const warnings: string[] = [];
  const logger = { warn: (message: string) => warnings.push(message) };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kb-data-dir-'));
    umask = process.umask(0o022);
    warnings.length = 0;
  });

  afterEach(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  it('creates a missing DATA_DIR with mode 0700, silently', () => {
    const dataDir = join(root, 'nested', 'data');
    prepareDataDir(dataDir, logger);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(warnings).toEqual([]);
  });

  it('creates it with mode 0700 under a umask of 0 too', () => {
    process.umask(0o000);
    const dataDir = join(root, 'data');
    prepareDataDir(dataDir, logger);
    expect(modeOf(dataDir)).toBe(0o700);
  });

  it('tightens an existing DATA_DIR of ours open to others to 0700 and warns that it did', () => {
    const dataDir = join(root, 'data');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    prepareDataDir(dataDir, logger);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(warnings).toEqual([
      `DATA_DIR ${dataDir} was open to other users (mode 0755); its mode is now 0700.`,
    ]);
  });

  it('leaves a private DATA_DIR as it is, silently', () => {
    const dataDir = join(root, 'data');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o700);
    prepareDataDir(dataDir, logger);
    expect(modeOf(dataDir)).toBe(0o700);
    expect(warnings).toEqual([]);
  });

  it('prepares DATA_DIR only when the embedded store or the SQLite read models live there', () => {
    const unused = join(root, 'unused');
    prepareDataDirOf(
      loadConfig({ DATA_DIR: unused, EVENTSTORE_URL: 'esdb://h:2113', DATABASE_URL: 'postgres://h/db' }),
      logger,
    );
    expect(existsSync(unused)).toBe(false);

    const used = join(root, 'used');
    prepareDataDirOf(loadConfig({ DATA_DIR: used, EVENTSTORE_URL: 'esdb://h:2113' }), logger);
    expect(modeOf(resolve(used))).toBe(0o700);
  });
});
