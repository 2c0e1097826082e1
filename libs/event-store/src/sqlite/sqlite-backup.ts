import Database from 'better-sqlite3';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
  fchmodSync,
} from 'node:fs';
import { basename, dirname } from 'node:path';
import {
  makePrivateDirectory,
  PRIVATE_FILE_MODE,
  preparePrivateDatabaseFile,
  restrictDatabaseFiles,
} from '../private-files';
import { EVENT_STORE_SCHEMA_VERSION, EVENT_STORE_TABLES } from './sqlite-schema';
import { encodePosition } from './sqlite-event-store';

/** What an event store file holds, as a backup or a restore reports it. */
export interface EventStoreFileSummary {
  readonly file: string;
  readonly events: number;
  readonly streams: number;
  /** The position of its last event (as the store writes positions), or null when it has none. */
  readonly lastPosition: string | null;
  readonly schemaVersion: number;
}

/** A file that cannot be backed up, restored or used as an event store; the message says why. */
export class EventStoreFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreFileError';
  }
}

/** The files SQLite keeps beside a database: they belong to it and move with it. */
const SIBLINGS = ['-wal', '-shm', '-journal'];

/**
 * Whether a process has `file` open as an event store (a running service, a rebuild, a seed): every
 * such connection holds a shared lock, so an exclusive lock taken without waiting is refused. A file
 * that does not exist is in use by nobody.
 */
export function eventStoreFileInUse(file: string): boolean {
  if (!existsSync(file)) return false;
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('ROLLBACK');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw error;
  } finally {
    db.close();
  }
}

/**
 * Checks that `file` is an event store this build can open: a SQLite database that passes
 * `integrity_check`, with the schema version and the tables and columns of the current schema.
 * Returns what it holds; throws {@link EventStoreFileError} saying what is wrong.
 */
export function inspectEventStoreFile(file: string, options: { name?: string } = {}): EventStoreFileSummary {
  const name = options.name ?? file;
  if (!existsSync(file)) throw new EventStoreFileError(`${name} does not exist.`);
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (cause) {
    throw new EventStoreFileError(`${name} cannot be opened: ${messageOf(cause)}.`, { cause });
  }
  try {
    let problems: string[];
    try {
      problems = (db.pragma('integrity_check') as { integrity_check: string }[]).map(
        (row) => row.integrity_check,
      );
    } catch (cause) {
      throw new EventStoreFileError(`${name} is not a SQLite database (${messageOf(cause)}).`, { cause });
    }
    if (problems.length !== 1 || problems[0] !== 'ok')
      throw new EventStoreFileError(
        `${name} is damaged: SQLite's integrity check reports ${problems.slice(0, 5).join('; ')}.`,
      );
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    if (schemaVersion === 0)
      throw new EventStoreFileError(
        `${name} is a SQLite database, but not an event store (it has no schema version).`,
      );
    if (schemaVersion > EVENT_STORE_SCHEMA_VERSION)
      throw new EventStoreFileError(
        `${name} was written by a newer version of this service (schema ${schemaVersion}, this build knows ${EVENT_STORE_SCHEMA_VERSION}). Restore it with that version or a later one.`,
      );
    for (const [table, columns] of Object.entries(EVENT_STORE_TABLES)) {
      const found = (db.pragma(`table_info(${table})`) as { name: string }[]).map((column) => column.name);
      if (found.join(',') !== columns.join(','))
        throw new EventStoreFileError(
          found.length === 0
            ? `${name} is not an event store: it has no '${table}' table.`
            : `${name} is not an event store of this service: table '${table}' has columns (${found.join(', ')}), expected (${columns.join(', ')}).`,
        );
    }
    const counts = db
      .prepare<[], { events: number; streams: number; last: number | null }>(
        'SELECT count(*) AS events, count(DISTINCT stream_id) AS streams, max(position) AS last FROM events',
      )
      .get() as { events: number; streams: number; last: number | null };
    return {
      file,
      events: counts.events,
      streams: counts.streams,
      lastPosition: counts.last === null ? null : encodePosition(counts.last),
      schemaVersion,
    };
  } finally {
    db.close();
  }
}

/**
 * An online backup of the event store at `source` into the new file `destination`, while the service
 * keeps writing: SQLite's backup API copies every page in one step, inside one read transaction, so
 * the copy is the store as of one commit (every append acknowledged before the backup began, and
 * perhaps some after). The result is one self-contained file (rollback journal, not WAL), mode 0600,
 * checked as {@link inspectEventStoreFile} checks a restore; it appears under its name only when
 * complete (written beside it, then renamed). An existing `destination` is never overwritten.
 */
export async function backupEventStore(source: string, destination: string): Promise<EventStoreFileSummary> {
  if (!existsSync(source))
    throw new EventStoreFileError(`There is no event store to back up: ${source} does not exist.`);
  if (existsSync(destination))
    throw new EventStoreFileError(
      `${destination} exists already; a backup never overwrites a file. Choose a new name.`,
    );
  if (!existsSync(dirname(destination)))
    throw new EventStoreFileError(`The folder of ${destination} does not exist; create it first.`);
  const partial = `${destination}.partial`;
  removeDatabaseFiles(partial); // left by a backup that was interrupted
  preparePrivateDatabaseFile(partial);
  try {
    const db = new Database(source, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      // The first step only counts the pages; the next copies all of them at once (see above).
      await db.backup(partial, { progress: () => 0x7fffffff });
    } finally {
      db.close();
    }
    const copy = new Database(partial, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE'); // one file, no -wal to forget
    } finally {
      copy.close();
    }
    restrictDatabaseFiles(partial);
    const summary = inspectEventStoreFile(partial);
    syncFile(partial);
    renameSync(partial, destination);
    syncDirectory(dirname(destination));
    return { ...summary, file: destination };
  } catch (error) {
    removeDatabaseFiles(partial);
    throw error;
  }
}

/** What a restore did: what the restored file holds, and where the file it replaced went. */
export interface EventStoreRestore {
  readonly summary: EventStoreFileSummary;
  /** The event store that was there before (with `force`), renamed; undefined when there was none. */
  readonly movedAside?: string;
}

/**
 * Puts the backup `backup` in place as the event store `target` (DATA_DIR/events.db). The backup
 * is copied beside the target (mode 0600) and checked there before anything else changes. Refused
 * while a process has the target open, and when a target exists unless `force`, which renames it
 * (with its -wal and -shm) to `<target>.before-restore-<time>` instead of deleting it.
 */
export function restoreEventStore(
  backup: string,
  target: string,
  options: { force?: boolean; now?: Date } = {},
): EventStoreRestore {
  if (!existsSync(backup)) throw new EventStoreFileError(`The backup ${backup} does not exist.`);
  makePrivateDirectory(dirname(target));
  const exists = existsSync(target) || existsSync(`${target}-wal`);
  if (exists && eventStoreFileInUse(target))
    throw new EventStoreFileError(
      `${target} is in use by a running service or command (it holds the file open). Stop every process on this DATA_DIR, then restore.`,
    );
  if (exists && !options.force)
    throw new EventStoreFileError(
      `${target} exists already: restoring would replace its events. Restore into an empty DATA_DIR, or add --force to move the present one aside (it is renamed, not deleted).`,
    );

  const incoming = `${target}.restoring`;
  removeDatabaseFiles(incoming); // left by a restore that was interrupted
  let summary: EventStoreFileSummary;
  try {
    copyPrivately(backup, incoming);
    summary = inspectEventStoreFile(incoming, { name: `The backup ${backup}` });
    restrictDatabaseFiles(incoming);
  } catch (error) {
    removeDatabaseFiles(incoming);
    throw error;
  }

  let movedAside: string | undefined;
  if (exists) {
    const stamp = (options.now ?? new Date())
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    movedAside = `${target}.before-restore-${stamp}`;
    // Renamed together, the -wal stays the -wal of its database (it may hold committed transactions).
    for (const suffix of ['', ...SIBLINGS])
      if (existsSync(`${target}${suffix}`)) renameSync(`${target}${suffix}`, `${movedAside}${suffix}`);
  }
  renameSync(incoming, target);
  syncDirectory(dirname(target));
  return { summary: { ...summary, file: target }, movedAside };
}

/** Copies `from` into the new file `to`, created with mode 0600 whatever the umask, and syncs it. */
function copyPrivately(from: string, to: string): void {
  const input = openSync(from, 'r');
  try {
    const output = openSync(to, 'wx', PRIVATE_FILE_MODE);
    try {
      fchmodSync(output, PRIVATE_FILE_MODE);
      const buffer = Buffer.allocUnsafe(1 << 20);
      for (;;) {
        const read = readSync(input, buffer, 0, buffer.length, null);
        if (read === 0) break;
        let written = 0;
        while (written < read) written += writeSync(output, buffer, written, read - written);
      }
      fsyncSync(output);
    } finally {
      closeSync(output);
    }
  } catch (error) {
    throw new EventStoreFileError(`${basename(from)} could not be copied to ${to}: ${messageOf(error)}.`, {
      cause: error,
    });
  } finally {
    closeSync(input);
  }
}

function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', ...SIBLINGS]) rmSync(`${file}${suffix}`, { force: true });
}

function syncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename durable: the directory entry is flushed too (where the platform allows it). */
function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a directory; there the rename is as durable as the platform makes it.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
}
