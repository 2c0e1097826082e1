import { resolve } from 'node:path';
import type { EventStoreFileSummary } from '@kb/event-store';
import type { AppConfig } from '../config/app-config';

export const BACKUP_USAGE = `Usage:
  npm run backup -- <file>             online backup of DATA_DIR/events.db into the new <file>
  npm run restore -- <file> [--force]  restore <file> as DATA_DIR/events.db, then rebuild the read models
                                       (--force: move an existing events.db aside first)
`;

/** Arguments a backup or restore command refuses; the message says which and why. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface BackupArguments {
  /** The backup file, absolute. */
  readonly file: string;
  /** restore only: move an existing events.db aside. */
  readonly force: boolean;
}

/** `<file>` and, for restore, `--force`; `--help` asks for the usage. */
export function parseBackupArguments(
  command: 'backup' | 'restore',
  args: readonly string[],
): BackupArguments | 'help' {
  if (args.includes('--help') || args.includes('-h')) return 'help';
  const flags = args.filter((arg) => arg.startsWith('--'));
  const files = args.filter((arg) => !arg.startsWith('--'));
  const allowed = command === 'restore' ? ['--force'] : [];
  const unknown = flags.filter((flag) => !allowed.includes(flag));
  if (unknown.length > 0) throw new UsageError(`npm run ${command} does not know ${unknown.join(', ')}.`);
  if (files.length !== 1)
    throw new UsageError(
      files.length === 0
        ? `npm run ${command} needs the backup file: npm run ${command} -- <file>.`
        : `npm run ${command} takes one file, not ${files.length} (${files.join(', ')}).`,
    );
  return { file: resolve(files[0]), force: flags.includes('--force') };
}

/** "1,234 events in 56 streams, up to position 00000000000000001234". */
export function describeStore(summary: EventStoreFileSummary): string {
  return summary.lastPosition === null
    ? 'an empty event store (no events)'
    : `${summary.events.toLocaleString('en')} events in ${summary.streams.toLocaleString('en')} streams, up to position ${summary.lastPosition}`;
}

/**
 * The embedded store's file, or null after telling the user (stderr) that with EVENTSTORE_URL the
 * events are in EventStoreDB, which has its own procedure: `verb` is what this command would do.
 */
export function embeddedStoreFile(
  config: Pick<AppConfig, 'eventStore'>,
  verb: 'back up' | 'restore',
): string | null {
  if (config.eventStore.kind === 'embedded') return config.eventStore.file;
  process.stderr.write(
    `EVENTSTORE_URL is set: the events are in EventStoreDB, which this command does not ${verb}. ` +
      `Use EventStoreDB's own ${verb === 'back up' ? 'backup' : 'restore'} (docs/operations/topology-and-backup.md, 'EventStoreDB').\n`,
  );
  return null;
}
