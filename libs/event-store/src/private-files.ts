import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * Files only this user may read: the databases under DATA_DIR hold every incident, every API key's
 * hash and every webhook's secret. Modes are set by chmod, so they do not depend on the umask.
 */
export const PRIVATE_DIRECTORY_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** The files SQLite keeps beside a database in WAL mode. */
const SQLITE_SIBLINGS = ['-wal', '-shm', '-journal'];

/**
 * Creates `directory` (and its missing parents) with mode 0700. A directory that exists already is
 * left as it is: whether to tighten it is for whoever knows what it is (DATA_DIR: the service).
 * Returns whether `directory` was created.
 */
export function makePrivateDirectory(directory: string): boolean {
  // Recursive: an existing directory is no error (a file in its place is).
  const created = mkdirSync(directory, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  if (created === undefined) return false;
  chmodSync(directory, PRIVATE_DIRECTORY_MODE); // whatever the umask
  return true;
}

/**
 * Before SQLite opens `file`: creates it empty with mode 0600 (SQLite would use 0644 less the
 * umask), or brings an existing one of ours and its `-wal`/`-shm` siblings to 0600. SQLite gives
 * the siblings it creates later the database file's mode; {@link restrictDatabaseFiles} after the
 * open checks them.
 */
export function preparePrivateDatabaseFile(file: string): void {
  if (file === ':memory:' || file === '') return;
  try {
    const fd = openSync(file, 'wx', PRIVATE_FILE_MODE);
    try {
      fchmodSync(fd, PRIVATE_FILE_MODE); // whatever the umask
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  restrictDatabaseFiles(file);
}

/**
 * Takes the group's and others' permissions from `file` and its `-wal`, `-shm` and `-journal`
 * siblings, where they exist and are ours (0644 becomes 0600).
 */
export function restrictDatabaseFiles(file: string): void {
  if (file === ':memory:' || file === '') return;
  for (const path of [file, ...SQLITE_SIBLINGS.map((suffix) => `${file}${suffix}`)]) restrictFile(path);
}

function restrictFile(path: string): void {
  let mode: number;
  let uid: number;
  try {
    ({ mode, uid } = statSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if ((mode & 0o077) === 0 || !ownedByThisProcess(uid)) return;
  chmodSync(path, mode & 0o700);
}

/** Whether this process's user owns a file of `uid` (where there are no uids, Windows: yes). */
export function ownedByThisProcess(uid: number): boolean {
  return process.getuid === undefined || process.getuid() === uid;
}
